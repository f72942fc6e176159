import ArgumentParser
import MigshCore

/// `.wheretrace`: sqlite3 3.40 built without SQLITE_DEBUG does nothing with it, and neither does migsh.
struct WheretraceCommand: SQLiteDebugHookCommand {
    static let configuration = CommandConfiguration(commandName: ".wheretrace", abstract: "Do nothing (sqlite3's WHERE-clause trace needs SQLITE_DEBUG).",
        discussion: "Example: .wheretrace on")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("Ignored.", valueName: "word"), completion: .nothing) var words: [String] = []
}
