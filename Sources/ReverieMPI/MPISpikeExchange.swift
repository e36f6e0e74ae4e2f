import Foundation
import ReverieKernel

/// `SpikeExchange` over MPI: per slot one `MPI_Allgather` of a fixed-size block per
/// rank — its spike count and synaptic events (8 bytes each), then up to `capacity`
/// spikes of 16 bytes (time bits, unit). The rare slot in which a rank has more
/// spikes sends the rest in an `MPI_Allgatherv` (after an `MPI_Allgather` of their
/// lengths). Every rank sees the counts, so all of them make that call or none, and
/// all change `capacity` alike: up to twice the largest count, rounded up to a power of
/// two, when a count exceeds it (it starts at 2, so every multi-rank run takes both
/// paths), and down to that of the largest count of the last `window` slots when that
/// is smaller (a burst at the start does not make every later block large). Latency,
/// not volume, is the cost of a slot's exchange on one node: one collective instead
/// of two, from buffers kept between slots. A failed call (another rank died) aborts
/// the job with the rank and the call named.
public final class MPISpikeExchange: SpikeExchange {
    public let world: MPICommunicator
    public var rank: Int { world.rank }
    public var size: Int { world.size }
    /// Spikes a rank sends in the slot's one fixed-size block (the same on every rank).
    public private(set) var capacity = 2
    /// Slots over which the largest count is taken to lower `capacity`.
    public static let window = 1024
    private var slots = 0, windowMost = 0
    private var send: [UInt8] = [], receive: [UInt8] = []

    public init(_ world: MPICommunicator) { self.world = world }

    /// Twice `count`, rounded up to a power of two (at least 2).
    static func capacity(for count: Int) -> Int { count <= 1 ? 2 : 1 << (Int.bitWidth - (2 * count - 1).leadingZeroBitCount) }

    public func allGather(_ spikes: [(time: Double, unit: Int)], count: Int) -> (spikes: [(time: Double, unit: Int)], count: Int) {
        let c = capacity, block = 16 + 16 * c
        if send.count != block { send = [UInt8](repeating: 0, count: block); receive = [UInt8](repeating: 0, count: block * size) }
        send.withUnsafeMutableBytes { b in
            b.storeBytes(of: UInt64(spikes.count).littleEndian, toByteOffset: 0, as: UInt64.self)
            b.storeBytes(of: UInt64(bitPattern: Int64(count)).littleEndian, toByteOffset: 8, as: UInt64.self)
            Self.store(spikes.prefix(c), into: b, at: 16)
        }
        do {
            try send.withUnsafeBytes { s in try receive.withUnsafeMutableBytes { try world.allGatherBlocks(s, into: $0) } }
        } catch { fail("\(error)") }
        return receive.withUnsafeBytes { b in
            var counts = [Int](repeating: 0, count: size), most = 0
            for r in 0..<size { counts[r] = Int(Self.word(b, r * block)); most = max(most, counts[r]) }
            guard counts.allSatisfy({ (0...(1 << 40)).contains($0) }) else { fail("malformed spike exchange block") }
            var rest: [[UInt8]] = []
            if most > c {
                var bytes = [UInt8](repeating: 0, count: 16 * max(spikes.count - c, 0))
                bytes.withUnsafeMutableBytes { Self.store(spikes.dropFirst(c), into: $0, at: 0) }
                do { rest = try world.allGather(bytes) } catch { fail("\(error)") }
                guard rest.indices.allSatisfy({ rest[$0].count == 16 * max(counts[$0] - c, 0) }) else { fail("malformed spike exchange message") }
                capacity = Self.capacity(for: most)
            }
            windowMost = max(windowMost, most)
            slots += 1
            if slots % Self.window == 0 {
                capacity = min(capacity, Self.capacity(for: windowMost))
                windowMost = 0
            }
            var all: [(time: Double, unit: Int)] = [], total = 0
            all.reserveCapacity(counts.reduce(0, +) - spikes.count)
            for r in 0..<size {
                total += Int(Int64(bitPattern: Self.word(b, r * block + 8)))
                guard r != rank else { continue }
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
