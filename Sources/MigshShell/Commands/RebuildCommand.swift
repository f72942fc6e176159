import ArgumentParser
import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// `.rebuild TABLE --type COL=TYPE …`: the SQL of SQLite's twelve-step table rebuild for the
/// changes ALTER TABLE cannot make — indexes, triggers and views recreated, the rows copied by
/// column name, foreign-key children kept — proved on a copy of the schema first. `--run`
/// runs it on a scratch session's copy, as `.apply` would (enforcement off, every key checked
/// before COMMIT).
struct RebuildCommand: DotCommand {
    typealias Output = [String]
    static let configuration = CommandConfiguration(commandName: ".rebuild", abstract: "The SQL of SQLite's table rebuild for changes ALTER TABLE cannot make.",
        discussion: """
        Changes: --type COL=TYPE, --drop COL, --rename OLD=NEW, --not-null COL, --default COL=VALUE,
        --fk COL=TABLE(COL), --drop-fk COL, --check EXPR, --column-order A,B,C. --run runs it on a
        scratch copy (recorded by .record).
        Example: .rebuild Products --type thermal_capacity=DECIMAL(10,3)
        """)

    @Argument(help: "The table.", completion: .tables) var table: String
    @Option(name: .customLong("type"), help: ArgumentHelp("A column's new type.", valueName: "col=type"), completion: .nothing) var types: [String] = []
    @Option(name: .customLong("drop"), help: ArgumentHelp("A column to drop.", valueName: "col"), completion: .nothing) var drops: [String] = []
    @Option(name: .customLong("rename"), help: ArgumentHelp("A column to rename.", valueName: "old=new"), completion: .nothing) var renames: [String] = []
    @Option(name: .customLong("not-null"), help: ArgumentHelp("A column that becomes NOT NULL.", valueName: "col"), completion: .nothing) var notNull: [String] = []
    @Option(name: .customLong("default"), help: ArgumentHelp("A column's default (SQL).", valueName: "col=value"), completion: .nothing) var defaults: [String] = []
    @Option(name: .customLong("fk"), help: ArgumentHelp("A foreign key to add.", valueName: "col=table(col)"), completion: .nothing) var foreignKeys: [String] = []
    @Option(name: .customLong("drop-fk"), help: ArgumentHelp("A column whose foreign key goes.", valueName: "col"), completion: .nothing) var dropForeignKeys: [String] = []
    @Option(name: .customLong("check"), help: ArgumentHelp("A CHECK constraint to add.", valueName: "expr"), completion: .nothing) var checks: [String] = []
    @Option(name: .customLong("column-order"), help: ArgumentHelp("The columns' new order.", valueName: "a,b,c"), completion: .nothing) var order: String?
    @Flag(name: .customLong("run"), help: "Run it on this scratch session's copy.") var run = false

    func run(in shell: Shell) throws {
        func pair(_ text: String, _ option: String) throws -> (String, String) {
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex, text.index(after: eq) != text.endIndex else {
                throw MigshError(.usage, "--\(option) takes COL=VALUE, got \"\(text)\"")
            }
            return (String(text[..<eq]), String(text[text.index(after: eq)...]))
        }
        var changes = TableRebuild.Changes()
        changes.types = try types.map { try pair($0, "type") }.map { (column: $0.0, type: $0.1) }
        changes.drops = drops
        changes.renames = try renames.map { try pair($0, "rename") }.map { (from: $0.0, to: $0.1) }
        changes.notNull = notNull
        changes.defaults = try defaults.map { try pair($0, "default") }.map { (column: $0.0, value: $0.1) }
        changes.foreignKeys = try foreignKeys.map { try pair($0, "fk") }.map { (column: $0.0, reference: $0.1) }
        changes.dropForeignKeys = dropForeignKeys
        changes.checks = checks
        changes.order = order.map { $0.split(separator: ",").map { $0.trimming(.whitespaces) } } ?? []
        let session = shell.session
        let rebuild = try TableRebuild(db: session.db, table: table, changes: changes)
        for warning in rebuild.migration.warnings { shell.note("warning: " + warning) }
        // Values the new type would alter in the rows the table holds now ('007' → 7): said
        // before any file is written, as `.test` will refuse the migration unless it marks them.
        for (column, type) in changes.types {
            guard let altered = ValueAlteration.preview(databasePath: session.db.path, table: rebuild.table, column: column, newType: type) else { continue }
            let key = "\(rebuild.table).\(column)"
            shell.note("warning: \(key): \(altered.values) would be altered by the new type \(type) (\(altered.examplesText)); .test fails a migration that does this unless it has the line `\(DropAllowance.line([key], prefix: DropAllowance.convertPrefix))`")
        }
        guard run else {
            try Self.emit(rebuild.migration.steps.map(\.sql), in: shell, wrap: false) { rebuild.migration.text }
            return
        }
        guard session.configuration.scratch != nil else {
            throw MigshError(.refused, ".rebuild --run changes the database: it runs in a scratch session (migsh --scratch DB); for a real database, write the migration (.new) and .apply it")
        }
        try session.refuseUnlessWritable(".rebuild --run")
        try RebuildCommand.runOnCopy(rebuild.migration, in: shell, dropping: drops.map { "\(rebuild.table).\($0)" })
        try Self.emit(rebuild.migration.steps.map(\.sql), in: shell) { "rebuilt \(rebuild.table) (\(rebuild.migration.steps.count) statements; .scratch diff shows the result)" }
    }

    /// Runs the steps as `.apply` runs a migration: foreign keys off, one transaction, every
    /// key checked before COMMIT; recorded when `.record` is on.
    /// `dropping`: the columns the developer asked to drop (`--drop`), marked in the record
    /// (`-- migsh: allow-drop T.c`) so that the migration written from it says it means it.
    static func runOnCopy(_ migration: SchemaMigration, in shell: Shell, dropping: [String] = []) throws {
        let session = shell.session
        try migration.run(on: session.db)
        if session.recording {
            if !dropping.isEmpty { session.recorder.mark(DropAllowance.line(dropping)) }
            for step in migration.steps { session.recorder.observe(step.sql, readOnly: false, autocommitAfter: true) }
        }
        for step in migration.steps where SchemaRename.parse(step.sql) != nil {
            session.renameLog.observe(step.sql, readOnly: false, autocommitAfter: true)
        }
        session.logStatement("-- .rebuild: " + migration.steps.map(\.sql).joined(separator: " "), outcome: .ok, durationMS: 0)
    }
}
