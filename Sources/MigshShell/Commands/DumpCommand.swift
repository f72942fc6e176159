import ArgumentParser
import FoundationEssentials
import Glibc
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
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("Options and LIKE patterns.", valueName: "pattern"), completion: .tables) var words: [String] = []

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
            default: throw MigshError(.verbatim, "Unknown option \"\(word)\" on \".dump\"")
            }
        }
        let out = shell.out
        let progress = shell.progress
        // A progress line on the terminal only while the dump goes elsewhere (.output, .once).
        let showProgress = shell.session.redirection != nil
        defer { if showProgress { progress.end() } }
        let summary = SQLDump(db: shell.session.db, options: options, patterns: patterns).write(progress: showProgress ? { p in
            // The share is of rows, not tables: one large table no longer holds it still.
            let phase = "dumping \(p.table) (table \(p.tableNumber) of \(p.tableCount))"
            if !progress.isIn(phase) { progress.begin(phase) }
            progress.update(fraction: p.fraction)
        } : nil) { out.write($0) }
        out.flush()
        let destination = shell.session.redirection?.name
        shell.session.log(Audit.Dump(patterns: patterns, destination: destination ?? "stdout",
                                     tables: summary.tables, rows: summary.rows, errors: summary.errors + (summary.interrupted ? 1 : 0)))
        if summary.interrupted {
            throw MigshError(.interrupted, "interrupted: \(destination ?? "standard output") is incomplete (\(summary.rows) rows written; it ends in ROLLBACK)")
        }
    }
}
