import ArgumentParser
import CRoofline
import Foundation

/// What one core of this machine can move and compute (`reverie-bench roofline`), the
/// ceilings the other benchmarks report their fraction of: single-thread read, write
/// and read-modify-write bandwidth at working sets from L1 to main memory, and the
/// multiply-and-add peak (no FMA, as Reverie's kernels compile).
struct RooflineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roofline",
        abstract: "Single-core memory bandwidth by working-set size and the multiply-add peak of this machine.")

    @Option(parsing: .upToNextOption, help: "Working sets in KiB.")
    var kib: [Int] = [16, 256, 768, 2048, 8192, 65536, 262144]

    @Option(help: "Rounds per probe (best is kept).")
    var rounds = 3

    func validate() throws {
        guard kib.allSatisfy({ $0 >= 1 }), rounds >= 1 else { throw ValidationError("--kib and --rounds must be positive") }
    }

    func run() throws {
        print("working set   read GB/s   write GB/s   read+write GB/s (a += c, both counted)   [CPU time, best of \(rounds)]")
        for k in kib {
            let b = rf_measure_bandwidth(Int64(k) * 1024, Int32(rounds))
            print(String(format: "%8ld KiB   %9.1f   %10.1f   %15.1f", k, b.read / 1e9, b.write / 1e9, b.update / 1e9))
        }
        print(String(format: "multiply-add peak: %.1f Gflop/s (one core, double, separate multiply and add)",
                     rf_measure_flops(Int32(rounds)) / 1e9))
    }
}

/// The ceiling a kernel with a given working set meets: the bandwidth measured at that
/// size (one core), for a benchmark's "fraction of the limit".
struct Roofline {
    let bandwidth: rf_bandwidth
    let flops: Double

    /// Measures at `workingSet` bytes (quick: one round of each probe).
    init(workingSet bytes: Int) {
        bandwidth = rf_measure_bandwidth(Int64(max(bytes, 4096)), 1)
        flops = rf_measure_flops(1)
    }

    /// The least time to read `read` bytes, read and write `updated` bytes and do `flop`
    /// multiply-adds at this machine's ceilings (memory and compute overlapped).
    func floor(read: Double, updated: Double, flop: Double) -> Double {
        max(read / bandwidth.read + 2 * updated / bandwidth.update, flop / flops)
    }

    var summary: String {
        String(format: "ceilings at this working set: read %.0f GB/s, read+write %.0f GB/s, %.1f Gflop/s",
               bandwidth.read / 1e9, bandwidth.update / 1e9, flops / 1e9)
    }
}
