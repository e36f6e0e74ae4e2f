import Foundation
import ReverieKernel

/// `SpikeExchange` over MPI: per slot one `MPI_Allgather` of a fixed-size block per
/// rank — its spike count and synaptic events (8 bytes each), then up to `capacity`
/// spikes of 16 bytes (time bits, unit). The rare slot in which a rank has more
/// spikes sends the rest in an `MPI_Allgatherv` (after an `MPI_Allgather` of their
/// lengths); every rank sees the counts, so all of them make that call or none, and
/// all raise `capacity` alike (to twice the largest count, rounded up to a power of
/// two; it starts at 2, so every multi-rank run takes both paths). Latency, not
/// volume, is the cost of a slot's exchange on one node: one collective instead of
/// two. A failed call (another rank died) aborts the job with the rank and the call named.
public final class MPISpikeExchange: SpikeExchange {
    public let world: MPICommunicator
    public var rank: Int { world.rank }
    public var size: Int { world.size }
    /// Spikes a rank sends in the slot's one fixed-size block (the same on every rank).
    public private(set) var capacity = 2

    public init(_ world: MPICommunicator) { self.world = world }

    public func allGather(_ spikes: [(time: Double, unit: Int)], count: Int) -> (spikes: [(time: Double, unit: Int)], count: Int) {
        let c = capacity, block = 16 + 16 * c
        var send = [UInt8](repeating: 0, count: block)
        send.withUnsafeMutableBytes { b in
            b.storeBytes(of: UInt64(spikes.count).littleEndian, toByteOffset: 0, as: UInt64.self)
            b.storeBytes(of: UInt64(bitPattern: Int64(count)).littleEndian, toByteOffset: 8, as: UInt64.self)
            Self.store(spikes.prefix(c), into: b, at: 16)
        }
        let blocks: [UInt8]
        do { blocks = try world.allGatherBlocks(send) } catch { fail("\(error)") }
        return blocks.withUnsafeBytes { b in
            let counts = (0..<size).map { Int(Self.word(b, $0 * block)) }
            guard counts.allSatisfy({ (0...(1 << 40)).contains($0) }) else { fail("malformed spike exchange block") }
            var rest: [[UInt8]] = []
            if let most = counts.max(), most > c {
                var bytes = [UInt8](repeating: 0, count: 16 * max(spikes.count - c, 0))
                bytes.withUnsafeMutableBytes { Self.store(spikes.dropFirst(c), into: $0, at: 0) }
                do { rest = try world.allGather(bytes) } catch { fail("\(error)") }
                guard rest.indices.allSatisfy({ rest[$0].count == 16 * max(counts[$0] - c, 0) }) else { fail("malformed spike exchange message") }
                capacity = 1 << (Int.bitWidth - (2 * most - 1).leadingZeroBitCount)
            }
            var all: [(time: Double, unit: Int)] = [], total = 0
            all.reserveCapacity(counts.reduce(0, +))
            for r in 0..<size {
                total += Int(Int64(bitPattern: Self.word(b, r * block + 8)))
                Self.load(min(counts[r], c), from: b, at: r * block + 16, into: &all)
                if counts[r] > c { rest[r].withUnsafeBytes { Self.load(counts[r] - c, from: $0, at: 0, into: &all) } }
            }
            return (all, total)
        }
    }

    /// Writes spikes as 16 bytes each (time bits, unit; little-endian) from `offset` on.
    private static func store(_ spikes: ArraySlice<(time: Double, unit: Int)>, into b: UnsafeMutableRawBufferPointer, at offset: Int) {
        for (k, (t, i)) in spikes.enumerated() {
            b.storeBytes(of: t.bitPattern.littleEndian, toByteOffset: offset + 16 * k, as: UInt64.self)
            b.storeBytes(of: UInt64(bitPattern: Int64(i)).littleEndian, toByteOffset: offset + 16 * k + 8, as: UInt64.self)
        }
    }

    /// Appends `count` spikes written by `store` at `offset`.
    private static func load(_ count: Int, from b: UnsafeRawBufferPointer, at offset: Int, into all: inout [(time: Double, unit: Int)]) {
        for k in 0..<count {
            all.append((Double(bitPattern: word(b, offset + 16 * k)), Int(Int64(bitPattern: word(b, offset + 16 * k + 8)))))
        }
    }

    private static func word(_ b: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: b.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    public func all(_ value: Bool) -> Bool {
        do { return try world.sum([value ? 0 : 1])[0] == 0 } catch { fail("\(error)") }
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("reverie: rank \(rank): spike exchange failed: \(message)\n".utf8))
        world.abort(70)
    }
}
