import Foundation
import ReverieKernel

/// `SpikeExchange` over MPI: one `MPI_Allgatherv` of 16 bytes per spike (time bits,
/// unit) plus 8 for the count per slot. A failed call (another rank died) aborts
/// the job with the rank and the call named.
public final class MPISpikeExchange: SpikeExchange {
    public let world: MPICommunicator
    public var rank: Int { world.rank }
    public var size: Int { world.size }

    public init(_ world: MPICommunicator) { self.world = world }

    public func allGather(_ spikes: [(time: Double, unit: Int)], count: Int) -> (spikes: [(time: Double, unit: Int)], count: Int) {
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + 16 * spikes.count)
        func put(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        put(UInt64(bitPattern: Int64(count)))
        for (t, i) in spikes { put(t.bitPattern); put(UInt64(bitPattern: Int64(i))) }
        let parts: [[UInt8]]
        do { parts = try world.allGather(bytes) } catch { fail("\(error)") }
        var all: [(time: Double, unit: Int)] = [], total = 0
        for part in parts {
            guard part.count >= 8, (part.count - 8) % 16 == 0 else { fail("malformed spike exchange message") }
            func get(_ k: Int) -> UInt64 { (0..<8).reduce(UInt64(0)) { $0 | UInt64(part[k + $1]) << (8 * $1) } }
            total += Int(Int64(bitPattern: get(0)))
            for k in stride(from: 8, to: part.count, by: 16) {
                all.append((Double(bitPattern: get(k)), Int(Int64(bitPattern: get(k + 8)))))
            }
        }
        return (all, total)
    }

    public func all(_ value: Bool) -> Bool {
        do { return try world.sum([value ? 0 : 1])[0] == 0 } catch { fail("\(error)") }
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("reverie: rank \(rank): spike exchange failed: \(message)\n".utf8))
        world.abort(70)
    }
}
