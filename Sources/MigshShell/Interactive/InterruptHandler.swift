import CMigshSQLite
import Foundation

/// Ctrl-C in the interactive shell interrupts the running statement (`sqlite3_interrupt`)
/// instead of killing the process; at the prompt, the line reader discards the line.
enum InterruptHandler {
    /// The connection that Ctrl-C interrupts. nonisolated(unsafe): written by the main
    /// thread only between statements; read by the signal handler, which only passes it to
    /// sqlite3_interrupt (documented safe to call from another thread).
    nonisolated(unsafe) static var target: OpaquePointer?
    nonisolated(unsafe) static var interrupted: sig_atomic_t = 0

    static func install() {
        signal(SIGINT) { _ in
            InterruptHandler.interrupted = 1
            if let db = InterruptHandler.target { sqlite3_interrupt(db) }
        }
    }
}
