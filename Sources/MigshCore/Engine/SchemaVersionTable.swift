import CMigshSQLite

/// The spec's `Schema_Version` table (§2.1) and migsh's own record of applied files.
public enum SchemaVersionTable {
    public struct Row: Sendable, Codable, Equatable {
        public var version: Int
        public var appliedDate: String?
        public var appliedBy: String?
        public var description: String?
    }

    /// migsh's table of applied migration files and their SHA-256, so that an edited
    /// deployed migration is detected even on databases migrated elsewhere.
    public static let appliedTable = "migsh_applied_migrations"

    /// `MAX(version)`, or 0 when `Schema_Version` does not exist (spec §2.2). A file that is
    /// not a database, or a locked one, is an error, never "version 0".
    public static func currentVersion(_ db: Connection) throws -> Int {
        guard try db.tableExists("Schema_Version") else { return 0 }
        return Int(try db.scalarInt("SELECT MAX(version) FROM Schema_Version") ?? 0)
    }

    public static func history(_ db: Connection) throws -> [Row] {
        guard try db.tableExists("Schema_Version") else { return [] }
        let stmt = try db.prepare("SELECT version, applied_date, applied_by, description FROM Schema_Version ORDER BY version")
        var rows: [Row] = []
        while try stmt.step() {
            rows.append(Row(version: Int(stmt.int64(0)), appliedDate: stmt.optionalText(1),
                            appliedBy: stmt.optionalText(2), description: stmt.optionalText(3)))
        }
        return rows
    }

    public struct AppliedFile: Sendable, Codable, Equatable {
        public var version: Int
        public var file: String
        public var sha256: String
        public var appliedAt: String
    }

    public static func appliedFiles(_ db: Connection) throws -> [Int: AppliedFile] {
        guard try db.tableExists(appliedTable) else { return [:] }
        let stmt = try db.prepare("SELECT version, file, sha256, applied_at FROM \(appliedTable)")
        var out: [Int: AppliedFile] = [:]
        while try stmt.step() {
            let f = AppliedFile(version: Int(stmt.int64(0)), file: stmt.text(1), sha256: stmt.text(2), appliedAt: stmt.text(3))
            out[f.version] = f
        }
        return out
    }

    static func recordApplied(_ db: Connection, migration: Migration, user: String, durationMS: Int) throws {
        try record(db, migration: migration, appliedBy: user, durationMS: Int64(durationMS))
    }

    /// `.baseline`: the file's checksum, marked as recorded without running.
    public static func recordBaseline(_ db: Connection, migration: Migration, user: String) throws {
        try record(db, migration: migration, appliedBy: "\(user) (baseline: not run by migsh)", durationMS: nil)
    }

    private static func record(_ db: Connection, migration: Migration, appliedBy user: String, durationMS: Int64?) throws {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS \(appliedTable) (
                version INTEGER PRIMARY KEY,
                file TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                applied_by TEXT,
                duration_ms INTEGER
            )
            """)
        let stmt = try db.prepare("INSERT OR REPLACE INTO \(appliedTable) (version, file, sha256, applied_by, duration_ms) VALUES (?1, ?2, ?3, ?4, ?5)")
        try stmt.bind(Int64(migration.version), at: 1)
        try stmt.bind(migration.fileName, at: 2)
        try stmt.bind(migration.sha256, at: 3)
        try stmt.bind(user, at: 4)
        if let durationMS { try stmt.bind(durationMS, at: 5) } else { try stmt.bindNull(at: 5) }
        try stmt.run()
    }
}
