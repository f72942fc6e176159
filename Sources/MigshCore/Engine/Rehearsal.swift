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
        /// `Table.column` → the values a copy into a column of another type (a rebuild) did not
        /// keep ('007' → 7), the column not written by an UPDATE: an error unless the file marks
        /// it (`-- migsh: allow-convert Table.column`).
        public var alteredColumns: [String: ValueAlteration] = [:]
        /// The same, for conversions the file marks: meant.
        public var convertedColumns: [String: ValueAlteration] = [:]
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
            // A migration that can give a column another type: the rows before it, to compare
            // row by row afterwards (`ValueAlteration`); not part of the migration's time.
            let beforePath = dir + "/before.sqlite"
            let retypes = ValueAlteration.mayRetype(m.sql)
            if retypes { try copy.execute("VACUUM INTO " + SQLParameters.quoteLiteral(beforePath)) }
            defer { if retypes { _ = FileSystem.unlink(beforePath) } }
            let before = try Rehearsal.rowCounts(copy)
            let started = DispatchTime.now()
            var step = Step(version: m.version, file: m.fileName, durationMS: 0, ok: true, error: nil, rowChanges: [:])
            // The columns an UPDATE writes (SQLite's authorizer: SQLITE_UPDATE, table and column).
            var updated = Set<String>()
            let noteUpdates: (AuthorizerEvent) -> Void = { event in
                if event.kind == .update, let table = event.arg1, let column = event.arg2 { updated.insert("\(table).\(column)".lowercased()) }
                observe?(event)
            }
            do {
                let one = try MigrationPlan(folder: folder, currentVersion: version, requiredVersion: m.version)
                var options = Migrator.Options(targetVersion: m.version, user: user)
                options.skipBackup = true
                options.stepLimit = stepLimit
                let migrator = Migrator(db: copy, folder: folder, store: scratch)
                _ = try copy.observingAuthorizations(noteUpdates) { try migrator.apply(validated: [script], plan: one, options: options) }
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
                if retypes {
                    let altered = Rehearsal.alterations(comparison.changed, updated: updated, before: beforePath, after: copyPath, now: now)
                    let convert = DropAllowance.parse(m.sql, prefix: DropAllowance.convertPrefix)
                    for (column, alteration) in altered {
                        if convert.allows(column) { step.convertedColumns[column] = alteration } else { step.alteredColumns[column] = alteration }
                    }
                    step.changedColumns.removeAll { altered[$0] != nil }
                }
                var errors: [String] = []
                if !step.lostColumns.isEmpty {
                    errors.append("loses the values of " + step.lostColumns.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value) non-NULL)" }.joined(separator: ", ")
                        + ": no column holds them after this migration; if that is meant, mark it with `" + DropAllowance.line(step.lostColumns.keys.sorted()) + "`")
                }
                if !step.alteredColumns.isEmpty {
                    errors.append(step.alteredColumns.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.phrase)" }.joined(separator: "; ")
                        + "; if that is meant, mark it with `" + DropAllowance.line(step.alteredColumns.keys.sorted(), prefix: DropAllowance.convertPrefix) + "`")
                }
                if !errors.isEmpty {
                    step.ok = false
                    lost = true
                    step.error = errors.joined(separator: "; ")
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

    /// Of the columns whose values changed (`changed`, `Table.column`), those no UPDATE wrote
    /// (`updated`, lowercased; an UPDATE of a table gone afterwards — a rebuild's `T_new` —
    /// counts for its column name in every table) whose affinity differs between the database
    /// at `before` and at `after`, with the values the copy did not keep (none: left out).
    static func alterations(_ changed: [String], updated: Set<String>, before: String, after: String,
                            now: [String: ColumnFingerprint]) -> [String: ValueAlteration] {
        let tablesAfter = Set(now.keys.compactMap { $0.split(separator: ".", maxSplits: 1).first.map { $0.lowercased() } })
        let updatedColumns = Set(updated.compactMap { key -> String? in
            let parts = key.split(separator: ".", maxSplits: 1)
            return parts.count == 2 && !parts[0].hasPrefix("sqlite_") && !tablesAfter.contains(String(parts[0])) ? String(parts[1]) : nil
        })
        var out: [String: ValueAlteration] = [:]
        let candidates = changed.filter { key in
            guard !updated.contains(key.lowercased()), let dot = key.firstIndex(of: ".") else { return false }
            return !updatedColumns.contains(key[key.index(after: dot)...].lowercased())
        }
        guard !candidates.isEmpty, let db = try? Connection(path: before, mode: .readOnly),
              (try? db.execute("ATTACH " + SQLParameters.quoteLiteral(after) + " AS migsh_after")) != nil else { return out }
        for key in candidates {
            guard let dot = key.firstIndex(of: ".") else { continue }
            let table = String(key[..<dot]), column = String(key[key.index(after: dot)...])
            guard let old = ValueAlteration.affinity(db, schema: "main", table: table, column: column),
                  let new = ValueAlteration.affinity(db, schema: "migsh_after", table: table, column: column), old != new,
                  let alteration = ValueAlteration.find(db, old: ("main", table, column), new: ("migsh_after", table, column)),
                  alteration.count > 0 else { continue }
            out[key] = alteration
        }
        return out
    }

    static func rowCounts(_ db: Connection) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in try db.column("SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'migsh\\_%' ESCAPE '\\'") {
            counts[table] = Int(try db.scalarInt("SELECT count(*) FROM main.\(quoteIdentifier(table))") ?? 0)
        }
        return counts
    }
}
