import ArgumentParser
import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// `.dbconfig ?OP? ?on|off?`: the connection's `sqlite3_db_config` switches, shown or set, as
/// sqlite3 3.40 prints them (`%19s %s`). Under `--readonly` and `-safe` the switches that
/// reach beyond the rows (extensions, the schema, the fts3 tokenizer) are not changed.
struct DbconfigCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".dbconfig", abstract: "List or change sqlite3_db_config() options.",
        discussion: "Example: .dbconfig defensive on")

    @Argument(help: ArgumentHelp("The option.", valueName: "op"), completion: .list(DbconfigCommand.options.map(\.name))) var name: String?
    @Argument(help: ArgumentHelp("on or off.", valueName: OnOff.usage), completion: OnOff.completion) var value: String?
    @Argument(parsing: .captureForPassthrough, help: .hidden) var extra: [String] = []

    static let options = DatabaseConfigOption.allCases

    func run(in shell: Shell) throws {
        let session = shell.session
        let db = session.db
        let chosen = name.map { n in Self.options.filter { $0.name == n } } ?? Self.options
        guard !chosen.isEmpty else {
            shell.err.write("Error: unknown dbconfig \"\(name ?? "")\"\nEnter \".dbconfig\" with no arguments for a list\n")
            return
        }
        if let value, let option = chosen.first {
            // Switches that reach beyond the database's own rows are not changed in a session
            // that must not write (--readonly) or reach files (-safe).
            if session.configuration.readOnly || session.configuration.safe,
               [.loadExtension, .writableSchema, .resetDatabase, .defensive, .fts3Tokenizer].contains(option) {
                throw MigshError(.readOnly, ".dbconfig \(option.name) refused: the session was opened with \(session.configuration.safe ? "-safe" : "--readonly")")
            }
            db.set(option, on: DbconfigCommand.booleanValue(value))
        }
        for option in chosen {
            shell.out.write(String(repeating: " ", count: max(0, 19 - option.name.utf8.count)) + option.name + (db.isOn(option) ? " on\n" : " off\n"))
        }
    }

    /// sqlite3's `booleanValue`: a number is true when not zero; on/yes/true are true.
    static func booleanValue(_ text: String) -> Bool {
        if let first = text.first, first.isNumber || first == "-" || first == "+" { return leadingInteger(text) != 0 }
        return ["on", "yes", "true"].contains(text.lowercased())
    }
}
