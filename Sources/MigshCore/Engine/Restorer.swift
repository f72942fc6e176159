import Foundation

/// Restores a verified backup into the live database through the online backup API — never
/// a file copy over it, which a stale `-wal` or a hot `-journal` can silently undo or corrupt.
/// The current state is backed up first, so a restore can itself be undone.
public struct Restorer {
    public let db: Connection
    public let store: BackupStore

    public init(db: Connection, store: BackupStore) {
        self.db = db
        self.store = store
    }

    public struct Candidate: Sendable {
        public var backup: BackupStore.Backup
        /// Set when the backup's manifest names another database: the caller must confirm.
        public var fromOtherDatabase: String?
    }

    /// Checks that `path` is a sound SQLite backup and describes it.
    public func inspect(_ path: String) throws -> Candidate {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw MigshError(.notFound, "backup not found: \(path)")
        }
        guard !isDir.boolValue else { throw MigshError(.restoreFailed, "\(path) is a folder, not a backup file") }
        let source: Connection
        do {
            source = try Connection(path: path, mode: .readOnly)
            _ = try source.scalarInt("SELECT count(*) FROM sqlite_schema")
        } catch let error as MigshError {
            throw MigshError(.restoreFailed, "\(path) is not an SQLite database (\(error.message)); nothing was changed")
        }
        let integrity = (try? source.integrityCheck()) ?? ["unreadable"]
        guard integrity == ["ok"] else {
            throw MigshError(.restoreFailed, "\(path) fails its integrity check (\(integrity.prefix(3).joined(separator: "; "))); nothing was changed")
        }
        guard var backup = store.describe(path: path) else {
            throw MigshError(.restoreFailed, "cannot read \(path)")
        }
        backup.schemaVersion = try SchemaVersionTable.recordedVersion(source)
        let here = absolutePath(db.path)
        let other = backup.source.flatMap { $0 == here ? nil : $0 }
        return Candidate(backup: backup, fromOtherDatabase: other)
    }

    public struct Report: Sendable, Codable {
        public var restoredFrom: String
        public var previousStateBackup: BackupStore.Backup
        public var fromVersion: Int
        public var toVersion: Int
    }

    public func restore(_ candidate: Candidate, busyTimeoutMS: Int = 5000,
                        progress: ((OnlineBackup.Progress) -> Void)? = nil) throws -> Report {
        guard db.isAutocommit else {
            var error = MigshError(.refused, "a transaction is open in this session; nothing was restored")
            error.hints = [.finishTransaction]
            throw error
        }
        let before = try SchemaVersionTable.recordedVersion(db)
        let safety = try store.create(fromDatabaseAt: db.path, reason: .preRestore, busyTimeoutMS: busyTimeoutMS)
        let source = try Connection(path: candidate.backup.path, mode: .readOnly)
        do {
            // One step (-1): the destination's write lock is held for the whole copy, so
            // readers never see a half-restored database.
            try OnlineBackup.copy(from: source, to: db, pagesPerStep: -1, busyTimeoutMS: busyTimeoutMS, progress: progress)
        } catch var error as MigshError {
            if error.isBusy {
                error.message = "database is locked: another process is using it (waited \(busyTimeoutMS) ms); nothing was restored"
                error.code = .busy
            } else {
                error.code = .restoreFailed
                error.details.append("The state before the restore is in \(safety.path).")
            }
            throw error
        }
        let after = try SchemaVersionTable.recordedVersion(db)
        let expected = candidate.backup.schemaVersion ?? after
        guard after == expected else {
            throw MigshError(.restoreFailed, "restore failed: expected version \(expected), got \(after)",
                             details: ["The state before the restore is in \(safety.path)."])
        }
        return Report(restoredFrom: candidate.backup.path, previousStateBackup: safety, fromVersion: before, toVersion: after)
    }
}
