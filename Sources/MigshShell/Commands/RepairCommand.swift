import ArgumentParser
import FoundationEssentials
import MigshCore

/// `.repair`: recreate drifted indexes, views and triggers from the expected schema of the
/// recorded version (the SQL `.diff --sql` shows), with a verified backup, in one
/// transaction; differences in tables are refused (they hold data). The `Repair` operation
/// does it; this file parses and renders.
struct RepairCommand: DotCommand {
    typealias Output = Migrator.RepairResult
    static let configuration = CommandConfiguration(
        commandName: ".repair",
        abstract: "Recreate drifted indexes, views and triggers from the recorded version's schema (after a verified backup).",
        discussion: "Example: .diff --sql to see it, then .repair")

    @OptionGroup var confirmation: ConfirmationOptions

    func run(in shell: Shell) throws {
        let result: Repair.Result
        do {
            result = try Repair(shell.session.workspace).run(confirming: ShellConfirming(shell: shell, yes: confirmation.yes))
        } catch var e as MigshError {
            if let path = e.backupPath { e.details.append("Backup location: \(path)") }
            throw e
        }
        let report = result.report
        try Self.emit(report, in: shell) {
            if result.repaired.isEmpty { return "nothing to repair: the indexes, views and triggers are version \(report.version)'s" }
            let objects = result.repaired.steps.count
            return "repaired \(objects) object\(objects == 1 ? "" : "s") (\(report.statements.count) statement\(report.statements.count == 1 ? "" : "s")); the schema is version \(report.version)'s"
                + (report.backup.map { "\nbackup: \(displayPath($0.path))" } ?? "")
        }
    }
}

extension Migrator.RepairResult: CommandOutput {
    static var jsonDescription: String { "one JSON object: the version, the statements run, the backup taken first" }
}
