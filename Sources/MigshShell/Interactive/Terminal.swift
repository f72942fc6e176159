import CMigshSQLite
import Foundation

/// Terminal facts and the Ctrl-C handler.
enum Terminal {
    /// Colour only on a terminal, and never with NO_COLOR set (no-color.org).
    static func colorEnabled(fd: Int32) -> Bool {
        isatty(fd) != 0 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
    }

    static func red(_ text: String, fd: Int32 = 2) -> String {
        colorEnabled(fd: fd) ? "\u{1b}[31m\(text)\u{1b}[0m" : text
    }

    /// The connection that Ctrl-C interrupts. nonisolated(unsafe): written by the main
    /// thread only between statements; read by the signal handler, which only passes it to
    /// sqlite3_interrupt (documented safe to call from another thread).
    nonisolated(unsafe) static var interruptTarget: OpaquePointer?
    nonisolated(unsafe) static var interrupted: sig_atomic_t = 0

    /// Ctrl-C interrupts the running statement (`sqlite3_interrupt`) instead of killing the
    /// process; at the prompt, libedit discards the line being typed.
    static func installInterruptHandler() {
        signal(SIGINT) { _ in
            Terminal.interrupted = 1
            if let db = Terminal.interruptTarget { sqlite3_interrupt(db) }
        }
    }
}

/// A progress bar on standard error for long operations: drawn only when standard error is
/// a terminal and the operation has run for more than half a second.
final class ProgressBar {
    private let label: String
    private let started = DispatchTime.now()
    private var drawn = false
    private let enabled: Bool

    init(label: String, enabled: Bool = isatty(2) != 0) {
        self.label = label
        self.enabled = enabled
    }

    func update(fraction: Double) {
        guard enabled, elapsedMS(since: started) > 500 else { return }
        let width = 30
        let filled = max(0, min(width, Int(fraction * Double(width))))
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(Int(fraction * 100))%".utf8))
        drawn = true
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1b}[K".utf8)) }
    }
}
