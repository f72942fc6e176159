import ArgumentParser
import CMigshSQLite
import Foundation
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

    static let options: [(name: String, op: Int32)] = [
        ("defensive", SQLITE_DBCONFIG_DEFENSIVE), ("dqs_ddl", SQLITE_DBCONFIG_DQS_DDL), ("dqs_dml", SQLITE_DBCONFIG_DQS_DML),
        ("enable_fkey", SQLITE_DBCONFIG_ENABLE_FKEY), ("enable_qpsg", SQLITE_DBCONFIG_ENABLE_QPSG),
        ("enable_trigger", SQLITE_DBCONFIG_ENABLE_TRIGGER), ("enable_view", SQLITE_DBCONFIG_ENABLE_VIEW),
        ("fts3_tokenizer", SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER), ("legacy_alter_table", SQLITE_DBCONFIG_LEGACY_ALTER_TABLE),
        ("legacy_file_format", SQLITE_DBCONFIG_LEGACY_FILE_FORMAT), ("load_extension", SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION),
        ("no_ckpt_on_close", SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE), ("reset_database", SQLITE_DBCONFIG_RESET_DATABASE),
        ("trigger_eqp", SQLITE_DBCONFIG_TRIGGER_EQP), ("trusted_schema", SQLITE_DBCONFIG_TRUSTED_SCHEMA),
        ("writable_schema", SQLITE_DBCONFIG_WRITABLE_SCHEMA),
    ]

    func run(in shell: Shell) throws {
        let session = shell.session
        let db = session.db.sqliteHandle
        let chosen = name.map { n in Self.options.filter { $0.name == n } } ?? Self.options
        guard !chosen.isEmpty else {
            shell.err.write("Error: unknown dbconfig \"\(name ?? "")\"\nEnter \".dbconfig\" with no arguments for a list\n")
            return
        }
        if let value, let option = chosen.first {
            // Switches that reach beyond the database's own rows are not changed in a session
            // that must not write (--readonly) or reach files (-safe).
            if session.configuration.readOnly || session.configuration.safe,
               [SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, SQLITE_DBCONFIG_WRITABLE_SCHEMA, SQLITE_DBCONFIG_RESET_DATABASE,
                SQLITE_DBCONFIG_DEFENSIVE, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER].contains(option.op) {
                throw MigshError(.readOnly, ".dbconfig \(option.name) refused: the session was opened with \(session.configuration.safe ? "-safe" : "--readonly")")
            }
            migsh_sqlite3_db_config_int(db, option.op, DbconfigCommand.booleanValue(value) ? 1 : 0, nil)
        }
        for option in chosen {
            var on: Int32 = 0
            migsh_sqlite3_db_config_int(db, option.op, -1, &on)
            shell.out.write(String(repeating: " ", count: max(0, 19 - option.name.utf8.count)) + option.name + (on != 0 ? " on\n" : " off\n"))
        }
    }

    /// sqlite3's `booleanValue`: a number is true when not zero; on/yes/true are true.
    static func booleanValue(_ text: String) -> Bool {
        if let first = text.first, first.isNumber || first == "-" || first == "+" { return leadingInteger(text) != 0 }
        return ["on", "yes", "true"].contains(text.lowercased())
    }
}
