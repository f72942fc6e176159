import FoundationEssentials
import Glibc
import Dispatch
import MigshBase

/// The spec's §8 rehearsal (`.test`): the pending migrations applied to a private copy taken
/// with the online backup API, each one timed, with its row-count changes; then the copy's
/// integrity, foreign keys and schema against the expected one. The copy lives in a private
/// folder (0700) removed afterwards; the live database is only read.
public struct Rehearsal {
    public struct Step: Sendable, Encodable {
        public var version: Int
        public var file: String
        public var durationMS: Int
        public var ok: Bool
        public var error: String?
        /// table → rows after minus rows before (only tables whose count changed, or that appeared or vanished).
        public var rowChanges: [String: Int]
        /// `Table.column` → non-NULL values before, for columns gone after the migration whose
        /// values no column holds: lost, and the migration does not mark them (an error).
        public var lostColumns: [String: Int] = [:]
        /// The same, for drops the file marks (`-- migsh: allow-drop …`): meant.
        public var droppedColumns: [String: Int] = [:]
        /// Columns present before and after whose values changed (an UPDATE's work: information).
        public var changedColumns: [String] = []
        /// `Table.column` before → the column holding its values after (a rename).
        public var movedColumns: [String: String] = [:]
    }

    public struct Result: Sendable, Encodable {
        public var fromVersion: Int
        public var toVersion: Int
        public var steps: [Step]
        public var integrity: [String]
        public var foreignKeyViolations: Int
        public var schemaDifferences: [SchemaDiff.Change]
        public var ok: Bool

        /// Nothing to rehearse: the database is at `version` already.
        public static func upToDate(_ version: Int) -> Result {
            Result(fromVersion: version, toVersion: version, steps: [], integrity: [], foreignKeyViolations: 0, schemaDifferences: [], ok: true)
        }
    }

    public let databasePath: String
    public let folder: MigrationFolder
    public var busyTimeoutMS = 5000
    public var user: String

    public init(databasePath: String, folder: MigrationFolder, user: String) {
        self.databasePath = databasePath
        self.folder = folder
        self.user = user
    }

    /// Rehearses `plan` (validated first: nothing runs when a file is refused). Each
    /// migration's columns are fingerprinted before and after (`ColumnFingerprint`): a column
    /// that vanishes while holding values no column holds afterwards fails the rehearsal unless
    /// the file marks the drop. `observe` sees SQLite's authorizer events while the migrations
    /// run; `inspect` sees the copy at the end, before it is removed.
    public func run(_ plan: MigrationPlan, observe: ((AuthorizerEvent) -> Void)? = nil,
                    inspect: ((Connection) throws -> Void)? = nil) throws -> Result {
        guard let dir = FileSystem.makeTemporaryDirectory(temporaryDirectoryPath() + "migsh-rehearsal-XXXXXX") else {
            throw MigshError(.io, "cannot create a temporary folder")
        }
        defer { try? FileSystem.removeTree(dir) }
        let copyPath = dir + "/rehearsal.sqlite"
        let scratch = BackupStore(directory: dir)
        do {
            try scratch.create(fromDatabaseAt: databasePath, path: copyPath, reason: .manual, busyTimeoutMS: busyTimeoutMS)
        } catch let error as MigshError where error.code == .interrupted {
            throw MigshError(.interrupted, "interrupted")  // the command stopped; its copy is gone
        }
        let copy = try Connection(path: copyPath, mode: .readWrite)
        // Validated once, here; each migration then runs as validated.
        let scripts = try Migrator(db: copy, folder: folder, store: scratch).validatedScripts(plan)
        // Statements here go over the database's real rows: unless MIGSH_STEP_LIMIT says
        // otherwise, the bound grows with the database.
        let pages = try copy.scalarInt("PRAGMA page_count") ?? 0
        let stepLimit = StepLimit.fromEnvironment()?.forDatabase(pages: pages)

        var steps: [Step] = []
        var version = plan.currentVersion
        var failed = false
        var lost = false
        var prints = try ColumnFingerprint.read(copy)
        for script in scripts {
            let m = script.migration
            try CancellationToken.interrupt.check()
            TestPause.at("test.migration")
            let before = try Rehearsal.rowCounts(copy)
            let started = DispatchTime.now()
            var step = Step(version: m.version, file: m.fileName, durationMS: 0, ok: true, error: nil, rowChanges: [:])
            do {
                let one = try MigrationPlan(folder: folder, currentVersion: version, requiredVersion: m.version)
                var options = Migrator.Options(targetVersion: m.version, user: user)
                options.skipBackup = true
                options.stepLimit = stepLimit
                let migrator = Migrator(db: copy, folder: folder, store: scratch)
                if let observe {
                    _ = try copy.observingAuthorizations(observe) { try migrator.apply(validated: [script], plan: one, options: options) }
                } else {
                    _ = try migrator.apply(validated: [script], plan: one, options: options)
                }
                version = m.version
            } catch let stop as MigshError where stop.code == .interrupted {
                // What the migrator says of its copy is not news for the live database.
                throw MigshError(.interrupted, "interrupted")
            } catch {
                step.ok = false
                step.error = (error as? MigshError).map { ([$0.message] + $0.details).joined(separator: " ") } ?? "\(error)"
                failed = true
            }
            step.durationMS = Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000)
            let after = try Rehearsal.rowCounts(copy)
            for table in Set(before.keys).union(after.keys) where before[table] != after[table] {
                step.rowChanges[table] = (after[table] ?? 0) - (before[table] ?? 0)
            }
            if !failed {
                let now = try ColumnFingerprint.read(copy)
                let comparison = ColumnFingerprint.compare(before: prints, after: now)
                let allowance = DropAllowance.parse(m.sql)
                for (column, values) in comparison.lost {
                    if allowance.allows(column) { step.droppedColumns[column] = values } else { step.lostColumns[column] = values }
                }
                step.changedColumns = comparison.changed
                step.movedColumns = comparison.moved
                if !step.lostColumns.isEmpty {
                    step.ok = false
                    lost = true
                    step.error = "loses the values of " + step.lostColumns.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value) non-NULL)" }.joined(separator: ", ")
                        + ": no column holds them after this migration; if that is meant, mark it with `" + DropAllowance.line(step.lostColumns.keys.sorted()) + "`"
                }
                prints = now
            }
            steps.append(step)
            if failed { break }
        }
        let integrity = try copy.integrityCheck()
        let violations = try copy.foreignKeyViolations().count
        let expected = try ExpectedSchemas.build(folder, through: version)
        let diff = version < expected.versions.count
            ? SchemaDiff(live: try SchemaSnapshot.read(copy), expected: expected.versions[version])
            : SchemaDiff(live: SchemaSnapshot(), expected: SchemaSnapshot())
        let ok = !failed && !lost && integrity == ["ok"] && violations == 0 && diff.isEmpty
        try inspect?(copy)
        return Result(fromVersion: plan.currentVersion, toVersion: version, steps: steps, integrity: integrity,
                      foreignKeyViolations: violations, schemaDifferences: diff.changes, ok: ok)
    }

    static func rowCounts(_ db: Connection) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in try db.column("SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'migsh\\_%' ESCAPE '\\'") {
            counts[table] = Int(try db.scalarInt("SELECT count(*) FROM main.\(quoteIdentifier(table))") ?? 0)
        }
        return counts
    }
}
