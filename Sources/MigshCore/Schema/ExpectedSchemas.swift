import CMigshSQLite
import FoundationEssentials
import Glibc
import Synchronization

/// The schema each version of the migrations produces, built by replaying the migration
/// files into a private in-memory database — and, for each migration, the schema after
/// every prefix of its statements, so a partially applied migration can be named exactly.
///
/// The replay runs only files that validation accepts, under an authorizer that denies
/// everything that reaches a file (ATTACH, DETACH, and VACUUM INTO, which SQLite authorizes
/// as an ATTACH): a migration that names the live database can never touch it from here. It
/// runs closed against `MigrationHazard` and under the step limit (`StepLimit`), so a
/// migration can neither crash migsh nor hang it here.
public final class ExpectedSchemas: Sendable {

    public struct Step: Sendable, Codable {
        /// 1-based statement number within the migration body (BEGIN/COMMIT excluded).
        public var statement: Int
        public var line: Int
        /// True when the statement changed the schema (`PRAGMA schema_version` moved).
        public var changesSchema: Bool
        /// True for the statement that inserts the migration's Schema_Version row.
        public var insertsVersionRow: Bool
        public var sql: String
        /// Tables the statement writes rows to (INSERT, UPDATE, DELETE), lower-cased, as
        /// SQLite's authorizer reported them while preparing it (trigger bodies included).
        public var writes: Set<String>
        /// Tables it inserts rows into, lower-cased.
        public var inserts: Set<String>

        /// A statement whose effect the schema cannot show (INSERT, UPDATE, DELETE, a
        /// rebuild's copy): the Schema_Version insert is shown by the table itself.
        public var isData: Bool { !changesSchema && !insertsVersionRow && !isSchemaNoOp }

        /// A CREATE, DROP or ALTER that changed nothing in the clean replay (`DROP INDEX IF
        /// EXISTS` of an index not there at that point, `CREATE TABLE IF NOT EXISTS` of one
        /// that is): a schema statement, judged by the prefix schemas like the others — never
        /// by running it now, which could drop what a later statement of the same migration
        /// created again.
        public var isSchemaNoOp: Bool {
            guard !changesSchema && !insertsVersionRow else { return false }
            let verb = SQLScript.leadingWords(sql, count: 1).first?.uppercased()
            return verb == "CREATE" || verb == "DROP" || verb == "ALTER"
        }
    }

    public struct MigrationReplay: Sendable {
        public var migration: Migration
        public var steps: [Step]
        /// Schema after each schema-changing statement, keyed by its statement number.
        public var prefixes: [Int: SchemaSnapshot]
    }

    /// `versions[v]`: the schema at version v (0 = empty).
    public let versions: [SchemaSnapshot]
    public let replays: [Int: MigrationReplay]
    /// Set when a migration fails validation or fails to replay on a clean database (the
    /// versions after it are unknown).
    public let replayError: String?
    /// Where the step limit stopped the replay (`StepLimit`), if it did. What such a replay
    /// found depends on the limit, so it is not kept in the on-disk cache (a run with a
    /// higher `MIGSH_STEP_LIMIT` replays again).
    public let stepLimitStop: StepLimitStop?
    var cacheable: Bool { stepLimitStop == nil }

    public struct StepLimitStop: Sendable {
        public var version: Int
        public var statement: Int
        public var line: Int
        public var message: String
    }

    public var highestVersion: Int { versions.count - 1 }

    init(versions: [SchemaSnapshot], replays: [Int: MigrationReplay], replayError: String?, stepLimitStop: StepLimitStop? = nil) {
        self.versions = versions
        self.replays = replays
        self.replayError = replayError
        self.stepLimitStop = stepLimitStop
    }

    /// The per-process cache: the newest `ProcessCache.capacity` builds, keyed by folder,
    /// checksums and reach (a long session that edits its migrations makes a new key each
    /// time; the oldest are let go).
    struct ProcessCache {
        static let capacity = 8
        private(set) var entries: [(key: String, value: ExpectedSchemas)] = []

        /// The entry for `key`, which becomes the newest.
        mutating func value(_ key: String) -> ExpectedSchemas? {
            guard let i = entries.firstIndex(where: { $0.key == key }) else { return nil }
            let entry = entries.remove(at: i)
            entries.append(entry)
            return entry.value
        }

        mutating func insert(_ key: String, _ value: ExpectedSchemas) {
            entries.removeAll { $0.key == key }
            entries.append((key, value))
            if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
        }
    }
    static let cache = Mutex(ProcessCache())

    /// Builds (or returns from the per-process cache, keyed by the folder's checksums, or from
    /// the on-disk `ExpectedSchemasCache`) the schemas of every version, or only of versions up
    /// to `through` (what a check of the recorded version needs: the pending migrations are
    /// not replayed).
    public static func build(_ folder: MigrationFolder, through: Int? = nil) throws -> ExpectedSchemas {
        let key = folder.path + "|" + folder.sorted.map(\.sha256).joined(separator: ",") + "|" + (through.map(String.init) ?? "all")
        if let cached = cache.withLock({ $0.value(key) }) { return cached }
        let directory = ExpectedSchemasCache.directory()
        let built: ExpectedSchemas
        if let directory, let stored = ExpectedSchemasCache.load(folder, through: through, directory: directory) {
            built = stored
        } else {
            built = try replay(folder, through: through ?? Int.max)
            if let directory, built.cacheable { ExpectedSchemasCache.store(built, folder, through: through, directory: directory) }
        }
        cache.withLock { $0.insert(key, built) }
        return built
    }

    /// A private in-memory database for running migration statements that must not reach
    /// any file: foreign keys off (as `.apply` runs them), no attached databases, an
    /// authorizer that denies ATTACH and DETACH (VACUUM INTO is authorized as an ATTACH) and
    /// the rest of `MigrationHazard`, SQLite's defensive mode, no FTS3 tokenizer pointers, no
    /// extension loading, and the step limit (`MIGSH_STEP_LIMIT`).
    public static func sandbox(stepLimit: StepLimit? = StepLimit.fromEnvironment()) throws -> Connection {
        let db = try Connection(path: ":memory:", mode: .readWriteCreate)
        try db.execute("PRAGMA foreign_keys = OFF")
        db.hardenForMigrationSQL(stepLimit: stepLimit)
        return db
    }

    /// `fullReads`: ask the schema cookie around every statement and read the whole schema
    /// after every one that changes it, instead of only what the statement touched (the
    /// tests compare the two).
    static func replay(_ folder: MigrationFolder, through: Int = Int.max, fullReads: Bool = false,
                       stepLimit: StepLimit? = StepLimit.fromEnvironment()) throws -> ExpectedSchemas {
        let db = try sandbox(stepLimit: stepLimit)
        // Where each table's row is in sqlite_schema, and the newest row: what a read of one
        // statement's change seeks.
        var tableRowids: [String: Int64] = [:]
        let observe: (String, String, Int64) -> Void = { type, key, rowid in if type == "table" { tableRowids[key] = rowid } }
        let newestRow = try db.prepare("SELECT coalesce(max(rowid), 0) FROM main.sqlite_schema")
        func newest() throws -> Int64 {
            defer { newestRow.reset() }     // a statement left open would lock the schema against DROP
            return try newestRow.step() ? newestRow.int64(0) : 0
        }
        let schemaVersion = try db.prepare("PRAGMA schema_version")
        func cookie() throws -> Int64 {
            defer { schemaVersion.reset() }
            return try schemaVersion.step() ? schemaVersion.int64(0) : 0
        }
        var versions = [try SchemaSnapshot.read(db, reusing: nil, change: nil, observe: observe)]
        var newestBefore = try newest()
        // The latest snapshot, reused for what a statement did not change.
        var last = versions[0]
        var replays: [Int: MigrationReplay] = [:]
        for migration in folder.sorted where migration.version <= through {
            guard migration.version == versions.count else { break }  // a gap: stop
            let script = MigrationScript(migration)
            if let first = script.errors.first {
                let message = "\(migration.fileName) fails validation (\(first)); the versions from \(migration.version) on are not replayed"
                return ExpectedSchemas(versions: versions, replays: replays, replayError: message)
            }
            let versionInsert = script.versionInsert?.index
            var replay = MigrationReplay(migration: migration, steps: [], prefixes: [:])
            for statement in script.body {
                var writes = Set<String>(), inserts = Set<String>()
                var touched = TouchedObjects()
                var before: Int64?
                do {
                    let stmt = try db.observingAuthorizations({ e in
                        touched.note(e)
                        guard let table = e.arg1?.lowercased() else { return }
                        switch e.action {
                        case SQLITE_INSERT: writes.insert(table); inserts.insert(table)
                        case SQLITE_UPDATE, SQLITE_DELETE: writes.insert(table)
                        default: break
                        }
                    }) { try db.prepare(statement.sql) }
                    // A statement that only reads and writes rows cannot move the schema
                    // cookie: it is asked only around the others.
                    before = touched.onlyData && !fullReads ? nil : try cookie()
                    TestPause.at("replay.statement")
                    try CancellationToken.interrupt.check()
                    try db.limitingSteps { try stmt.run() }
                } catch let error as MigshError where error.code == .interrupted {
                    throw error
                } catch let error as MigshError {
                    let message = "\(migration.fileName) fails on a clean database at statement \(statement.index) (line \(statement.line)): \(error.message)"
                    let stop = error.code != .stepLimit ? nil
                        : StepLimitStop(version: migration.version, statement: statement.index, line: statement.line, message: error.message)
                    return ExpectedSchemas(versions: versions, replays: replays, replayError: message, stepLimitStop: stop)
                }
                let changes = try before.map { try cookie() != $0 } ?? false
                replay.steps.append(Step(statement: statement.index, line: statement.line, changesSchema: changes,
                                         insertsVersionRow: statement.index == versionInsert, sql: statement.sql,
                                         writes: writes, inserts: inserts))
                if changes {
                    let change = fullReads ? nil : touched.change(sql: statement.sql, tableRowids: tableRowids, newest: newestBefore)
                    if change == nil { tableRowids = [:] }
                    for t in change?.droppedTables ?? [] { tableRowids[t] = nil }
                    last = try SchemaSnapshot.read(db, reusing: last, change: change, observe: observe)
                    newestBefore = try newest()
                    replay.prefixes[statement.index] = last
                }
            }
            replays[migration.version] = replay
            versions.append(last)
        }
        return ExpectedSchemas(versions: versions, replays: replays, replayError: nil)
    }

    /// The schema after the first `k` statements of migration `version` (k = 0: the version before).
    public func schema(version: Int, afterStatements k: Int) -> SchemaSnapshot? {
        guard let replay = replays[version], version - 1 < versions.count else { return nil }
        var last = versions[version - 1]
        for step in replay.steps where step.statement <= k && step.changesSchema {
            last = replay.prefixes[step.statement] ?? last
        }
        return last
    }
}

/// What a schema-changing statement changed, from SQLite's authorizer events while it was
/// prepared: the objects it creates (new `sqlite_schema` rows) or drops, and the table whose
/// CREATE text an ADD COLUMN rewrites. Anything else that changes a schema (ALTER TABLE
/// RENAME or DROP COLUMN, which rewrite the views, triggers and foreign keys that name a
/// table; PRAGMA; virtual tables; a non-ASCII name, which SQLite folds differently) means
/// the whole schema is read.
struct TouchedObjects {
    private var change = SchemaSnapshot.Change()
    private var altered: [String] = []
    private var recognized = false
    private var unknown = false
    private var rowWorkOnly = true
    private var sawEvent = false
    /// There were events, and every one was a row read or write outside SQLite's own tables:
    /// the schema cannot change. (A statement SQLite reports nothing for is not assumed to be one.)
    var onlyData: Bool { sawEvent && rowWorkOnly }

    private static func key(_ name: String?) -> String? {
        guard let name, name.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        return name.lowercased()
    }

    mutating func note(_ e: AuthorizerEvent) {
        sawEvent = true
        switch e.action {
        case SQLITE_SELECT, SQLITE_READ, SQLITE_FUNCTION, SQLITE_RECURSIVE:
            break
        case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE:
            if e.arg1.map({ $0.lowercased().hasPrefix("sqlite_") }) ?? true { rowWorkOnly = false }
        default:
            rowWorkOnly = false
        }
        switch e.action {
        case SQLITE_CREATE_TABLE, SQLITE_CREATE_INDEX, SQLITE_CREATE_VIEW, SQLITE_CREATE_TRIGGER:
            if e.database != nil && e.database != "main" { unknown = true }
            recognized = true
        case SQLITE_DROP_TABLE, SQLITE_DROP_INDEX, SQLITE_DROP_VIEW, SQLITE_DROP_TRIGGER:
            guard e.database == nil || e.database == "main", let name = Self.key(e.arg1) else { unknown = true; return }
            recognized = true
            switch e.action {
            case SQLITE_DROP_TABLE: change.droppedTables.insert(name)
            case SQLITE_DROP_INDEX: change.droppedIndexes.insert(name)
            case SQLITE_DROP_VIEW: change.droppedViews.insert(name)
            default: change.droppedTriggers.insert(name)
            }
        case SQLITE_ALTER_TABLE:
            guard e.arg1 == nil || e.arg1 == "main", let table = Self.key(e.arg2) else { unknown = true; return }
            recognized = true
            altered.append(table)
        case SQLITE_PRAGMA, SQLITE_CREATE_VTABLE, SQLITE_DROP_VTABLE, SQLITE_ANALYZE, SQLITE_REINDEX,
             SQLITE_CREATE_TEMP_TABLE, SQLITE_CREATE_TEMP_INDEX, SQLITE_CREATE_TEMP_VIEW, SQLITE_CREATE_TEMP_TRIGGER,
             SQLITE_DROP_TEMP_TABLE, SQLITE_DROP_TEMP_INDEX, SQLITE_DROP_TEMP_VIEW, SQLITE_DROP_TEMP_TRIGGER:
            unknown = true
        default:
            break
        }
    }

    /// The change to read, or nil for the whole schema. `tableRowids`: each table's row in
    /// `sqlite_schema`; `newest`: the largest rowid there before the statement.
    func change(sql: String, tableRowids: [String: Int64], newest: Int64) -> SchemaSnapshot.Change? {
        guard recognized, !unknown else { return nil }
        var change = self.change
        change.newerThan = newest
        if !altered.isEmpty {
            guard Self.isAddColumn(sql) else { return nil }
            for table in altered {
                guard let rowid = tableRowids[table] else { return nil }
                change.rewritten.append(rowid)
            }
        }
        return change
    }

    /// `ALTER TABLE name ADD [COLUMN] …`: changes only that table's own CREATE text.
    static func isAddColumn(_ sql: String) -> Bool {
        let words = SQLNormalizer.tokens(sql)
        guard words.count > 3, words[0] == "alter", words[1] == "table" else { return false }
        // `ALTER TABLE [schema.]name ADD`: the verb follows the (possibly qualified) name.
        if words[3] == "add" { return true }
        return words.count > 5 && words[3] == "." && words[5] == "add"
    }
}

