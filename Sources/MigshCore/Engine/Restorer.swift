import CMigshSQLite
import FoundationEssentials
import Glibc
import MigshBase

/// Restores a verified backup into the live database through the online backup API — never
/// a file copy over it, which a stale `-wal` or a hot `-journal` can silently undo or corrupt.
/// The current state is backed up first, so a restore can itself be undone; when the current
/// state is damaged (it cannot pass a verified backup), a raw copy of its files is kept
/// instead, marked damaged, and the recovery goes on.
public struct Restorer {
    public let db: Connection
    public let store: BackupStore

    public init(db: Connection, store: BackupStore) {
        self.db = db
        self.store = store
    }

    public struct Candidate: Sendable {
        public var backup: BackupStore.Backup
        /// Set when the backup was taken from another database (its path, or its identity when
        /// the path is unknown): restoring it needs the caller's explicit consent.
        public var fromOtherDatabase: String?
    }

    /// `path` as given, else the backup of that name in the backups folder.
    public func resolve(_ path: String) -> String {
        if FileSystem.exists(path) { return path }
        let inFolder = store.directory.pathAppending(path)
        return FileSystem.exists(inFolder) ? inFolder : path
    }

    /// Checks that `path` is a sound SQLite backup, not the live database itself, and says
    /// whose it is.
    public func inspect(_ given: String) throws -> Candidate {
        let path = resolve(given)
        guard let isDir = FileSystem.isDirectory(path) else {
            throw MigshError(.notFound, "backup not found: \(given) (neither as given nor in \(store.directory))")
        }
        guard !isDir else { throw MigshError(.restoreFailed, "\(path) is a folder, not a backup file") }
        if Restorer.sameFile(path, db.path) {
            throw MigshError(.refused, "\(path) is the live database itself: a restore copies a backup into the database, so it cannot restore a file onto itself; nothing was changed")
        }
        let source: Connection
        do {
            source = try Connection(path: path, mode: .readOnly)
            _ = try source.scalarInt("SELECT count(*) FROM sqlite_schema")
        } catch let error as MigshError {
            throw MigshError(.restoreFailed, "\(path) is not an SQLite database (\(error.message)); nothing was changed")
        }
        let integrity = (try? source.integrityCheck()) ?? ["unreadable"]
        if CancellationToken.interrupt.shouldStop { throw Restorer.interruptedNothingRestored(try? SchemaVersionTable.recordedVersion(db)) }
        guard integrity == ["ok"] else {
            throw MigshError(.restoreFailed, "\(path) fails its integrity check (\(integrity.prefix(3).joined(separator: "; "))); nothing was changed")
        }
        guard var backup = store.describe(path: path) else {
            throw MigshError(.restoreFailed, "cannot read \(path)")
        }
        backup.schemaVersion = try SchemaVersionTable.recordedVersion(source)
        if backup.sourceID == nil { backup.sourceID = DatabaseIdentity.read(source) }
        let other: String? = BackupOwner(db: db, path: db.path).owns(backup) ? nil
            : (backup.source ?? backup.sourceID.map { "the database with identity \($0)" } ?? "an unknown database")
        return Candidate(backup: backup, fromOtherDatabase: other)
    }

    public struct Report: Sendable, Encodable {
        public var restoredFrom: String
        /// The state before the restore: a verified backup, or a raw copy when it was damaged.
        public var previousStateBackup: BackupStore.Backup
        /// The version before (nil when the damaged database could not say).
        public var fromVersion: Int?
        public var toVersion: Int
        public var fromOtherDatabase: String?
        /// Ctrl-C came once the backup was copied in: the restore completed all the same.
        public var completedDespiteInterrupt = false
    }

    /// Where a restore is.
    public enum Phase: Sendable {
        /// Backing up the state being replaced.
        case savingCurrentState(BackupStore.Progress)
        case restoring
        /// The share of the backup's pages copied in so far, after each step of the copy.
        case copied(fraction: Double)
        case verifying
    }

    /// Restores `candidate`. A backup of another database needs `allowOther`.
    public func restore(_ candidate: Candidate, allowOther: Bool = false, busyTimeoutMS: Int = 5000,
                        progress: ((Phase) -> Void)? = nil) throws -> Report {
        guard db.isAutocommit else {
            var error = MigshError(.refused, "a transaction is open in this session; nothing was restored")
            error.hints = [.finishTransaction]
            throw error
        }
        if let other = candidate.fromOtherDatabase, !allowOther {
            throw MigshError(.refused, "\(candidate.backup.path) was taken from another database (\(other)); nothing was restored")
        }
        // The identity the database keeps (a copy made with `cp` gets its own here, at this
        // write); unreadable when the database is damaged.
        let liveID = DatabaseIdentity.read(db) != nil ? DatabaseIdentity.claim(db, path: db.path).id : nil
        let before = try? SchemaVersionTable.recordedVersion(db)
        // The state being replaced, kept so the restore can be undone.
        let safety: BackupStore.Backup
        do {
            safety = try store.create(fromDatabaseAt: db.path, reason: .preRestore, sourceID: liveID, busyTimeoutMS: busyTimeoutMS) {
                progress?(.savingCurrentState($0))
            }
        } catch let error as MigshError where error.code == .damaged || error.code == .notADatabase {
            // A damaged database fails any verified backup: keep its files as they are.
            safety = try store.rawCopy(ofDatabaseAt: db.path, sourceID: liveID, reason: "damaged: \(error.message)")
        } catch let error as MigshError where error.code == .interrupted {
            throw Restorer.interruptedNothingRestored(before)
        }
        let source = try Connection(path: candidate.backup.path, mode: .readOnly)
        do {
            // The destination's write transaction is held from the first step to the last,
            // so readers never see a half-restored database; Ctrl-C between steps rolls it
            // back (OnlineBackup), and the database is as it was.
            progress?(.restoring)
            do {
                try OnlineBackup.copy(from: source, to: db, pagesPerStep: 256, busyTimeoutMS: busyTimeoutMS, pausePhase: "restore.copying") { step in
                    guard step.totalPages > 0 else { return }
                    progress?(.copied(fraction: Double(step.totalPages - step.remainingPages) / Double(step.totalPages)))
                }
            } catch let error as MigshError where safety.damaged && (error.code == .notADatabase || error.code == .damaged) {
                // SQLite cannot write pages into a file whose header it cannot read. Its files
                // are kept as they were (`safety`): the file is emptied, and its journal, which
                // belongs to the damaged state and would be rolled into the restored one, is
                // removed; then the backup fills it through SQLite as above. Once emptied, the
                // copy must complete: Ctrl-C no longer stops it.
                try CancellationToken.interrupt.finishing("restoring the backup into the emptied damaged database") {
                    try Restorer.emptyDamagedFiles(of: db.path)
                    try OnlineBackup.copy(from: source, to: db, pagesPerStep: -1, busyTimeoutMS: busyTimeoutMS)
                }
            }
        } catch let error as MigshError where error.code == .interrupted {
            store.remove(safety)
            throw Restorer.interruptedNothingRestored(before)
        } catch var error as MigshError {
            // Nothing was restored: the copy of the state before it is not needed.
            store.remove(safety)
            if error.isBusy {
                error.message = "database is locked: another process is using it (waited \(busyTimeoutMS) ms); nothing was restored"
                error.code = .busy
            } else {
                error.code = .restoreFailed
                error.message = "restore failed, nothing was restored: " + error.message
            }
            throw error
        }
        // The backup is in: from here the restore completes, whatever Ctrl-C does.
        return try CancellationToken.interrupt.finishing("finishing the restore (the backup is already copied in)") {
            TestPause.at("restore.finishing")
            return try finish(candidate, safety: safety, liveID: liveID, before: before, progress: progress)
        }
    }

    /// Ctrl-C before the backup's pages were in.
    static func interruptedNothingRestored(_ version: Int?) -> MigshError {
        MigshError(.interrupted, "interrupted: nothing was changed; nothing was restored (the database is as it was, version \(version.map(String.init) ?? "?"))")
    }

    private func finish(_ candidate: Candidate, safety: BackupStore.Backup, liveID: String?, before: Int?,
                        progress: ((Phase) -> Void)?) throws -> Report {
        // The database keeps its own identity (a backup of another database brings that
        // one's), so its own backups stay its own.
        // A damaged database's identity could not be read: its own backup brings it back;
        // another database's backup does not give it that database's identity.
        let keep = liveID ?? (candidate.fromOtherDatabase == nil ? DatabaseIdentity.read(db) : nil) ?? UUID().uuidString.lowercased()
        if DatabaseIdentity.read(db) != keep || DatabaseIdentity.recordedPath(db) != absolutePath(db.path) {
            try DatabaseIdentity.stamp(db, id: keep, path: db.path)
        }
        progress?(.verifying)
        let after = try SchemaVersionTable.recordedVersion(db)
        let expected = candidate.backup.schemaVersion ?? after
        let check = try db.quickCheck()
        guard after == expected, check == ["ok"] else {
            throw MigshError(.restoreFailed, "restore failed its verification: version \(after) (expected \(expected)), quick_check \(check.prefix(2).joined(separator: "; "))",
                             details: ["The state before the restore is in \(safety.path)."])
        }
        return Report(restoredFrom: candidate.backup.path, previousStateBackup: safety, fromVersion: before, toVersion: after,
                      fromOtherDatabase: candidate.fromOtherDatabase,
                      completedDespiteInterrupt: CancellationToken.interrupt.isRequested)
    }

    /// Empties a damaged database file and removes its `-journal` and `-wal` (kept in a raw
    /// copy before this is called), so that SQLite sees an empty database there.
    static func emptyDamagedFiles(of path: String) throws {
        guard FileSystem.truncate(path, 0) == 0 else {
            throw MigshError(.restoreFailed, "cannot empty the damaged \(path) before restoring: \(String(cString: strerror(errno))); nothing was restored")
        }
        for suffix in ["-journal", "-wal", "-shm"] { FileSystem.unlink(path + suffix) }
    }

    /// True when both paths name one file (same device and inode), whatever the spelling.
    static func sameFile(_ a: String, _ b: String) -> Bool {
        guard let sa = FileSystem.status(a), let sb = FileSystem.status(b) else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }
}
