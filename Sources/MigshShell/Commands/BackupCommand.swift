import ArgumentParser
import Foundation
import MigshCore

/// `.backup [FILE]`: an online, integrity-checked backup with mode 0600.
struct BackupCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".backup",
        abstract: "Take an online, integrity-checked backup (default: migration_backup_YYYYMMDD_HHMMSS.sqlite in the backups folder).")

    static let completion: [String: CompletionSource] = ["0": .files(extensions: ["sqlite"])]

    @Argument(help: "The backup file (must not exist).")
    var file: String?

    func run(in shell: Shell) throws {
        let session = shell.session
        let bar = ProgressBar(label: "backup")
        defer { bar.finish() }
        let backup = try session.backupStore.create(fromDatabaseAt: session.configuration.databasePath, path: file,
                                                    reason: .manual, busyTimeoutMS: Int(session.configuration.busyTimeoutMS)) {
            bar.update(fraction: $0.totalPages == 0 ? 1 : 1 - Double($0.remainingPages) / Double($0.totalPages))
        }
        session.log(Audit.Backup(backup: backup.path, schemaVersion: backup.schemaVersion, sizeBytes: backup.sizeBytes))
        try shell.emit(backup) {
            "backup: \(backup.path) (\(backup.sizeBytes) bytes, schema version \(backup.schemaVersion.map(String.init) ?? "?"), integrity ok)"
        }
    }
}
