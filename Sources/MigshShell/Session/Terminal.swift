import Glibc
import MigshCore

/// The terminal migsh writes to: its width, for wrapping text and tables.
enum Terminal {
    /// The width of the terminal on `fd`, in an interactive session; nil otherwise.
    static func width(fd: Int32, interactive: Bool) -> Int? {
        guard interactive, isatty(fd) != 0 else { return nil }
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return Int(Environment.process["COLUMNS"] ?? "")
    }
}

