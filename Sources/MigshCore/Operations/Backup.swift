/// `.backup [FILE]`: an online, integrity-checked backup with mode 0600, noted and audited.
public struct Backup {
    public let workspace: Workspace
    public init(_ workspace: Workspace) { self.workspace = workspace }

    /// `file`: where (it must not exist); nil: a new name in the backups folder.
    public func run(to file: String?, progress: @escaping (BackupStore.Progress) -> Void = { _ in }) throws -> BackupStore.Backup {
        let w = workspace
        let backup = try w.backups.create(fromDatabaseAt: w.databasePath, path: file, reason: .manual,
                                          busyTimeoutMS: w.busyTimeoutMS, progress: progress)
        w.noteBackup(backup.path)
        w.log(Audit.Backup(backup: backup.path, schemaVersion: backup.schemaVersion, sizeBytes: backup.sizeBytes))
        return backup
    }
}
