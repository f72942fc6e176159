/// What the operations work on: one database's connection, its migrations folder, its
/// backups, its audit log, and the one consistency policy. The shell's `Session` owns one
/// (and makes a new one at `.open`); a fleet run makes one per database. Nothing here prints.
public final class Workspace {
    public let db: Connection
    /// The database as the user named it (the connection's own path may be absolute).
    public let databasePath: String
    public let migrationsPath: String
    public let backups: BackupStore
    public let audit: AuditLog
    /// The folder read once for every database of a fleet run; nil: read when needed.
    public let preloadedFolder: MigrationFolder?
    /// `--target` and `--app-version`.
    public var target: Int?
    public var appVersion: String?
    public var busyTimeoutMS: Int
    public let user: String
    /// Why nothing may be written (`--readonly`, a database newer than the application), if so.
    public var readOnlyReason: String?
    public let policy: ConsistencyPolicy
    /// Told an audit entry that could not be written (the session warns on standard error).
    public var auditFailed: (any Error) -> Void = { _ in }
    /// The backups operations took, in order (a fleet run's report lists them).
    public private(set) var backupsTaken: [String] = []

    public init(db: Connection, databasePath: String, migrationsPath: String, backups: BackupStore, audit: AuditLog,
                preloadedFolder: MigrationFolder? = nil, user: String, busyTimeoutMS: Int = 5000,
                policy: ConsistencyPolicy = .standard) {
        self.db = db
        self.databasePath = databasePath
        self.migrationsPath = migrationsPath
        self.backups = backups
        self.audit = audit
        self.preloadedFolder = preloadedFolder
        self.user = user
        self.busyTimeoutMS = busyTimeoutMS
        self.policy = policy
    }

    /// Notes a backup taken in this workspace (keeps the list of an earlier workspace at `.open`).
    public func noteBackup(_ path: String) { backupsTaken.append(path) }
    public func inheritBackups(from other: Workspace) { backupsTaken = other.backupsTaken + backupsTaken }

    // MARK: Migrations

    public func loadFolder() throws -> MigrationFolder {
        if let preloadedFolder { return preloadedFolder }
        return try MigrationFolder.load(migrationsPath)
    }

    public func requiredVersion(_ folder: MigrationFolder) throws -> Int {
        try MigrationPlan.requiredVersion(folder: folder, target: target, appVersion: appVersion)
    }

    public func plan(_ folder: MigrationFolder, to target: Int? = nil) throws -> MigrationPlan {
        let current = try SchemaVersionTable.currentVersion(db, knownVersions: folder.highestVersion)
        let required = try target ?? requiredVersion(folder)
        return try MigrationPlan(folder: folder, currentVersion: current, requiredVersion: required)
    }

    /// The version messages show: MAX(version) over the integer rows, whatever else
    /// Schema_Version holds (planning uses the strict `SchemaVersionTable.currentVersion`).
    public var currentVersion: Int? { try? SchemaVersionTable.recordedVersion(db) }

    /// Where the database stands against the migrations (the spec's start-up check).
    public func versionStatus(_ folder: MigrationFolder? = nil) throws -> VersionStatus {
        try VersionStatus.evaluate(db: db, folder: try folder ?? loadFolder(), target: target, appVersion: appVersion)
    }

    /// This database's backups in the backups folder (their manifests name it), oldest first.
    public func ownBackups() -> [BackupStore.Backup] {
        let owner = BackupOwner(db: db, path: databasePath)
        return backups.list().filter { owner.owns($0) }
    }

    /// The investigation of this database against `folder`'s migrations.
    public func investigation(_ folder: MigrationFolder) throws -> Investigation {
        Investigation(db: db, folder: folder, expected: try ExpectedSchemas.build(folder), backups: ownBackups())
    }

    public func migrator(_ folder: MigrationFolder) -> Migrator {
        Migrator(db: db, folder: folder, store: backups)
    }

    /// The migrator's options for a change up to `version`, with this workspace's user and timeout.
    func options(targetVersion: Int) -> Migrator.Options {
        var options = Migrator.Options(targetVersion: targetVersion, user: user)
        options.busyTimeoutMS = busyTimeoutMS
        return options
    }

    // MARK: Consistency

    /// Whether the live schema is the one Schema_Version records at `version`, judged by the
    /// one policy: consistent, a warning to proceed with, or a refusal with the verdict.
    public func consistency(_ folder: MigrationFolder, at version: Int) throws -> ConsistencyPolicy.Judgement {
        // Only the recorded version's schema is needed to see that all is well: the pending
        // migrations are not replayed for that.
        let recorded = try ExpectedSchemas.build(folder, through: version)
        guard version < recorded.versions.count else { return .consistent }
        if try SchemaSnapshot.read(db) == recorded.versions[version] { return .consistent }
        return policy.judge(try investigation(folder).verdict())
    }

    // MARK: Writing

    public var inTransaction: Bool { !db.isAutocommit }

    public func refuseInTransaction(_ command: String) throws {
        if inTransaction {
            throw MigshError(.refused, "\(command) refused: a transaction is open in this session (COMMIT or ROLLBACK it first)")
        }
    }

    /// A command that changes the database: refused when the workspace is read-only, on a
    /// read-only file, and while a transaction is open.
    public func refuseUnlessWritable(_ command: String) throws {
        try refuseReadOnly(command)
        try refuseInTransaction(command)
    }

    public func refuseReadOnly(_ command: String) throws {
        if let readOnlyReason {
            throw MigshError(.readOnly, "\(command) refused: \(readOnlyReason)")
        }
        if db.isReadOnly {
            throw MigshError(.readOnly, "\(command) refused: \(databasePath) is read-only (file or folder permissions); nothing was changed")
        }
    }

    /// Records one action, written at once; a failure is told to `auditFailed`, never thrown
    /// (the action itself happened).
    public func log<R: AuditRecord>(_ record: R) {
        do {
            try audit.append(record)
            try audit.flush()
        } catch {
            auditFailed(error)
        }
    }
}

/// The one rule for changing a database whose schema is not the one its Schema_Version
/// records, the same for `.apply`, the interactive start-up and fleet runs: hand-made changes
/// to indexes, views and triggers (drift), and a schema that matches no version, are said as a
/// warning before the question, and the change may go on (in one transaction, after a
/// verified backup, restored on failure); every other state (a partly applied migration,
/// version rows without their changes or missing, a damaged database) is refused with the
/// verdict, because migrations run over it would build on a state no migration made.
public struct ConsistencyPolicy: Sendable {
    public enum Judgement: Sendable {
        case consistent
        /// Go on, after saying this.
        case warning(Verdict)
        /// Refused: nothing may be changed until the verdict's way out is taken.
        case refused(Verdict)
    }

    /// The states a change may go on from, with a warning. (A list: `standard` is built in
    /// every session, and a `Set` of them made the runtime scan every protocol conformance
    /// for `Verdict.State: Hashable` at each start, issue 25.)
    public var warnsOn: [Verdict.State]

    public static let standard = ConsistencyPolicy(warnsOn: [.drift, .unknown])

    public func judge(_ verdict: Verdict) -> Judgement {
        if verdict.state == .consistent { return .consistent }
        return warnsOn.contains(verdict.state) ? .warning(verdict) : .refused(verdict)
    }

    /// The refusal of a change: the message, with the verdict attached for the shell to render.
    public static func refusal(_ verdict: Verdict) -> MigshError {
        var error = MigshError(.refused, "the database is not in the state its Schema_Version records: \(verdict.message); nothing was changed")
        error.verdict = verdict
        return error
    }
}
