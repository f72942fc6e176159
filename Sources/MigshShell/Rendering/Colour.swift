import FoundationEssentials
import Glibc
import MigshCore

/// Colour only on a terminal, never with NO_COLOR set (no-color.org) or TERM=dumb.
enum Colour {
    static func enabled(fd: Int32) -> Bool {
        let env = Environment.process
        return isatty(fd) != 0 && (env["NO_COLOR"] ?? "").isEmpty && env["TERM"] != "dumb"
    }

    static func red(_ text: String, fd: Int32 = 2) -> String {
        enabled(fd: fd) ? "\u{1b}[31m\(text)\u{1b}[0m" : text
    }
}
