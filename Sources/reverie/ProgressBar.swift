import Foundation

/// Progress of a long run on stderr: on a terminal, a bar redrawn at most ten
/// times a second with the phase, its fraction done, the simulated time and an
/// ETA; otherwise (logs, nohup, batch schedulers) a plain line every
/// `interval` seconds. Nothing for runs shorter than a second.
final class ProgressBar {
    private let enabled: Bool
    private let terminal: Bool
    private let interval: Double
    private let timeUnit: String
    private let start = Date()
    private var phaseStart = Date()
    private var lastDraw = Date.distantPast
    private var label = ""
    private var drawn = false

    init(enabled: Bool, timeUnit: String, interval: Double = 10) {
        self.enabled = enabled
        terminal = isatty(STDERR_FILENO) == 1
        self.interval = interval
        self.timeUnit = timeUnit
    }

    func phase(_ name: String) {
        label = name
        phaseStart = Date()
    }

    func update(_ fraction: Double, time: Double) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(start) > 1, now.timeIntervalSince(lastDraw) > (terminal ? 0.1 : interval) else { return }
        lastDraw = now
        let f = min(max(fraction, 0), 1), inPhase = now.timeIntervalSince(phaseStart)
        let eta = f > 0.001 ? String(format: "ETA %.0f s", inPhase * (1 - f) / f) : "ETA ?"
        let status = String(format: "%@ %3.0f%%  t = %.6g %@  %.1f s elapsed, %@", label, f * 100, time, timeUnit,
                            now.timeIntervalSince(start), eta)
        if terminal { draw(f, status) } else { FileHandle.standardError.write(Data(("progress: " + status + "\n").utf8)) }
    }

    /// Draws the bar with `text` as its status, on a terminal only (callers that
    /// report in their own words print their own plain lines).
    func show(_ fraction: Double, _ text: String) {
        guard enabled && terminal else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        draw(min(max(fraction, 0), 1), text)
    }

    private func draw(_ f: Double, _ status: String) {
        let width = 30, filled = Int((f * Double(width)).rounded())
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + bar + " " + status).utf8))
        drawn = true
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
