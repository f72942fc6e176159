import Foundation

/// The schema each version of the migrations produces, built by replaying the migration
/// files into a private in-memory database — and, for each migration, the schema after
/// every prefix of its statements, so a partially applied migration can be named exactly.
public final class ExpectedSchemas: @unchecked Sendable {
    // @unchecked Sendable: immutable after init (built once, then only read).

    public struct Step: Sendable {
        /// 1-based statement number within the migration body (BEGIN/COMMIT excluded).
        public var statement: Int
        public var line: Int
        /// True when the statement changed the schema (`PRAGMA schema_version` moved).
        public var changesSchema: Bool
        public var sql: String
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
    /// Set when a migration fails to replay on a clean database (the versions after it are unknown).
    public let replayError: String?

    public var highestVersion: Int { versions.count - 1 }

    private init(versions: [SchemaSnapshot], replays: [Int: MigrationReplay], replayError: String?) {
        self.versions = versions
        self.replays = replays
        self.replayError = replayError
    }

    nonisolated(unsafe) private static var cache: [String: ExpectedSchemas] = [:]
    private static let lock = NSLock()

    /// Builds (or returns from the per-process cache, keyed by the folder's checksums).
    public static func build(_ folder: MigrationFolder) throws -> ExpectedSchemas {
        let key = folder.path + "|" + folder.sorted.map(\.sha256).joined(separator: ",")
        lock.lock()
        if let cached = cache[key] { lock.unlock(); return cached }
        lock.unlock()
        let built = try replay(folder)
        lock.lock()
        cache[key] = built
        lock.unlock()
        return built
    }

    static func replay(_ folder: MigrationFolder) throws -> ExpectedSchemas {
        let db = try Connection(path: ":memory:", mode: .readWriteCreate)
        try db.execute("PRAGMA foreign_keys = OFF")
        var versions = [try SchemaSnapshot.read(db)]
        var replays: [Int: MigrationReplay] = [:]
        for migration in folder.sorted {
            guard migration.version == versions.count else { break }  // a gap: stop
            let script = MigrationScript(migration)
            var replay = MigrationReplay(migration: migration, steps: [], prefixes: [:])
            for (i, statement) in script.body.enumerated() {
                let before = try db.scalarInt("PRAGMA schema_version") ?? 0
                do {
                    try db.execute(statement.sql)
                } catch let error as MigshError {
                    let message = "\(migration.fileName) fails on a clean database at statement \(i + 1) (line \(statement.line)): \(error.message)"
                    return ExpectedSchemas(versions: versions, replays: replays, replayError: message)
                }
                let after = try db.scalarInt("PRAGMA schema_version") ?? 0
                let changes = after != before
                replay.steps.append(Step(statement: i + 1, line: statement.line, changesSchema: changes, sql: statement.sql))
                if changes { replay.prefixes[i + 1] = try SchemaSnapshot.read(db) }
            }
            replays[migration.version] = replay
            versions.append(try SchemaSnapshot.read(db))
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
