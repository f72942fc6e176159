import FoundationEssentials
import Glibc
import MigshCore

extension Shell {
    /// Prints a migsh command's result: one JSON document with --json, else the text.
    /// `wrap: false` for SQL meant to be copied (it is never broken to the terminal's width).
    func emit(_ value: some Encodable, wrap: Bool = true, text: () -> String) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            out.write(String(decoding: try encoder.encode(value), as: UTF8.self) + "\n")
        } else {
            var t = wrap ? wrapText(text(), width: outputWidth) : text()
            if !t.hasSuffix("\n") && !t.isEmpty { t += "\n" }
            if pages(t) {
                out.flush()
                progress.clear()
                if Pager.show(t) { return }
            }
            out.write(t)
        }
        out.flush()
    }

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

enum Terminal {
    /// The width of the terminal on `fd`, in an interactive session; nil otherwise.
    static func width(fd: Int32, interactive: Bool) -> Int? {
        guard interactive, isatty(fd) != 0 else { return nil }
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return Int(Environment.process["COLUMNS"] ?? "")
    }
}

