import Foundation
import ReverieKernel

/// `SpikeExchange` over MPI: per slot one `MPI_Allgather` of a fixed-size block per
/// rank — its spike count and synaptic events (8 bytes each), then up to `capacity`
/// spikes of 16 bytes (time bits, unit). The rare slot in which a rank has more
/// spikes sends the rest in an `MPI_Allgatherv` (after an `MPI_Allgather` of their
/// lengths); every rank sees the counts, so all of them make that call or none, and
/// all raise `capacity` alike (to twice the largest count, rounded up to a power of
/// two; it starts at 2, so every multi-rank run takes both paths). Latency, not
/// volume, is the cost of a slot's exchange on one node: one collective instead of two. A failed call (another rank died) aborts the job
/// with the rank and the call named.
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
            for (k, (t, i)) in spikes.prefix(c).enumerated() {
                b.storeBytes(of: t.bitPattern.littleEndian, toByteOffset: 16 + 16 * k, as: UInt64.self)
                b.storeBytes(of: UInt64(bitPattern: Int64(i)).littleEndian, toByteOffset: 24 + 16 * k, as: UInt64.self)
            }
        }
        let blocks: [UInt8]
        do { blocks = try world.allGatherBlocks(send) } catch { fail("\(error)") }
        return blocks.withUnsafeBytes { b in
            func word(_ offset: Int) -> UInt64 { UInt64(littleEndian: b.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
            let counts = (0..<size).map { Int(word($0 * block)) }
            guard counts.allSatisfy({ (0...(1 << 40)).contains($0) }) else { fail("malformed spike exchange block") }
            var rest: [[UInt8]] = []
            if let most = counts.max(), most > c {
                var bytes = [UInt8](repeating: 0, count: 16 * max(spikes.count - c, 0))
                bytes.withUnsafeMutableBytes { r in
                    for (k, (t, i)) in spikes.dropFirst(c).enumerated() {
                        r.storeBytes(of: t.bitPattern.littleEndian, toByteOffset: 16 * k, as: UInt64.self)
                        r.storeBytes(of: UInt64(bitPattern: Int64(i)).littleEndian, toByteOffset: 16 * k + 8, as: UInt64.self)
                    }
                }
                do { rest = try world.allGather(bytes) } catch { fail("\(error)") }
                guard rest.indices.allSatisfy({ rest[$0].count == 16 * max(counts[$0] - c, 0) }) else { fail("malformed spike exchange message") }
                capacity = 1 << (Int.bitWidth - (2 * most - 1).leadingZeroBitCount)
            }
            var all: [(time: Double, unit: Int)] = [], total = 0
            all.reserveCapacity(counts.reduce(0, +))
            for r in 0..<size {
                total += Int(Int64(bitPattern: word(r * block + 8)))
                for k in 0..<min(counts[r], c) {
                    all.append((Double(bitPattern: word(r * block + 16 + 16 * k)), Int(Int64(bitPattern: word(r * block + 24 + 16 * k)))))
                }
                if counts[r] > c {
                    rest[r].withUnsafeBytes { x in
                        for k in 0..<(counts[r] - c) {
                            all.append((Double(bitPattern: UInt64(littleEndian: x.loadUnaligned(fromByteOffset: 16 * k, as: UInt64.self))),
                                        Int(Int64(bitPattern: UInt64(littleEndian: x.loadUnaligned(fromByteOffset: 16 * k + 8, as: UInt64.self))))))
                        }
                    }
                }
            }
            return (all, total)
        }
    }

    public func all(_ value: Bool) -> Bool {
        do { return try world.sum([value ? 0 : 1])[0] == 0 } catch { fail("\(error)") }
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("reverie: rank \(rank): spike exchange failed: \(message)\n".utf8))
        world.abort(70)
    }
}
