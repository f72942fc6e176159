import FoundationEssentials
import Glibc
import MigshCore

extension Shell {
    /// Informational progress lines go to standard error, so that standard output carries
    /// only results (and stays one JSON document with --json).
    func note(_ text: String) {
        progress.clear()
        err.write(wrapText(text, width: Terminal.width(fd: 2, interactive: session.configuration.interactive)) + "\n")
        err.flush()
    }

    /// Asks `confirmation` at the width of standard error (see `Session.confirm`).
    func confirm(_ confirmation: Confirmation, yes: Bool) throws {
        progress.clear()
        try session.confirm(confirmation, yes: yes, width: Terminal.width(fd: 2, interactive: session.configuration.interactive))
    }

    /// A backup's progress on the progress line: copying with percentage and rate, then verifying.
    func showBackupProgress(_ p: BackupStore.Progress, what: String = "backup") {
        switch p {
        case let .copying(fraction, bytes):
            if !progress.isIn("\(what): copying") { progress.begin("\(what): copying") }
            progress.update(fraction: fraction, bytes: bytes)
        case .verifying:
            progress.begin("\(what): verifying the copy")
        }
    }

    /// The terminal's width when migsh's own output goes to a terminal in an interactive
    /// session; nil otherwise (batch and --json output stay complete and stable).
    var outputWidth: Int? {
        json ? nil : Terminal.width(fd: 1, interactive: session.configuration.interactive)
    }
}
