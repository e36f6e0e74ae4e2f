import Foundation

/// Wall-clock and CPU time of the calling thread. Benchmarks report CPU time
/// because other processes on a shared machine inflate wall time.
struct CPUTimer {
    private let wall0 = DispatchTime.now().uptimeNanoseconds
    private let cpu0 = CPUTimer.threadCPUNanoseconds()

    static func threadCPUNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    var wallSeconds: Double { Double(DispatchTime.now().uptimeNanoseconds - wall0) * 1e-9 }
    var cpuSeconds: Double { Double(Self.threadCPUNanoseconds() - cpu0) * 1e-9 }
}
