import ArgumentParser
import MigshCore

/// A command sqlite3 3.40 accepts and, built without SQLITE_DEBUG (as the system library and
/// /usr/bin/sqlite3 are), does nothing with: `.breakpoint`, `.wheretrace`, `.selecttrace`,
/// `.treetrace`. Any words after the name are read and ignored, without a word on stderr, as
/// sqlite3 does.
protocol SQLiteDebugHookCommand: DotCommand {
    var words: [String] { get }
}

extension SQLiteDebugHookCommand {
    func run(in shell: Shell) throws {}
}

/// `.breakpoint`: in sqlite3 a function to set a debugger breakpoint on; here, nothing.
struct BreakpointCommand: SQLiteDebugHookCommand {
    static let configuration = CommandConfiguration(commandName: ".breakpoint", abstract: "Do nothing (sqlite3's debugger hook).",
        discussion: "Example: .breakpoint")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("Ignored.", valueName: "word"), completion: .nothing) var words: [String] = []
}
