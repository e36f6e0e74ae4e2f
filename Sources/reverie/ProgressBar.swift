import Foundation

/// A progress bar on stderr, shown only on a terminal, only once a run has taken
/// more than a second, and redrawn at most ten times a second.
final class ProgressBar {
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var label = ""
    private var drawn = false

    init(enabled: Bool) {
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
    }

    func phase(_ name: String) {
        label = name
        update(0)
    }

    func update(_ fraction: Double, label: String) {
        self.label = label
        update(fraction)
    }

    func update(_ fraction: Double) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(start) > 1, now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let width = 30, filled = Int((min(max(fraction, 0), 1) * Double(width)).rounded())
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        FileHandle.standardError.write(Data(String(format: "\r\u{1B}[K%@ %3.0f%%  %@  %.1fs", bar, fraction * 100, label,
                                                   now.timeIntervalSince(start)).utf8))
        drawn = true
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
