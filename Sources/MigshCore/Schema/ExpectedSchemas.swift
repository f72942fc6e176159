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
    /// For each version from 1, the keys (`t:name`, `i:`, `v:`, `g:`) the replay's read of it
    /// changed from the version before; nil: unknown (the cache compares the two whole).
    let versionKeys: [Set<String>?]
    /// The folder and step limit the replay ran with: what a statement prefix is built from
    /// when the schemas before it cannot simply be recreated.
    private let folder: MigrationFolder?
    private let stepLimit: StepLimit?
    /// The statement prefixes built so far (`prefixes(of:)`), by version.
    private let prefixMemo = Mutex<[Int: [Int: SchemaSnapshot]]>([:])

    public struct StepLimitStop: Sendable {
        public var version: Int
        public var statement: Int
        public var line: Int
        public var message: String
    }

    public var highestVersion: Int { versions.count - 1 }

    init(versions: [SchemaSnapshot], replays: [Int: MigrationReplay], replayError: String?, stepLimitStop: StepLimitStop? = nil,
         versionKeys: [Set<String>?] = [], prefixes: [Int: [Int: SchemaSnapshot]] = [:], folder: MigrationFolder? = nil,
         stepLimit: StepLimit? = nil) {
        self.versions = versions
        self.replays = replays
        self.replayError = replayError
        self.stepLimitStop = stepLimitStop
        self.versionKeys = versionKeys
        self.folder = folder
        self.stepLimit = stepLimit
        prefixMemo.withLock { $0 = prefixes }
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

    /// The replay reads the schema once per migration (its version), not after every statement:
    /// the schema after each statement prefix is built only when a verdict asks for it
    /// (`prefixes(of:)`). `eagerPrefixes`: the migrations whose prefixes are read during the
    /// replay instead, after every schema-changing statement (the tests compare the two).
    /// `fullReads`: ask the schema cookie around every statement and read the whole schema
    /// instead of only what the statements touched (the tests compare the two).
    static func replay(_ folder: MigrationFolder, through: Int = Int.max, fullReads: Bool = false,
                       eagerPrefixes: (Int) -> Bool = { _ in false },
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
        var versionKeys: [Set<String>?] = [nil]
        var newestBefore = try newest()
        // The latest snapshot, reused for what a statement did not change.
        var last = versions[0]
        var replays: [Int: MigrationReplay] = [:]
        var prefixes: [Int: [Int: SchemaSnapshot]] = [:]
        func result(_ error: String?, _ stop: StepLimitStop? = nil) -> ExpectedSchemas {
            ExpectedSchemas(versions: versions, replays: replays, replayError: error, stepLimitStop: stop,
                            versionKeys: versionKeys, prefixes: prefixes, folder: folder, stepLimit: stepLimit)
        }
        // One observer for the whole replay (installing one per statement would expire every
        // prepared statement each time); it records only while a migration statement is prepared.
        let observed = ObservedStatement()
        return try db.observingAuthorizations({ observed.note($0) }) {
            for migration in folder.sorted where migration.version <= through {
                guard migration.version == versions.count else { break }  // a gap: stop
                let script = MigrationScript(migration)
                if let first = script.errors.first {
                    return result("\(migration.fileName) fails validation (\(first)); the versions from \(migration.version) on are not replayed")
                }
                let versionInsert = script.versionInsert?.index
                let eager = eagerPrefixes(migration.version)
                var replay = MigrationReplay(migration: migration, steps: [])
                var statementPrefixes: [Int: SchemaSnapshot] = [:]
                // What the migration's schema-changing statements changed since the last read.
                var pending = PendingChange()
                var keys: Set<String>? = []
                func readPending() throws {
                    last = try SchemaSnapshot.read(db, reusing: last, change: pending.change, observe: observe, changedKeys: &keys)
                    newestBefore = try newest()
                    pending = PendingChange()
                }
                for statement in script.body {
                    var before: Int64?
                    let touched: TouchedObjects, writes: Set<String>, inserts: Set<String>
                    do {
                        let stmt = try observed.preparing { try db.prepare(statement.sql) }
                        (touched, writes, inserts) = (observed.touched, observed.writes, observed.inserts)
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
                        return result(message, stop)
                    }
                    let changes = try before.map { try cookie() != $0 } ?? false
                    replay.steps.append(Step(statement: statement.index, line: statement.line, changesSchema: changes,
                                             insertsVersionRow: statement.index == versionInsert, sql: statement.sql,
                                             writes: writes, inserts: inserts))
                    if changes {
                        let change = fullReads ? nil : touched.change(sql: statement.sql, tableRowids: tableRowids, newest: newestBefore,
                                                                      createdSinceRead: pending.createdTables)
                        if change == nil { tableRowids = [:] }
                        for t in change?.droppedTables ?? [] { tableRowids[t] = nil }
                        pending.add(change, created: touched.createdTables, newestAfter: try newest())
                        if eager {
                            try readPending()
                            statementPrefixes[statement.index] = last
                        }
                    }
                }
                if pending.any { try readPending() }
                replays[migration.version] = replay
                if eager { prefixes[migration.version] = statementPrefixes }
                versions.append(last)
                versionKeys.append(keys)
            }
            return result(nil)
        }
    }

    /// The schema after the first `k` statements of migration `version` (k = 0: the version before).
    public func schema(version: Int, afterStatements k: Int) -> SchemaSnapshot? {
        guard let replay = replays[version], version - 1 < versions.count else { return nil }
        var last = versions[version - 1]
        guard let through = replay.steps.last(where: { $0.statement <= k && $0.changesSchema })?.statement else { return last }
        if !replay.steps.contains(where: { $0.statement > through && $0.changesSchema }) { return versions[version] }
        let prefixes = prefixes(of: version)
        for step in replay.steps where step.statement <= k && step.changesSchema {
            last = prefixes[step.statement] ?? last
        }
        return last
    }

    /// The schema after each schema-changing statement of migration `version`, keyed by its
    /// statement number (empty for a migration not replayed). Built when first asked: the
    /// schema of the version before is created in a private in-memory database from its
    /// stored CREATE statements, and the migration's schema-changing statements run on it,
    /// read after each (data statements cannot change a schema, and an empty table only
    /// ever lets such a statement through where rows could stop it). The result must end at
    /// the version's own schema, else — or when the schema before cannot be recreated — the
    /// history is replayed again through this migration, reading after every statement.
    public func prefixes(of version: Int) -> [Int: SchemaSnapshot] {
        if let memo = prefixMemo.withLock({ $0[version] }) { return memo }
        guard let replay = replays[version], version >= 1, version < versions.count else { return [:] }
        var built: [Int: SchemaSnapshot]?
        if replay.steps.contains(where: \.changesSchema) {
            built = try? recreatePrefixes(version, replay)
            if built == nil, let folder {
                let again = try? ExpectedSchemas.replay(folder, through: version, eagerPrefixes: { $0 == version }, stepLimit: stepLimit)
                built = again?.prefixMemo.withLock { $0[version] }
            }
        }
        let prefixes = built ?? [:]
        prefixMemo.withLock { $0[version] = prefixes }
        return prefixes
    }

    /// The versions whose prefixes have been built (or read in the replay), for the tests.
    var prefixesBuilt: [Int] { prefixMemo.withLock { $0.keys.sorted() } }

    /// The same schemas with no prefix built yet.
    func withoutBuiltPrefixes() -> ExpectedSchemas {
        ExpectedSchemas(versions: versions, replays: replays, replayError: replayError, stepLimitStop: stepLimitStop,
                        versionKeys: versionKeys, folder: folder, stepLimit: stepLimit)
    }

    /// The creating half of `prefixes(of:)`; nil when the result cannot be trusted.
    private func recreatePrefixes(_ version: Int, _ replay: MigrationReplay) throws -> [Int: SchemaSnapshot]? {
        let db = try ExpectedSchemas.sandbox(stepLimit: stepLimit)
        let before = versions[version - 1]
        try db.execute("BEGIN")
        // Tables (virtual ones first: they create their shadow tables), then indexes, then
        // views and triggers in their order of creation.
        let tables = before.tables.values.sorted { a, b in
            let va = a.sql.utf8.starts(with: "CREATE VIRTUAL".utf8), vb = b.sql.utf8.starts(with: "CREATE VIRTUAL".utf8)
            return va != vb ? va : a.name < b.name
        }
        let exists = try db.prepare("SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = ?1 COLLATE NOCASE")
        for table in tables {
            exists.reset()
            try exists.bind(table.name, at: 1)
            if try exists.step() { continue }   // a virtual table's shadow table, made with it
            exists.reset()
            try db.execute(table.sql)
        }
        exists.reset()
        for index in before.indexes.values.sorted(by: { $0.name < $1.name }) { try db.execute(index.sql) }
        let definitions = (Array(before.views.values) + Array(before.triggers.values)).sorted { $0.position < $1.position }
        for definition in definitions { try db.execute(definition.sql) }
        try db.execute("COMMIT")
        var last = try SchemaSnapshot.read(db, reusing: before)
        guard last == before else { return nil }
        var prefixes: [Int: SchemaSnapshot] = [:]
        for step in replay.steps where step.changesSchema {
            try CancellationToken.interrupt.check()
            let statement = try db.prepare(step.sql)
            try db.limitingSteps { try statement.run() }
            last = try SchemaSnapshot.read(db, reusing: last)
            prefixes[step.statement] = last
        }
        return last == versions[version] ? prefixes : nil
    }
}

/// What SQLite's authorizer reported while one statement was prepared: the objects it
/// touches and the tables it writes rows to.
final class ObservedStatement {
    private var recording = false
    private(set) var touched = TouchedObjects()
    private(set) var writes = Set<String>()
    private(set) var inserts = Set<String>()

    func preparing<R>(_ body: () throws -> R) rethrows -> R {
        touched = TouchedObjects()
        writes = []
        inserts = []
        recording = true
        defer { recording = false }
        return try body()
    }

    func note(_ e: AuthorizerEvent) {
        guard recording else { return }
        touched.note(e)
        guard let table = e.arg1?.lowercased() else { return }
        switch e.kind.rawValue {
        case SQLITE_INSERT: writes.insert(table); inserts.insert(table)
        case SQLITE_UPDATE, SQLITE_DELETE: writes.insert(table)
        default: break
        }
    }
}

/// The schema-changing statements of one migration since the schema was last read.
struct PendingChange {
    /// nil once a statement's change could not be named (the whole schema is read).
    private(set) var change: SchemaSnapshot.Change? = nil
    private(set) var any = false
    private var whole = false
    /// Tables created since the last read (their rows are new: read whole whatever alters them).
    private(set) var createdTables: Set<String> = []

    /// `newestAfter`: the largest rowid in `sqlite_schema` after the statement. A row dropped
    /// from the end lets the next new row take its rowid again, so new rows are those after
    /// the smallest such value seen since the last read.
    mutating func add(_ next: SchemaSnapshot.Change?, created: Set<String>, newestAfter: Int64) {
        createdTables.formUnion(created)
        defer { any = true }
        guard !whole else { return }
        guard let next else { whole = true; change = nil; return }
        var merged = change ?? next
        if change != nil {
            merged.droppedTables.formUnion(next.droppedTables)
            merged.droppedIndexes.formUnion(next.droppedIndexes)
            merged.droppedViews.formUnion(next.droppedViews)
            merged.droppedTriggers.formUnion(next.droppedTriggers)
            merged.rewritten += next.rewritten.filter { !merged.rewritten.contains($0) }
        }
        merged.newerThan = min(merged.newerThan, newestAfter)
        change = merged
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
    /// Tables the statement creates, lower-cased.
    private(set) var createdTables: Set<String> = []
    private var createdIndexes: Set<String> = []
    private var reindexed: Set<String> = []
    /// There were events, and every one was a row read or write outside SQLite's own tables:
    /// the schema cannot change. (A statement SQLite reports nothing for is not assumed to be one.)
    var onlyData: Bool { sawEvent && rowWorkOnly }

    private static func key(_ name: String?) -> String? {
        guard let name, name.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        return name.lowercased()
    }

    mutating func note(_ e: AuthorizerEvent) {
        sawEvent = true
        switch e.kind.rawValue {
        case SQLITE_SELECT, SQLITE_READ, SQLITE_FUNCTION, SQLITE_RECURSIVE:
            break
        case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE:
            if e.arg1.map({ $0.lowercased().hasPrefix("sqlite_") }) ?? true { rowWorkOnly = false }
        default:
            rowWorkOnly = false
        }
        switch e.kind.rawValue {
        case SQLITE_CREATE_TABLE, SQLITE_CREATE_INDEX, SQLITE_CREATE_VIEW, SQLITE_CREATE_TRIGGER:
            if e.database != nil && e.database != "main" { unknown = true }
            recognized = true
            if e.kind == .createTable, let name = e.arg1 { createdTables.insert(name.lowercased()) }
            if e.kind == .createIndex, let name = e.arg1 { createdIndexes.insert(name) }
        case SQLITE_REINDEX where e.arg1 != nil && (e.database == nil || e.database == "main"):
            // CREATE INDEX reports filling its own new index as a REINDEX of it.
            reindexed.insert(e.arg1!)
        case SQLITE_DROP_TABLE, SQLITE_DROP_INDEX, SQLITE_DROP_VIEW, SQLITE_DROP_TRIGGER:
            guard e.database == nil || e.database == "main", let name = Self.key(e.arg1) else { unknown = true; return }
            recognized = true
            switch e.kind.rawValue {
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
    /// `createdSinceRead`: tables created since the schema was last read (their rows are
    /// after `newest`, read whole).
    func change(sql: String, tableRowids: [String: Int64], newest: Int64, createdSinceRead: Set<String> = []) -> SchemaSnapshot.Change? {
        guard recognized, !unknown, reindexed.isSubset(of: createdIndexes) else { return nil }
        var change = self.change
        change.newerThan = newest
        if !altered.isEmpty {
            guard Self.isAddColumn(sql) else { return nil }
            for table in altered where !createdSinceRead.contains(table) {
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

