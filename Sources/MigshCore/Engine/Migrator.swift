import CMigshSQLite
import FoundationEssentials
import Glibc
import Dispatch
import MigshBase

/// Runs the spec's apply flow (§4.3) the safe way:
///
/// - one `BEGIN IMMEDIATE` transaction holds the write lock for the whole batch, so no other
///   writer slips in between the backup and the migrations, and a killed process leaves the
///   database exactly as before (SQLite's journal rolls it back);
/// - the verified backup is taken inside that lock, before anything changes;
/// - foreign-key enforcement is switched off before `BEGIN` (it is a no-op inside a
///   transaction, and ON during a table rebuild cascades deletes) and `foreign_key_check`
///   fails a migration that leaves new violations;
/// - each file's statements run one by one inside a savepoint (the file's own BEGIN/COMMIT
///   are validated and then left to migsh), never through an "executescript" that would
///   leave a failed transaction open;
/// - on any failure the transaction is rolled back; if SQLite cannot guarantee that, the
///   database is restored from the verified backup.
public struct Migrator {
    public struct Options: Sendable {
        public var targetVersion: Int
        /// Skips the pre-apply backup (used by the benchmark only to time the apply step).
        public var skipBackup = false
        public var user: String
        public var busyTimeoutMS: Int = 5000
        /// `PRAGMA data_version` read before the plan was judged (a resume's evidence): if
        /// another process has committed since, the evidence may be stale, and the change is
        /// refused once the write lock is held, before anything runs.
        public var judgedAtDataVersion: Int64?
        /// The step limit on the migration SQL (the rehearsal's copy); nil: none (the live
        /// database, where Ctrl-C stops a statement).
        public var stepLimit: StepLimit?
        public init(targetVersion: Int, user: String) {
            self.targetVersion = targetVersion
            self.user = user
        }
    }

    public enum Event {
        case backupProgress(BackupStore.Progress)
        case backupCreated(BackupStore.Backup)
        case migrationStarted(Migration)
        /// A statement of a migration starts: its number and the count in the migration.
        case statementStarted(Migration, statement: Int, of: Int)
        case migrationFinished(Migration, durationMS: Int)
        case restoredFromBackup(String)
    }

    public struct AppliedMigration: Sendable, Codable {
        public var version: Int
        public var file: String
        public var durationMS: Int
    }

    public struct Report: Sendable, Codable {
        public var fromVersion: Int
        public var toVersion: Int
        public var applied: [AppliedMigration]
        public var backup: BackupStore.Backup?
        public var dryRun: Bool
        public var warnings: [String]

        public init(fromVersion: Int, toVersion: Int, applied: [AppliedMigration], backup: BackupStore.Backup?,
                    dryRun: Bool, warnings: [String]) {
            self.fromVersion = fromVersion
            self.toVersion = toVersion
            self.applied = applied
            self.backup = backup
            self.dryRun = dryRun
            self.warnings = warnings
        }
    }

    public let db: Connection
    public let folder: MigrationFolder
    public let store: BackupStore

    public init(db: Connection, folder: MigrationFolder, store: BackupStore) {
        self.db = db
        self.folder = folder
        self.store = store
    }

    /// Validates every pending migration before anything runs.
    public func validatedScripts(_ plan: MigrationPlan) throws -> [MigrationScript] {
        let folderErrors = folder.errors
        if !folderErrors.isEmpty {
            throw MigshError(.migrationFolder, "the migrations folder \(folder.path) has problems; nothing was applied",
                             details: folderErrors.map(\.description))
        }
        let scripts = plan.pending.map(MigrationScript.init)
        let errors = scripts.flatMap { s in s.errors.map { "\(s.migration.fileName): \($0)" } }
        if !errors.isEmpty {
            throw MigshError(.validation, "migration validation failed; nothing was applied", details: errors)
        }
        return scripts
    }

    /// The scripts `.apply --resume` runs: for each migration of the resume plan, the
    /// statements the evidence shows have not run; then the pending migrations after it.
    public func resumeScripts(_ resume: ResumePlan, plan: MigrationPlan) throws -> [MigrationScript] {
        var scripts: [MigrationScript] = []
        for step in resume.steps {
            guard let migration = folder.migrations[step.version] else {
                throw MigshError(.migrationFolder, "migration \(zeroPadded(step.version)) is not in \(folder.path)")
            }
            let whole = MigrationScript(migration)
            if !whole.errors.isEmpty {
                throw MigshError(.validation, "\(migration.fileName) fails validation; nothing was applied",
                                 details: whole.errors.map(\.description))
            }
            let hasSequence = step.refills.isEmpty ? false
                : (try db.scalarInt("SELECT count(*) FROM main.sqlite_schema WHERE name = 'sqlite_sequence'") ?? 0) == 1
            var part = whole.selecting(step.statements, refilling: step.refills, hasSequence: hasSequence)
            part.mode = .resumed
            scripts.append(part)
        }
        let rest = try validatedScripts(plan).filter { $0.migration.version > resume.endVersion }
        return scripts + rest
    }

    /// Applies `plan`, or with `resume`, first the statements of a partially applied state
    /// that have not run (see `Investigation`), checking that the schema is then exactly the
    /// expected one of the resume's end version.
    /// (The `Apply` operation validates first and calls `run`; this is for the rehearsal and
    /// tests, which have nothing to ask in between.)
    public func apply(_ plan: MigrationPlan, options: Options, resume: ResumePlan? = nil,
                      events: @escaping (Event) -> Void = { _ in }) throws -> Report {
        if plan.status == .databaseNewer {
            throw MigshError(.databaseTooNew, DatabaseTooNew.message(current: plan.currentVersion, required: plan.requiredVersion))
        }
        let scripts = try resume.map { try resumeScripts($0, plan: plan) } ?? validatedScripts(plan)
        return try apply(validated: scripts, plan: plan, options: options, resume: resume, events: events)
    }

    /// Runs `scripts`, validated already (`validatedScripts`, `resumeScripts`) for `plan`:
    /// nothing is checked twice.
    public func apply(validated scripts: [MigrationScript], plan: MigrationPlan, options: Options, resume: ResumePlan? = nil,
                    events: @escaping (Event) -> Void = { _ in }) throws -> Report {
        let warnings = scripts.flatMap { s in s.warnings.map { "\(s.migration.fileName): \($0)" } }
        var report = Report(fromVersion: plan.currentVersion, toVersion: plan.currentVersion, applied: [],
                            backup: nil, dryRun: false, warnings: warnings)
        if scripts.isEmpty { return report }

        let ((), backup) = try locked(expectedVersion: plan.currentVersion, options: options, reason: .preApply, events: events) { backup in
            let maxBefore = try SchemaVersionTable.read(db).maxVersion
            for script in scripts {
                let m = script.migration
                events(.migrationStarted(m))
                let started = DispatchTime.now()
                try run(script, backup: backup, versionsBefore: maxBefore,
                        expectedSchema: m.version == resume?.endVersion ? resume?.expectedSchema : nil, events: events)
                let ms = Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000)
                try SchemaVersionTable.record(db, migration: m, user: options.user, mode: script.mode, durationMS: ms)
                report.applied.append(AppliedMigration(version: m.version, file: m.fileName, durationMS: ms))
                report.toVersion = max(report.toVersion, m.version)
                events(.migrationFinished(m, durationMS: ms))
            }
            if let backup { try recordSnapshot(backup) }
        }
        report.backup = backup

        // Spec §4.3 step 3: verify the final version. The change is committed and checked:
        // Ctrl-C no longer stops it.
        let final = try CancellationToken.interrupt.finishing("checking the final version of the committed database") {
            try SchemaVersionTable.currentVersion(db)
        }
        guard final == max(plan.requiredVersion, plan.currentVersion) else {
            throw MigshError(.migrationFailed, "version mismatch after migration: expected \(plan.requiredVersion), got \(final)")
        }
        report.toVersion = final
        return report
    }

    /// The frame every change to the schema runs in: foreign-key enforcement off (it is a
    /// no-op inside a transaction, and ON during a rebuild cascades deletes), one
    /// `BEGIN IMMEDIATE` holding the write lock throughout, the verified backup taken under
    /// that lock, then `body`, then COMMIT. On any failure the transaction is rolled back, or,
    /// if SQLite cannot guarantee that, the backup is copied back; the error then says so
    /// and carries the backup's path.
    public func locked<R>(expectedVersion: Int, options: Options, reason: BackupStore.Reason,
                          events: @escaping (Event) -> Void = { _ in },
                          _ body: (BackupStore.Backup?) throws -> R) throws -> (R, BackupStore.Backup?) {
        guard db.isAutocommit else {
            throw MigshError(.refused, "a transaction is open in this session: COMMIT or ROLLBACK it first")
        }
        try requireWritableFiles(backup: !options.skipBackup)
        try requireNoOtherLock(options: options)
        // Migration files run as on the application's connection: without sqlite3's shell
        // functions (a file calling readfile() or generate_series fails, and is rolled back).
        return try ShellSQLFunctions.suspended(on: db) {
            try lockedWithoutShellFunctions(expectedVersion: expectedVersion, options: options, reason: reason, events: events, body)
        }
    }

    private func lockedWithoutShellFunctions<R>(expectedVersion: Int, options: Options, reason: BackupStore.Reason,
                                                events: @escaping (Event) -> Void,
                                                _ body: (BackupStore.Backup?) throws -> R) throws -> (R, BackupStore.Backup?) {
        let foreignKeysWereOn = try db.foreignKeysEnabled
        // > This pragma is a no-op within a transaction; foreign key constraint enforcement
        // > may only be enabled or disabled when there is no pending BEGIN or SAVEPOINT.
        if foreignKeysWereOn { try db.execute("PRAGMA foreign_keys = OFF") }
        defer { if foreignKeysWereOn { try? db.execute("PRAGMA foreign_keys = ON") } }
        // The connection is the session's: what a migration's PRAGMAs set on it (not in the
        // file) is put back after the COMMIT or rollback, for the user's later SQL.
        let sessionPragmas = db.connectionPragmas()
        defer { db.restore(sessionPragmas) }

        do {
            try db.execute("BEGIN IMMEDIATE")
        } catch let error as MigshError where error.isBusy {
            throw MigshError(.busy, "database is locked: another process is writing to it (waited \(options.busyTimeoutMS) ms); nothing was changed",
                             resultCode: error.resultCode)
        }
        var backup: BackupStore.Backup?
        // The database's identity, given to it with this change if it has none, so its backups
        // are told from other databases' (`DatabaseIdentity`).
        // A copy made with `cp` becomes its own database here, at migsh's first write to it; a
        // database that was moved keeps its identity, and its backups.
        let (identity, stampNeeded) = DatabaseIdentity.claim(db, path: db.path)
        do {
            // Someone may have changed the database between planning and taking the lock.
            let lockedVersion = try SchemaVersionTable.read(db).maxVersion
            guard lockedVersion == expectedVersion else {
                throw MigshError(.refused, "the database changed to version \(lockedVersion) while planning (another process?); nothing was changed")
            }
            // > The integer values returned by two invocations of "PRAGMA data_version" from the
            // > same connection will be different if changes were committed to the database by
            // > any other connection in the interim.
            if let judged = options.judgedAtDataVersion, try db.scalarInt("PRAGMA data_version") != judged {
                throw MigshError(.refused, "another process wrote to the database while migsh judged it, so the evidence may no longer hold; nothing was changed. Run .diff again to see the state as it is now")
            }
            TestPause.at("apply.locked")
            try CancellationToken.interrupt.check()
            if !options.skipBackup {
                let made = try store.create(fromDatabaseAt: db.path, reason: reason, sourceID: identity, busyTimeoutMS: options.busyTimeoutMS) {
                    events(.backupProgress($0))
                }
                backup = made
                events(.backupCreated(made))
            }
        } catch {
            try? db.execute("ROLLBACK")
            if (error as? MigshError)?.code == .interrupted { throw Migrator.interruptedNothingChanged(expectedVersion, how: "nothing had run yet") }
            throw error
        }

        let result: R
        do {
            // The migration SQL runs with the connection closed against what it must never
            // do (`MigrationHazard`); the session's settings come back afterwards.
            result = try db.hardenedForMigrationSQL(stepLimit: options.stepLimit) {
                let result = try body(backup)
                if stampNeeded { try DatabaseIdentity.stamp(db, id: identity, path: db.path) }
                return result
            }
            TestPause.at("apply.commit")
            // The last moment a rollback undoes everything.
            try CancellationToken.interrupt.check()
            try db.execute("COMMIT")
        } catch let error as MigshError where error.code == .interrupted || CancellationToken.interrupt.shouldStop {
            // Ctrl-C: everything is rolled back (the cleanup finishes whatever a second Ctrl-C
            // says), and the backup of a state that did not change is not kept.
            let restoredBy = CancellationToken.interrupt.finishing("rolling back the migrations") {
                TestPause.at("apply.rollback")
                return recover(expectedVersion: expectedVersion, backup: backup, events: events)
            }
            throw undone(restoredBy, expectedVersion: expectedVersion, backup: backup)
        } catch var error as MigshError where error.isBusy {
            // Another process's lock (a reader that came after the check up front, in
            // rollback-journal mode) kept COMMIT or a cache spill from writing: no migration
            // failed, and nothing was written.
            let restoredBy = recover(expectedVersion: expectedVersion, backup: backup, events: events)
            error = MigshError(.busy, "database is locked: another process held it while the migrations were committed (waited \(options.busyTimeoutMS) ms); nothing was changed",
                               resultCode: error.resultCode,
                               details: ["The database is as it was (version \(expectedVersion), \(restoredBy)). Close the other program's open transaction, then try again."])
            error.backupPath = backup?.path
            throw error
        } catch var error as MigshError {
            let restoredBy = recover(expectedVersion: expectedVersion, backup: backup, events: events)
            error.code = .migrationFailed
            error.details.append("The database has been restored to its previous state (version \(expectedVersion), \(restoredBy)).")
            error.backupPath = backup?.path
            throw error
        }
        do {
            TestPause.at("apply.committed")
            try checkCommitted(expectedVersion: expectedVersion, backup: backup, events: events)
        } catch let error as MigshError where error.code == .interrupted {
            // Ctrl-C while the committed database is checked: the verified backup is copied
            // back, so that nothing was changed.
            guard let backup else {
                throw MigshError(.interrupted, "interrupted after the migrations were committed: they stay applied (no backup was taken to undo them)")
            }
            let restoredBy = CancellationToken.interrupt.finishing("copying the verified backup back into the database") {
                restore(from: backup, events: events)
            }
            throw undone(restoredBy, expectedVersion: expectedVersion, backup: backup)
        }
        return (result, backup)
    }

    /// The interruption of a change before anything ran.
    static func interruptedNothingChanged(_ version: Int, how: String) -> MigshError {
        MigshError(.interrupted, "interrupted: nothing was changed",
                   details: ["The database is as it was (version \(version), \(how)); no backup was kept."])
    }

    /// After Ctrl-C stopped a change: `restoredBy` says how the database was brought back.
    /// When it is as it was, its backup is removed (a state that did not change needs none);
    /// otherwise the error says what happened and keeps the backup.
    func undone(_ restoredBy: String, expectedVersion: Int, backup: BackupStore.Backup?) -> MigshError {
        if restoredBy == Migrator.rolledBack || restoredBy == Migrator.restoredFromBackup {
            if let backup { store.remove(backup) }
            return Migrator.interruptedNothingChanged(expectedVersion, how: restoredBy)
        }
        var error = MigshError(.migrationFailed, "interrupted, and the database could not be brought back to version \(expectedVersion): \(restoredBy)")
        error.backupPath = backup?.path
        if let backup { error.hints = [.restoreByHand(backup: backup.path)] }
        return error
    }

    /// After COMMIT: the file as a new connection sees it must pass `PRAGMA quick_check`. The
    /// connection that committed keeps the schema it parsed and the settings the migration
    /// gave it, so it cannot tell; a fresh one reads the schema from the file, as the
    /// application will. When the check fails, the verified backup is copied back.
    func checkCommitted(expectedVersion: Int, backup: BackupStore.Backup?, events: (Event) -> Void) throws {
        let problem = Migrator.committedFileProblem(db)
        // An interrupted check found nothing: the caller undoes the change.
        try CancellationToken.interrupt.check()
        guard let problem else { return }
        var error = MigshError(.migrationFailed, "after COMMIT, PRAGMA quick_check of the database on a new connection fails: \(problem)")
        guard let backup else { throw error }   // the rehearsal's copy, the benchmark
        let restoredBy = restore(from: backup, events: events)
        if restoredBy == Migrator.restoredFromBackup, let again = Migrator.committedFileProblem(db) {
            error.details.append("The verified backup \(backup.path) was copied back, but the database still fails PRAGMA quick_check (\(again)); restore it by hand.")
        } else if restoredBy == Migrator.restoredFromBackup {
            error.details.append("The database has been restored to its previous state (version \(expectedVersion), \(restoredBy)).")
        } else {
            error.details.append("The database could not be restored: \(restoredBy).")
        }
        error.backupPath = backup.path
        throw error
    }

    /// Why the committed database fails `PRAGMA quick_check` on a new connection, or nil.
    /// A database only in memory has no file to reopen: its own connection checks it.
    /// The new connection is opened read-write (it writes nothing): on a read-only one,
    /// SQLite 3.40's quick_check skips the CHECK constraints.
    static func committedFileProblem(_ db: Connection) -> String? {
        let inMemory = db.path.isEmpty || db.path == ":memory:" || db.path.hasPrefix("file::memory:")
        do {
            let checker = inMemory ? db : try Connection(path: db.path, mode: .readWrite)
            let lines = try checker.quickCheck()
            return lines == ["ok"] ? nil : lines.prefix(5).joined(separator: "; ")
        } catch let error as MigshError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    /// Before anything runs, what would make a change fail half-way for want of a writable
    /// file: SQLite creates `DATABASE-journal` beside the database for every write
    /// transaction in rollback-journal mode, so the database's folder must be writable (a
    /// writable database file alone is not enough: it failed at the first statement, exit
    /// 4); and the backup must be creatable in the backups folder.
    func requireWritableFiles(backup: Bool) throws {
        let path = absolutePath(db.path)
        let folder = path.pathDeletingLastComponent
        let mode = (try? db.scalarText("PRAGMA main.journal_mode"))?.lowercased() ?? "delete"
        if ["delete", "truncate", "persist"].contains(mode), FileSystem.access(folder, W_OK | X_OK) != 0 {
            // TRUNCATE and PERSIST reuse a journal file that exists, if it is writable.
            let reusable = mode != "delete" && FileSystem.access(path + "-journal", W_OK) == 0
            if !reusable {
                throw MigshError(.readOnly, "the database's folder \(folder) is not writable (\(String(cString: strerror(errno)))): SQLite must create \(path.pathLastComponent)-journal there to change the database; nothing was changed",
                                 details: ["Make the folder writable for this user (or move the database to one that is), then try again."])
            }
        }
        guard backup else { return }
        // The backups folder, or the nearest folder above it that exists (it is created).
        var existing = store.directory
        while !FileSystem.exists(existing) && existing != "/" && !existing.isEmpty {
            existing = existing.pathDeletingLastComponent
        }
        if FileSystem.access(existing, W_OK | X_OK) != 0 {
            throw MigshError(.backupFailed, "the backups folder \(store.directory) is not writable (\(existing): \(String(cString: strerror(errno)))): no verified backup can be taken; nothing was changed",
                             details: ["Give a writable folder with --backups DIR, or make \(existing) writable."])
        }
    }

    /// Another process's lock, found before anything runs. `BEGIN IMMEDIATE` waits out a
    /// writer, but in rollback-journal mode a reader's open transaction lets it start and
    /// then blocks the COMMIT, after every migration ran. `BEGIN EXCLUSIVE` (then ROLLBACK)
    /// asks for the lock the COMMIT needs, waiting `--busy-timeout` ms. (In WAL mode readers
    /// never block a writer; it is then the same check as BEGIN IMMEDIATE's.)
    func requireNoOtherLock(options: Options) throws {
        do {
            try db.execute("BEGIN EXCLUSIVE")
            try db.execute("ROLLBACK")
        } catch let error as MigshError where error.isBusy {
            if !db.isAutocommit { try? db.execute("ROLLBACK") }
            throw MigshError(.busy, "database is locked: another process holds it open in a transaction (reading or writing; waited \(options.busyTimeoutMS) ms); nothing was changed",
                             resultCode: error.resultCode,
                             details: ["Close the other program's open transaction (or the program), then try again."])
        }
    }

    /// Runs one migration inside a savepoint, statement by statement, noting from SQLite's
    /// authorizer which tables it writes, so the foreign-key check covers only those tables
    /// and the tables that reference them. Afterwards its version row must be there and no
    /// higher version than expected; with `expectedSchema` (a resume), the schema must be it.
    func run(_ script: MigrationScript, backup: BackupStore.Backup?,
             versionsBefore: Int, expectedSchema: SchemaSnapshot? = nil, events: (Event) -> Void = { _ in }) throws {
        let m = script.migration
        let savepoint = "migsh_\(m.version)"
        try db.execute("SAVEPOINT \(savepoint)")
        var violations = try runStatements(script, events: events)
        if !violations.isEmpty {
            if let backup {
                violations = try withoutViolationsIn(backup, violations)
            } else {
                // No backup to compare with: the violations the database had before this
                // migration are read from that state (its savepoint), and it runs again. Only
                // a database that has violations in the tables the migration touches pays
                // for this; a full check up front cost every run 40% of a large apply.
                try db.execute("ROLLBACK TO \(savepoint)")
                var before = Set<ForeignKeyViolation>()
                for table in Set(violations.map(\.table)) where try db.tableExists(table) {
                    before.formUnion(try db.foreignKeyViolations(table: table))
                }
                violations = try runStatements(script, events: events).filter { !before.contains($0) }
            }
        }
        if !violations.isEmpty {
            let listed = violations.prefix(10).map { "\($0.table) rowid \($0.rowid.map(String.init) ?? "?") → \($0.parent)" }
            throw MigshError(.migrationFailed, "Error in migration version \(m.version) (\(m.fileName)): FOREIGN KEY constraint failed: \(violations.count) new violation(s): \(listed.joined(separator: ", "))",
                             details: [MigrationFailure.foreignKeyHint])
        }
        let versions = try SchemaVersionTable.read(db)
        guard versions.contains(m.version), versions.maxVersion == max(m.version, versionsBefore) else {
            throw MigshError(.migrationFailed, "Error in migration version \(m.version) (\(m.fileName)): after it ran, MAX(version) in Schema_Version is \(versions.maxVersion), not \(m.version)")
        }
        if let expectedSchema {
            let diff = SchemaDiff(live: try SchemaSnapshot.read(db), expected: expectedSchema)
            guard diff.isEmpty else {
                throw MigshError(.migrationFailed, "Error resuming \(m.fileName): afterwards the schema is not version \(m.version)'s (\(diff.changes.map { "\($0.sign.rawValue) \($0.kind) \($0.name)" }.joined(separator: ", "))); nothing was committed")
            }
        }
        try db.execute("RELEASE \(savepoint)")
    }

    /// The migration's statements, each prepared under the authorizer's eye; the foreign-key
    /// violations in the tables they can have broken.
    private func runStatements(_ script: MigrationScript, events: (Event) -> Void) throws -> [ForeignKeyViolation] {
        let m = script.migration
        var impact = ForeignKeyImpact()
        let record: (AuthorizerEvent) -> Void = { impact.note($0) }
        for statement in script.body {
            events(.statementStarted(m, statement: statement.index, of: script.totalStatements))
            do {
                let stmt = try db.observingAuthorizations(record) { try db.prepare(statement.sql) }
                impact.noteStatement(statement.sql)
                try impact.snapshotKeys(db)
                TestPause.at("apply.statement")
                try db.limitingSteps { try stmt.run() }
            } catch let error as MigshError where error.code == .interrupted {
                throw error
            } catch let error as MigshError {
                // Some errors (SQLITE_FULL, IOERR, BUSY, NOMEM, OR ROLLBACK, RAISE(ROLLBACK))
                // roll the whole transaction back by themselves.
                let rolledBack = db.isAutocommit
                throw MigrationFailure.statement(migration: m, total: script.totalStatements,
                                                 statement: statement, error: error, rolledBack: rolledBack)
            }
            guard !db.isAutocommit else {
                throw MigrationFailure.statement(migration: m, total: script.totalStatements, statement: statement,
                    error: MigshError(.sqlite, "the statement ended migsh's transaction"), rolledBack: true)
            }
        }
        let toCheck = try impact.tablesToCheck(db)
        impact.dropSnapshots(db)
        var found: [ForeignKeyViolation] = []
        for table in toCheck.sorted() { found += try db.foreignKeyViolations(table: table) }
        return found
    }

    /// `found` without the violations the verified backup (the state before the batch)
    /// already had.
    func withoutViolationsIn(_ backup: BackupStore.Backup, _ found: [ForeignKeyViolation]) throws -> [ForeignKeyViolation] {
        let before = try Connection(path: backup.path, mode: .readOnly)
        var existing = Set<ForeignKeyViolation>()
        let tablesBefore = Set(try before.column("SELECT name FROM sqlite_schema WHERE type = 'table'"))
        for table in Set(found.map(\.table)) where tablesBefore.contains(table) {
            existing.formUnion(try before.foreignKeyViolations(table: table))
        }
        return found.filter { !existing.contains($0) }
    }

    /// The spec's table of backups (§4.5).
    public static let snapshotsTable = "Database_Snapshots"

    /// Spec §4.5: record the backup in the database's snapshots table, when it has one.
    func recordSnapshot(_ backup: BackupStore.Backup) throws {
        guard try db.tableExists(Migrator.snapshotsTable) else { return }
        let stmt = try db.prepare("""
            INSERT INTO Database_Snapshots (snapshot_type, snapshot_path, created_by, description, size_bytes)
            VALUES ('MIGRATION_BACKUP', ?1, NULL, 'Automatic backup before schema migration', ?2)
            """)
        try stmt.bind(backup.path, at: 1)
        try stmt.bind(Int64(backup.sizeBytes), at: 2)
        try stmt.run()
    }

    /// Rolls back; falls back to the verified backup when the rollback cannot be trusted.
    /// Returns how the database was brought back.
    func recover(expectedVersion: Int, backup: BackupStore.Backup?, events: (Event) -> Void) -> String {
        if !db.isAutocommit { try? db.execute("ROLLBACK") }
        if db.isAutocommit, let version = try? SchemaVersionTable.read(db).maxVersion, version == expectedVersion {
            return Migrator.rolledBack
        }
        guard let backup else { return "rollback only: no backup was taken" }
        return restore(from: backup, events: events)
    }

    static let restoredFromBackup = "restored from the backup"
    static let rolledBack = "transaction rolled back"

    /// Copies the verified backup's pages into the database (the backup API, never a file
    /// copy). Returns how it went.
    func restore(from backup: BackupStore.Backup, events: (Event) -> Void) -> String {
        do {
            if !db.isAutocommit { try? db.execute("ROLLBACK") }
            let source = try Connection(path: backup.path, mode: .readOnly)
            try OnlineBackup.copy(from: source, to: db, pagesPerStep: -1)
            events(.restoredFromBackup(backup.path))
            return Migrator.restoredFromBackup
        } catch {
            return "RESTORE FAILED (\(error)); restore the backup \(backup.path) by hand"
        }
    }
}

/// Builds the error for a failed statement: the file, the statement and its line, SQLite's
/// message and the spec's hint for common errors (§7.2).
enum MigrationFailure {
    static func statement(migration m: Migration, total: Int, statement: SQLStatementText,
                          error: MigshError, rolledBack: Bool) -> MigshError {
        var details: [String] = []
        // The statement's first line of SQL, not the comment above it.
        let preview = statement.sql.split(separator: "\n")
            .map { $0.trimming(.whitespaces) }
            .first { !$0.isEmpty && !$0.hasPrefix("--") } ?? ""
        details.append("Statement \(statement.index) of \(total), line \(statement.line): \(preview)")
        if rolledBack { details.append("SQLite rolled the transaction back by itself after this error.") }
        if let hint = hint(for: error) { details.append(hint) }
        return MigshError(.migrationFailed,
                          "Error in migration version \(m.version) (\(m.fileName), line \(statement.line)): \(error.message)",
                          resultCode: error.resultCode, sql: statement.sql, sqlOffset: error.sqlOffset, details: details)
    }

    static let foreignKeyHint = "Cause: a referenced table or record does not exist. Solution: ensure the foreign key references are valid (spec §7.2)."

    /// The spec's hint for SQLite's error, chosen by its result code. Plain SQLITE_ERROR
    /// covers both "duplicate column name" and "no such table": only SQLite's message (its
    /// fixed prefix) tells those two apart.
    static func hint(for error: MigshError) -> String? {
        switch error.resultCode {
        case .constraintForeignKey?:
            return foreignKeyHint
        case .full?:
            return "Cause: the disk is full. Solution: free space, then apply again."
        case .error? where error.message.hasPrefix("duplicate column name"):
            return "Cause: the migration was partially applied before. Solution: check the Schema_Version table and investigate the actual state (spec §7.2)."
        case .error? where error.message.hasPrefix("no such table"):
            return "Cause: a previous migration did not complete. Solution: restore from backup and re-apply the migrations (spec §7.2)."
        default:
            return nil
        }
    }
}
