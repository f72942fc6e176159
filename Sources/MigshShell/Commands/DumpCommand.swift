import ArgumentParser
import Foundation
import MigshCore

/// `.dump [--data-only] [--newlines] [--nosys] [--preserve-rowids] [PATTERN …]`: the database
/// (or the tables whose names match a LIKE pattern) as SQL text, byte for byte as sqlite3 3.40
/// writes it. The audit log records the dump and where it went (`.output`, `.once`).
struct DumpCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".dump", abstract: "Write the database (or the tables matching LIKE patterns) as SQL text.",
        discussion: """
        Options: --data-only (INSERTs only), --newlines (newlines kept in text), --nosys (no
        sqlite_sequence, sqlite_stat1), --preserve-rowids.
        Example: .once backup.sql   then   .dump
        """)
    static let completion: [String: CompletionSource] = ["0": .tables]
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("Options and LIKE patterns.", valueName: "pattern")) var words: [String] = []

    func run(in shell: Shell) throws {
        var options = SQLDump.Options()
        var patterns: [String] = []
        for word in words {
            guard word.hasPrefix("-") else {
                patterns.append(word)
                continue
            }
            let name = word.hasPrefix("--") ? String(word.dropFirst(2)) : String(word.dropFirst())
            switch name {
            case "data-only": options.dataOnly = true
            case "newlines": options.newlines = true
            case "nosys": options.noSystemTables = true
            case "preserve-rowids": options.preserveRowids = true
            default: throw MigshError(.usage, "Unknown option \"\(word)\" on \".dump\"")
            }
        }
        let out = shell.out
        let summary = SQLDump(db: shell.session.db, options: options, patterns: patterns).write { out.write($0) }
        out.flush()
        shell.session.log(Audit.Dump(patterns: patterns, destination: shell.session.redirection?.name ?? "stdout",
                                     tables: summary.tables, rows: summary.rows, errors: summary.errors))
    }
}
