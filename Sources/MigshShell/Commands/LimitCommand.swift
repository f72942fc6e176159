import ArgumentParser
import CMigshSQLite
import Foundation
import MigshCore

/// `.limit ?LIMIT? ?NEW?`: SQLite's run-time limits (`sqlite3_limit`), shown or set, as
/// sqlite3 3.40 prints them (`%20s %d`); a limit is named by any unambiguous prefix.
struct LimitCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".limit", abstract: "Display or change the value of an SQLITE_LIMIT.",
        discussion: "Example: .limit length 1000000")

    @Argument(help: ArgumentHelp("The limit (a prefix of its name).", valueName: "limit"), completion: .list(LimitCommand.limits.map(\.name))) var name: String?
    @Argument(help: ArgumentHelp("Its new value.", valueName: "new"), completion: .nothing) var value: String?
    @Argument(parsing: .captureForPassthrough, help: .hidden) var extra: [String] = []

    static let limits: [(name: String, code: Int32)] = [
        ("length", SQLITE_LIMIT_LENGTH), ("sql_length", SQLITE_LIMIT_SQL_LENGTH), ("column", SQLITE_LIMIT_COLUMN),
        ("expr_depth", SQLITE_LIMIT_EXPR_DEPTH), ("compound_select", SQLITE_LIMIT_COMPOUND_SELECT),
        ("vdbe_op", SQLITE_LIMIT_VDBE_OP), ("function_arg", SQLITE_LIMIT_FUNCTION_ARG), ("attached", SQLITE_LIMIT_ATTACHED),
        ("like_pattern_length", SQLITE_LIMIT_LIKE_PATTERN_LENGTH), ("variable_number", SQLITE_LIMIT_VARIABLE_NUMBER),
        ("trigger_depth", SQLITE_LIMIT_TRIGGER_DEPTH), ("worker_threads", SQLITE_LIMIT_WORKER_THREADS),
    ]

    func run(in shell: Shell) throws {
        let db = shell.session.db.sqliteHandle
        func show(_ limit: (name: String, code: Int32)) {
            shell.out.write(String(repeating: " ", count: max(0, 20 - limit.name.utf8.count)) + limit.name + " \(sqlite3_limit(db, limit.code, -1))\n")
        }
        guard let name else {
            for limit in Self.limits { show(limit) }
            return
        }
        guard extra.isEmpty else { throw MigshError(.usage, "Usage: .limit NAME ?NEW-VALUE?") }
        let matches = Self.limits.filter { $0.name.lowercased().hasPrefix(name.lowercased()) }
        guard let limit = matches.first(where: { $0.name.lowercased() == name.lowercased() }) ?? (matches.count == 1 ? matches.first : nil) else {
            throw MigshError(.verbatim, matches.count > 1 ? "ambiguous limit: \"\(name)\""
                             : "unknown limit: \"\(name)\"\nenter \".limits\" with no arguments for a list.")
        }
        if let value { sqlite3_limit(db, limit.code, Int32(clamping: leadingInteger(value))) }
        show(limit)
    }
}
