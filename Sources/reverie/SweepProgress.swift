import Foundation

/// Progress of a sweep on stderr: on a terminal, one redrawn line (bar, runs
/// done, elapsed, ETA); otherwise a plain line at most every `interval` seconds
/// and at the end, e.g. `experiment: run 12 of 40, elapsed 63 s, ETA 147 s`.
/// The ETA assumes the remaining runs take as long as the finished ones.
final class SweepProgress: @unchecked Sendable {
    private let total: Int
    private let unit: String
    private let enabled: Bool
    private let terminal: Bool
    private let interval: TimeInterval
    private let start = Date()
    private let lock = NSLock()
    private var done = 0
    private var lastLine = Date.distantPast
    private let bar: ProgressBar

    init(total: Int, unit: String, quiet: Bool, interval: TimeInterval = 10) {
        self.total = total
        self.unit = unit
        enabled = !quiet
        terminal = isatty(STDERR_FILENO) == 1
        self.interval = interval
        bar = ProgressBar(enabled: !quiet, timeUnit: "")
    }

    func completed(_ count: Int) {
        lock.lock(); defer { lock.unlock() }
        guard enabled, count > done else { return }
        done = count
        let elapsed = Date().timeIntervalSince(start)
        let eta = elapsed / Double(done) * Double(total - done)
        let text = "\(unit) \(done) of \(total), elapsed \(Self.duration(elapsed)), ETA \(Self.duration(eta))"
        if terminal {
            bar.show(Double(done) / Double(total), text)
        } else if done == total || Date().timeIntervalSince(lastLine) >= interval {
            lastLine = Date()
            FileHandle.standardError.write(Data("experiment: \(text)\n".utf8))
        }
    }

    func finish() { bar.finish() }

    static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        if s < 60 { return String(format: "%.1f s", s) }
        if s < 3600 { return String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60) }
        return String(format: "%dh%02dm", Int(s) / 3600, (Int(s) % 3600) / 60)
    }
}
