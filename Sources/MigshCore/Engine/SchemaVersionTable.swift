import CMigshSQLite

/// The spec's `Schema_Version` table (§2.1) and migsh's own record of applied files.
///
/// Always `main.Schema_Version`: a TEMP table of the same name (which a migration could
/// create) would otherwise shadow it in unqualified queries.
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

    /// What `Schema_Version` holds, read without trusting it: every row's version as stored,
    /// and what is wrong with them.
    public struct Record: Sendable, Equatable {
        public var exists: Bool
        /// Versions stored as integers, in table order.
        public var versions: [Int]
        public var problems: [Problem]
        /// User tables in the database other than Schema_Version and migsh's own.
        public var otherTables: Int

        /// MAX(version) over the integer rows, 0 when there are none (spec §2.2).
        public var maxVersion: Int { versions.max() ?? 0 }
        public var isSound: Bool { problems.isEmpty }
        public func contains(_ version: Int) -> Bool { versions.contains(version) }
    }

    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        /// The row with this rowid stores a value that is not an integer.
        case notInteger(rowid: Int64, value: String, type: String)
        case null(rowid: Int64)
        /// Versions start at 1.
        case notPositive(rowid: Int64, value: Int64)
        case duplicate(version: Int, count: Int)
        /// Versions below the highest one that have no row, as ranges: a stray huge version
        /// (a typo, a damaged page) must not cost memory or time in proportion to its value.
        case gap(missing: [ClosedRange<Int>], highest: Int)
        /// No Schema_Version, but the database has tables: not a new database.
        case missing(otherTables: Int)

        public var description: String {
            switch self {
            case let .notInteger(rowid, value, type):
                return "Schema_Version row \(rowid) holds version \(type == "text" ? "'\(value)'" : value) (\(type)), not a whole number"
            case let .null(rowid):
                return "Schema_Version row \(rowid) holds version NULL"
            case let .notPositive(rowid, value):
                return "Schema_Version row \(rowid) holds version \(value); versions start at 1"
            case let .duplicate(version, count):
                return "Schema_Version holds version \(version) \(count) times"
            case let .gap(missing, highest):
                // Each range once ("4, 9–4294967295"), at most 8 of them.
                let parts = missing.prefix(8).map { r -> String in
                    r.lowerBound == r.upperBound ? "\(r.lowerBound)" : r.upperBound == r.lowerBound + 1 ? "\(r.lowerBound), \(r.upperBound)" : "\(r.lowerBound)–\(r.upperBound)"
                }
                let list = parts.joined(separator: ", ") + (missing.count > 8 ? ", …" : "")
                let one = missing.count == 1 && missing[0].lowerBound == missing[0].upperBound
                return "Schema_Version records version \(highest) but has no row for version\(one ? "" : "s") \(list)"
            case let .missing(n):
                return "the database has \(n) table\(n == 1 ? "" : "s") but no Schema_Version table"
            }
        }
    }

    /// Reads `main.Schema_Version` as it is. Throws only when SQLite cannot read it.
    public static func read(_ db: Connection) throws -> Record {
        let others = Int(try db.scalarInt("""
            SELECT count(*) FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
              AND lower(name) NOT IN ('schema_version', '\(appliedTable)', '\(DatabaseIdentity.table)')
            """) ?? 0)
        guard try exists(db) else {
            return Record(exists: false, versions: [], problems: others > 0 ? [.missing(otherTables: others)] : [], otherTables: others)
        }
        let stmt = try db.prepare("SELECT rowid, version, typeof(version) FROM main.Schema_Version")
        var versions: [Int] = []
        var problems: [Problem] = []
        while try stmt.step() {
            let rowid = stmt.int64(0)
            switch stmt.text(2) {
            case "integer" where stmt.int64(1) >= 1: versions.append(Int(stmt.int64(1)))
            case "integer": problems.append(.notPositive(rowid: rowid, value: stmt.int64(1)))
            case "null": problems.append(.null(rowid: rowid))
            case let type: problems.append(.notInteger(rowid: rowid, value: stmt.text(1), type: type))
            }
        }
        var counts: [Int: Int] = [:]
        for v in versions { counts[v, default: 0] += 1 }
        for (v, n) in counts.sorted(by: { $0.key < $1.key }) where n > 1 { problems.append(.duplicate(version: v, count: n)) }
        // The gaps between the distinct versions: work in proportion to the rows, never to
        // the values (a row 4294967296 once made this allocate gigabytes and abort).
        var missing: [ClosedRange<Int>] = []
        var expected = 1
        for v in counts.keys.sorted() {
            if v > expected { missing.append(expected...(v - 1)) }
            expected = v == Int.max ? v : v + 1
        }
        if let highest = versions.max(), !missing.isEmpty { problems.append(.gap(missing: missing, highest: highest)) }
        return Record(exists: true, versions: versions, problems: problems, otherTables: others)
    }

    static func exists(_ db: Connection) throws -> Bool {
        try db.scalarInt("SELECT count(*) FROM main.sqlite_schema WHERE type = 'table' AND name = 'Schema_Version' COLLATE NOCASE") == 1
    }

    /// The version to plan from: `MAX(version)`, or 0 for a new database (spec §2.2). Refuses
    /// rows it cannot trust — a non-integer, NULL or duplicate version, a gap, or no table in a
    /// database that has tables — naming the row; `.diff` investigates. A file that is not a
    /// database, a damaged one or a locked one is an error, never "version 0".
    ///
    /// `knownVersions` is the highest version the migrations folder knows: a database whose
    /// MAX(version) is above it is newer than this application whatever lies between (gaps
    /// included: versions this application does not know are not its to judge), so gaps do
    /// not make it untrustworthy; the caller reports it as newer (exit 3).
    public static func currentVersion(_ db: Connection, knownVersions: Int? = nil) throws -> Int {
        var record = try read(db)
        if let knownVersions, record.maxVersion > knownVersions {
            record.problems.removeAll { if case .gap = $0 { return true }; return false }
        }
        guard record.isSound else {
            try requireUndamaged(db)
            var error = MigshError(.versionTable, "Schema_Version cannot be trusted: " + record.problems.map(\.description).joined(separator: "; "),
                                   details: ["Nothing was changed."])
            error.hints = [.investigate]
            throw error
        }
        return record.maxVersion
    }

    /// Rows that make no sense may be a damaged page read as garbage: `PRAGMA quick_check`
    /// tells damage (thrown as `.damaged`) from rows someone wrote.
    static func requireUndamaged(_ db: Connection) throws {
        let check: [String]
        do { check = try db.quickCheck() } catch let error as MigshError {
            throw MigshError(.damaged, "the database is damaged: \(error.message)")
        }
        if check != ["ok"] {
            let problems = check.filter { !$0.hasPrefix("*** in database") }
            throw MigshError(.damaged, "the database is damaged (quick_check: \(problems.prefix(2).joined(separator: "; "))\(problems.count > 2 ? "; …" : ""))")
        }
    }

    /// `MAX(version)` over the integer rows, whatever else the table holds: for display
    /// (the prompt, backup manifests), never for planning.
    public static func recordedVersion(_ db: Connection) throws -> Int {
        guard try exists(db) else { return 0 }
        return Int(try db.scalarInt("SELECT MAX(version) FROM main.Schema_Version WHERE typeof(version) = 'integer'") ?? 0)
    }

    public static func history(_ db: Connection) throws -> [Row] {
        guard try exists(db) else { return [] }
        let stmt = try db.prepare("""
            SELECT version, applied_date, applied_by, description FROM main.Schema_Version
            WHERE typeof(version) = 'integer' ORDER BY version
            """)
        var rows: [Row] = []
        while try stmt.step() {
            rows.append(Row(version: Int(stmt.int64(0)), appliedDate: stmt.optionalText(1),
                            appliedBy: stmt.optionalText(2), description: stmt.optionalText(3)))
        }
        return rows
    }

    /// How a migration came to be recorded in `migsh_applied_migrations`.
    public enum Mode: String, Sendable, Codable {
        /// migsh ran the whole file in one transaction: it is never "partially applied".
        case applied
        /// migsh ran the statements that had not run, after checking the evidence for the rest.
        case resumed
        /// migsh recorded it without running it.
        case baseline
    }

    public struct AppliedFile: Sendable, Codable, Equatable {
        public var version: Int
        public var file: String
        public var sha256: String
        public var appliedAt: String
        public var mode: Mode
    }

    public static func appliedFiles(_ db: Connection) throws -> [Int: AppliedFile] {
        guard try db.scalarInt("SELECT count(*) FROM main.sqlite_schema WHERE type = 'table' AND name = '\(appliedTable)'") == 1 else {
            return [:]
        }
        let hasMode = try db.scalarInt("SELECT count(*) FROM pragma_table_info('\(appliedTable)', 'main') WHERE name = 'mode'") == 1
        let stmt = try db.prepare("SELECT version, file, sha256, applied_at, applied_by, \(hasMode ? "mode" : "NULL") FROM main.\(appliedTable)")
        var out: [Int: AppliedFile] = [:]
        while try stmt.step() {
            // Rows written before the mode column existed: baselines said so in applied_by.
            let mode = stmt.optionalText(5).flatMap(Mode.init(rawValue:))
                ?? ((stmt.optionalText(4) ?? "").contains("baseline") ? .baseline : .applied)
            let f = AppliedFile(version: Int(stmt.int64(0)), file: stmt.text(1), sha256: stmt.text(2), appliedAt: stmt.text(3), mode: mode)
            out[f.version] = f
        }
        return out
    }

    static func record(_ db: Connection, migration: Migration, user: String, mode: Mode, durationMS: Int?) throws {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS main.\(appliedTable) (
                version INTEGER PRIMARY KEY,
                file TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                applied_by TEXT,
                duration_ms INTEGER,
                mode TEXT
            )
            """)
        if try db.scalarInt("SELECT count(*) FROM pragma_table_info('\(appliedTable)', 'main') WHERE name = 'mode'") == 0 {
            try db.execute("ALTER TABLE main.\(appliedTable) ADD COLUMN mode TEXT")
        }
        let stmt = try db.prepare("INSERT OR REPLACE INTO main.\(appliedTable) (version, file, sha256, applied_by, duration_ms, mode) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        try stmt.bind(Int64(migration.version), at: 1)
        try stmt.bind(migration.fileName, at: 2)
        try stmt.bind(migration.sha256, at: 3)
        try stmt.bind(mode == .baseline ? "\(user) (baseline: not run by migsh)" : user, at: 4)
        if let durationMS { try stmt.bind(Int64(durationMS), at: 5) } else { try stmt.bindNull(at: 5) }
        try stmt.bind(mode.rawValue, at: 6)
        try stmt.run()
    }
}
