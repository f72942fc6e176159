import FoundationEssentials
import Glibc
import MigshBase

/// A database's identity, independent of its path: a random id migsh keeps in its own table
/// (`migsh_database`). It survives a move or a rename, travels inside every backup, and comes
/// back with a restore, so backups are told apart by the database they came from, even when
/// several databases share one backups folder.
public enum DatabaseIdentity {
    public static let table = "migsh_database"

    /// The id, or nil when the database has none yet.
    public static func read(_ db: Connection) -> String? {
        guard (try? db.scalarInt("SELECT count(*) FROM main.sqlite_schema WHERE type = 'table' AND name = '\(table)'")) == 1 else {
            return nil
        }
        return try? db.scalarText("SELECT id FROM main.\(table) LIMIT 1")
    }

    /// The path migsh last wrote the database at (nil before this was recorded).
    static func recordedPath(_ db: Connection) -> String? {
        guard (try? db.scalarInt("SELECT count(*) FROM pragma_table_info('\(table)', 'main') WHERE name = 'path'")) == 1 else { return nil }
        return try? db.scalarText("SELECT path FROM main.\(table) LIMIT 1")
    }

    /// The identity of the database file at `path`, if there is one there and it can be read.
    static func holder(at path: String) -> String? {
        guard FileSystem.exists(path), let other = try? Connection(path: path, mode: .readOnly, busyTimeoutMS: 1000) else { return nil }
        return read(other)
    }

    /// The id to write the database at `path` with, at migsh's first write to it there: its
    /// own when it has one and is where migsh last wrote it, or was moved (nothing with this
    /// identity is at the old path any more); a new one when it has none, or when it is a copy
    /// (the file at the recorded path still has the same identity: `cp` made two databases).
    public static func claim(_ db: Connection, path: String) -> (id: String, stampNeeded: Bool) {
        let here = absolutePath(path)
        guard let id = read(db) else { return (UUID().uuidString.lowercased(), true) }
        guard let recorded = recordedPath(db) else { return (id, true) }
        if recorded == here { return (id, false) }
        if holder(at: recorded) == id { return (UUID().uuidString.lowercased(), true) }
        return (id, true)
    }

    /// The id, created when missing and the database can be written (outside a transaction:
    /// a backup, taken from another connection, must see it). Nil when it cannot be made.
    @discardableResult
    public static func ensure(_ db: Connection) -> String? {
        if let id = read(db) { return id }
        guard !db.isReadOnly, db.isAutocommit else { return nil }
        return try? stamp(db, id: UUID().uuidString.lowercased())
    }

    /// Gives the database `id` (after a restore of another database's backup, the database
    /// keeps its own identity, so its own backups stay its own), and records where it is.
    @discardableResult
    static func stamp(_ db: Connection, id: String, path: String? = nil) throws -> String {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS main.\(table) (id TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), path TEXT);
            DELETE FROM main.\(table);
            """)
        if (try db.scalarInt("SELECT count(*) FROM pragma_table_info('\(table)', 'main') WHERE name = 'path'")) == 0 {
            try db.execute("ALTER TABLE main.\(table) ADD COLUMN path TEXT")
        }
        let insert = try db.prepare("INSERT INTO main.\(table) (id, path) VALUES (?1, ?2)")
        try insert.bind(id, at: 1)
        if let path { try insert.bind(absolutePath(path), at: 2) } else { try insert.bindNull(at: 2) }
        try insert.run()
        return id
    }
}

/// Which backups are a database's: the one rule `.backups`, `.restore --latest`, `--version`,
/// `.restore FILE` and the verdict's ways out all use.
/// - taken at this path: its own, unless its identity says another database was there;
/// - taken at another path with this identity: its own if the database was moved from there
///   (no database with this identity is at that path now), not if a copy of it lives there;
/// - otherwise another database's.
public final class BackupOwner {
    public let id: String?
    public let path: String
    private var holders: [String: String?] = [:]

    public init(db: Connection, path: String) {
        id = DatabaseIdentity.read(db)
        self.path = absolutePath(path)
    }

    public func owns(_ b: BackupStore.Backup) -> Bool {
        guard let source = b.source else { return id != nil && b.sourceID == id }
        if source == path { return id == nil || b.sourceID == nil || b.sourceID == id }
        guard let id, b.sourceID == id else { return false }
        if holders[source] == nil { holders[source] = .some(DatabaseIdentity.holder(at: source)) }
        return holders[source]! != id
    }
}
