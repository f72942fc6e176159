import CMigshSQLite
import Foundation

/// The schema each version of the migrations produces, built by replaying the migration
/// files into a private in-memory database — and, for each migration, the schema after
/// every prefix of its statements, so a partially applied migration can be named exactly.
///
/// The replay runs only files that validation accepts, under an authorizer that denies
/// everything that reaches a file (ATTACH, DETACH, and VACUUM INTO, which SQLite authorizes
/// as an ATTACH): a migration that names the live database can never touch it from here.
public final class ExpectedSchemas: @unchecked Sendable {
    // @unchecked Sendable: immutable after init (built once, then only read).

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
        public var isData: Bool { !changesSchema && !insertsVersionRow }
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

    public var highestVersion: Int { versions.count - 1 }

    init(versions: [SchemaSnapshot], replays: [Int: MigrationReplay], replayError: String?) {
        self.versions = versions
        self.replays = replays
        self.replayError = replayError
    }

    nonisolated(unsafe) private static var cache: [String: ExpectedSchemas] = [:]
    private static let lock = NSLock()

    /// Builds (or returns from the per-process cache, keyed by the folder's checksums, or from
    /// the on-disk `ExpectedSchemasCache`) the schemas of every version, or only of versions up
    /// to `through` (what a check of the recorded version needs: the pending migrations are
    /// not replayed).
    public static func build(_ folder: MigrationFolder, through: Int? = nil) throws -> ExpectedSchemas {
        let key = folder.path + "|" + folder.sorted.map(\.sha256).joined(separator: ",") + "|" + (through.map(String.init) ?? "all")
        lock.lock()
        if let cached = cache[key] { lock.unlock(); return cached }
        lock.unlock()
        let directory = ExpectedSchemasCache.directory()
        let built: ExpectedSchemas
        if let directory, let stored = ExpectedSchemasCache.load(folder, through: through, directory: directory) {
            built = stored
        } else {
            built = try replay(folder, through: through ?? Int.max)
            if let directory { ExpectedSchemasCache.store(built, folder, through: through, directory: directory) }
        }
        lock.lock()
        cache[key] = built
        lock.unlock()
        return built
    }

    /// A private in-memory database for running migration statements that must not reach
    /// any file: foreign keys off (as `.apply` runs them), no attached databases, and an
    /// authorizer that denies ATTACH and DETACH (VACUUM INTO is authorized as an ATTACH).
    public static func sandbox() throws -> Connection {
        let db = try Connection(path: ":memory:", mode: .readWriteCreate)
        try db.execute("PRAGMA foreign_keys = OFF")
        db.denyFileAccess()
        return db
    }

    static func replay(_ folder: MigrationFolder, through: Int = Int.max) throws -> ExpectedSchemas {
        let db = try sandbox()
        var versions = [try SchemaSnapshot.read(db)]
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
                let before = try db.scalarInt("PRAGMA schema_version") ?? 0
                var writes = Set<String>(), inserts = Set<String>()
                do {
                    let stmt = try db.observingAuthorizations({ e in
                        guard let table = e.arg1?.lowercased() else { return }
                        switch e.action {
                        case SQLITE_INSERT: writes.insert(table); inserts.insert(table)
                        case SQLITE_UPDATE, SQLITE_DELETE: writes.insert(table)
                        default: break
                        }
                    }) { try db.prepare(statement.sql) }
                    try stmt.run()
                } catch let error as MigshError {
                    let message = "\(migration.fileName) fails on a clean database at statement \(statement.index) (line \(statement.line)): \(error.message)"
                    return ExpectedSchemas(versions: versions, replays: replays, replayError: message)
                }
                let after = try db.scalarInt("PRAGMA schema_version") ?? 0
                let changes = after != before
                replay.steps.append(Step(statement: statement.index, line: statement.line, changesSchema: changes,
                                         insertsVersionRow: statement.index == versionInsert, sql: statement.sql,
                                         writes: writes, inserts: inserts))
                if changes {
                    last = try SchemaSnapshot.read(db, reusing: last)
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

extension Connection {
    /// Denies ATTACH and DETACH (and so VACUUM INTO) on this connection, whatever SQL runs
    /// on it, and allows no attached database at all.
    func denyFileAccess() {
        // > SQLITE_LIMIT_ATTACHED: The maximum number of attached databases.
        sqlite3_limit(handle, SQLITE_LIMIT_ATTACHED, 0)
        setAuthorizer { event in event.action != SQLITE_ATTACH && event.action != SQLITE_DETACH }
    }
}
