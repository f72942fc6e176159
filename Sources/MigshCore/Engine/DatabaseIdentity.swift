import Foundation

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

    /// The id, created when missing and the database can be written (outside a transaction:
    /// a backup, taken from another connection, must see it). Nil when it cannot be made.
    @discardableResult
    public static func ensure(_ db: Connection) -> String? {
        if let id = read(db) { return id }
        guard !db.isReadOnly, db.isAutocommit else { return nil }
        return try? stamp(db, id: UUID().uuidString.lowercased())
    }

    /// Gives the database `id` (after a restore of another database's backup, the database
    /// keeps its own identity, so its own backups stay its own).
    @discardableResult
    static func stamp(_ db: Connection, id: String) throws -> String {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS main.\(table) (id TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));
            DELETE FROM main.\(table);
            """)
        let insert = try db.prepare("INSERT INTO main.\(table) (id) VALUES (?1)")
        try insert.bind(id, at: 1)
        try insert.run()
        return id
    }
}
