import ArgumentParser
import MigshCore

/// `.selecttrace`: sqlite3 3.40 built without SQLITE_DEBUG does nothing with it, and neither does migsh.
struct SelecttraceCommand: SQLiteDebugHookCommand {
    static let configuration = CommandConfiguration(commandName: ".selecttrace", abstract: "Do nothing (sqlite3's SELECT trace needs SQLITE_DEBUG).",
        discussion: "Example: .selecttrace on")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("Ignored.", valueName: "word"), completion: .nothing) var words: [String] = []
}
