import ArgumentParser
import FoundationEssentials
import Glibc
import MigshCore

/// `.limit ?LIMIT? ?NEW?`: SQLite's run-time limits (`sqlite3_limit`), shown or set, as
/// sqlite3 3.40 prints them (`%20s %d`); a limit is named by any unambiguous prefix.
struct LimitCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".limit", abstract: "Display or change the value of an SQLITE_LIMIT.",
        discussion: "Example: .limit length 1000000")

    @Argument(help: ArgumentHelp("The limit (a prefix of its name).", valueName: "limit"), completion: .list(LimitCommand.limits.map(\.name))) var name: String?
    @Argument(help: ArgumentHelp("Its new value.", valueName: "new"), completion: .nothing) var value: String?
    @Argument(parsing: .captureForPassthrough, help: .hidden) var extra: [String] = []

    static let limits = SQLiteLimit.allCases

    func run(in shell: Shell) throws {
        let db = shell.session.db
        func show(_ limit: SQLiteLimit) {
            shell.out.write(String(repeating: " ", count: max(0, 20 - limit.name.utf8.count)) + limit.name + " \(db.limit(limit))\n")
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
        if let value { db.setLimit(limit, to: Int32(clamping: leadingInteger(value))) }
        show(limit)
    }
}
