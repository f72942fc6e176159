import ArgumentParser
import MigshCore

/// `.treetrace`: sqlite3 3.40 built without SQLITE_DEBUG does nothing with it, and neither does migsh.
struct TreetraceCommand: SQLiteDebugHookCommand {
    static let configuration = CommandConfiguration(commandName: ".treetrace", abstract: "Do nothing (sqlite3's parse-tree trace needs SQLITE_DEBUG).",
        discussion: "Example: .treetrace on")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("Ignored.", valueName: "word"), completion: .nothing) var words: [String] = []
}
