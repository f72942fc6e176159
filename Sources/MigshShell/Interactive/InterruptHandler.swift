import FoundationEssentials
import Glibc
import MigshCore

/// Ctrl-C (SIGINT) raises the core's `CancellationToken.interrupt`: the running long
/// operation stops and leaves everything as it was (every connection's progress handler and
/// the core's loops check the token). Interactive, the shell then takes the next line; at the
/// prompt, the line reader discards the line. In a script (batch), the run ends with exit 130
/// after the message (`Shell.afterUnit`).
enum InterruptHandler {
    /// Set by the handler; the interactive shell tells a Ctrl-C at the prompt from Ctrl-D by it.
    nonisolated(unsafe) static var interrupted: sig_atomic_t = 0

    /// Interactive: `signal(2)`'s restarting semantics, which libedit's prompt relies on. Batch:
    /// no SA_RESTART, so that a read of the script that waits for more input ends at once.
    static func install(interactive: Bool) {
        // Allocated here, not first in the handler.
        _ = CancellationToken.interrupt
        let handler: @convention(c) (Int32) -> Void = { _ in
            InterruptHandler.interrupted = 1
            CancellationToken.interrupt.raise()
        }
        if interactive {
            signal(SIGINT, handler)
            return
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }
}
