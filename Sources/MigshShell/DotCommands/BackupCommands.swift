import ArgumentParser
import Foundation
import MigshCore

/// `.backup [FILE]`: an online, integrity-checked backup with mode 0600.
struct BackupCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".backup",
        abstract: "Take an online, integrity-checked backup (default: migration_backup_YYYYMMDD_HHMMSS.sqlite in the backups folder).")

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
        session.log("backup", ["backup": backup.path, "schema_version": backup.schemaVersion ?? -1, "size_bytes": backup.sizeBytes])
        try shell.emit(backup) {
            "backup: \(backup.path) (\(backup.sizeBytes) bytes, schema version \(backup.schemaVersion.map(String.init) ?? "?"), integrity ok)"
        }
    }
}

/// `.backups`: the backups in the backups folder.
struct BackupsCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".backups",
        abstract: "List the backups: file, created, size, schema version inside.")

    func run(in shell: Shell) throws {
        let store = shell.session.backupStore
        let list = store.list()
        try shell.emit(list) {
            if list.isEmpty { return "no backups in \(store.directory)" }
            return formatTable(["file", "created", "size", "version", "reason"], list.map {
                [$0.path, $0.created, String($0.sizeBytes), $0.schemaVersion.map(String.init) ?? "?", $0.reason ?? "-"]
            })
        }
    }
}
