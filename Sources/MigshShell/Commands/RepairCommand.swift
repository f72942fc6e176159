import ArgumentParser
import Foundation
import MigshCore

/// `.repair`: recreate drifted indexes, views and triggers from the expected schema of the
/// recorded version (the SQL `.diff --sql` shows), with a verified backup, in one
/// transaction; differences in tables are refused (they hold data).
struct RepairCommand: DotCommand {
    typealias Output = Migrator.RepairResult
    static let configuration = CommandConfiguration(
        commandName: ".repair",
        abstract: "Recreate drifted indexes, views and triggers from the recorded version's schema (after a verified backup).",
        discussion: "Example: .diff --sql to see it, then .repair")

    @OptionGroup var confirmation: ConfirmationOptions

    func run(in shell: Shell) throws {
        let session = shell.session
        try session.refuseUnlessWritable(".repair")
        let folder = try session.loadFolder()
        let expected = try ExpectedSchemas.build(folder)
        let version = try SchemaVersionTable.currentVersion(session.db)
        guard version <= expected.highestVersion else {
            throw MigshError(.refused, "Schema_Version says \(version), but the migrations here produce versions 0 to \(expected.highestVersion)")
        }
        let plan = SchemaRepair(live: try SchemaSnapshot.read(session.db), expected: expected.versions[version])
        if plan.isEmpty && plan.isComplete {
            try Self.emit(Migrator.RepairResult(version: version, statements: [], backup: nil), in: shell) {
                "nothing to repair: the indexes, views and triggers are version \(version)'s"
            }
            return
        }
        if plan.isComplete {
            try shell.confirm(Confirmation(.repair, plan: "REPAIR: makes the indexes, views and triggers those of version \(version), after a verified backup:\n"
                                           + plan.statements.joined(separator: "\n") + "\n", question: "Repair?"), yes: confirmation.yes)
        }
        var options = Migrator.Options(targetVersion: version, user: session.user)
        options.busyTimeoutMS = Int(session.configuration.busyTimeoutMS)
        let migrator = Migrator(db: session.db, folder: folder, store: session.backupStore)
        do {
            let result = try migrator.repair(version: version, expected: expected, options: options)
            if let b = result.backup { session.noteBackup(b.path) }
            session.log(Audit.Repair(version: version, statements: result.statements, outcome: .ok, backup: result.backup?.path))
            try Self.emit(result, in: shell) {
                "repaired \(plan.steps.count) object\(plan.steps.count == 1 ? "" : "s") (\(result.statements.count) statement\(result.statements.count == 1 ? "" : "s")); the schema is version \(version)'s"
                    + (result.backup.map { "\nbackup: \(displayPath($0.path))" } ?? "")
            }
        } catch let error as MigshError {
            session.log(Audit.Repair(version: version, statements: plan.statements, outcome: error.code == .interrupted ? .interrupted : .error,
                                     error: error.message, backup: error.backupPath))
            var e = error
            if let path = error.backupPath { e.details.append("Backup location: \(path)") }
            throw e
        }
    }
}

extension Migrator.RepairResult: CommandOutput {
    static var jsonDescription: String { "one JSON object: the version, the statements run, the backup taken first" }
}
