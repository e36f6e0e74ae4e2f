import Foundation
import ReverieWeb

extension MonitorCommand {
    /// After the stream ends the page stays up, showing the final state, until
    /// `secondsLeft` (what remains of --duration) elapse or the monitor is interrupted.
    func keepServing(_ page: WebMonitor, ended: Bool, secondsLeft: Double?) {
        if let secondsLeft, secondsLeft > 0 || !ended {
            if ended { print(String(format: "the run ended; serving %@ for %.0f s more", page.url, secondsLeft)) }
            fflush(nil)
            Thread.sleep(forTimeInterval: max(0, secondsLeft))
        } else if secondsLeft == nil {
            print("the run ended; serving \(page.url) until interrupted (Ctrl-C)")
            fflush(nil)
            while true { Thread.sleep(forTimeInterval: 3600) }
        }
        page.stop()
        for line in page.clientLines { print(line) }
        fflush(nil)
    }
}
