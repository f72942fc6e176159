import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// The pager of the interactive shell (psql's and litecli's habit): text for a person that is
/// taller than the screen goes through `$PAGER`, else `less -FRX` (which quits by itself when
/// the text fits, keeps colours, and leaves the text on the screen).
enum Pager {
    static var command: String {
        let pager = (Environment.process["PAGER"] ?? "").trimming(.whitespaces)
        return pager.isEmpty ? "less -FRX" : pager
    }

    /// The terminal's height in rows, when standard output is one.
    static func height(fd: Int32) -> Int? {
        guard isatty(fd) != 0 else { return nil }
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return nil }
        return Int(size.ws_row)
    }

    /// Shows `text` through the pager; false when the pager could not be started (the caller
    /// then writes the text itself).
    static func show(_ text: String) -> Bool {
        guard let stream = CarriedBytes.withCString(command, { popen($0, "w") }) else { return false }
        let bytes = Array(text.utf8)
        let stopAskedBefore = CancellationToken.interrupt.isRequested
        // A pager quit early (q) closes its end: the rest is dropped (SIGPIPE is ignored).
        _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, stream) }
        let closed = pclose(stream) != -1
        // Ctrl-C typed in the pager (which shares the terminal) was meant for it: the text was
        // complete, so the command is not said to have been interrupted.
        if !stopAskedBefore { CancellationToken.interrupt.reset() }
        return closed
    }
}

extension Shell {
    /// True when text of `rows` rows goes through the pager: an interactive session writing to
    /// the terminal (not `.output`, not --json), and `.pager` on, or auto and taller than the screen.
    func pages(_ text: String) -> Bool {
        guard session.configuration.interactive, !json, session.redirection == nil, out.fileDescriptor == 1,
              session.pager != .off, let width = outputWidth, let height = Pager.height(fd: 1) else { return false }
        return session.pager == .on || PagerHold.rows(text, width: width) >= height
    }

    /// Query results typed at the terminal go through the pager as well: when taller than the
    /// screen (`.pager auto`) or always (`on`). Never in scripts, pipes, `.output`/`.once` or
    /// --json, where the bytes stay sqlite3's. True when the output is held (release it after).
    func holdResultsForPager() -> Bool {
        guard session.configuration.interactive, !json, session.redirection == nil, out.fileDescriptor == 1,
              session.pager != .off, let width = outputWidth, let height = Pager.height(fd: 1) else { return false }
        out.holdForPager(height: session.pager == .on ? 1 : height, width: width, pagerCommand: Pager.command)
        return true
    }
}
