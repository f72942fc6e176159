import Foundation
import Testing
@testable import MigshCore

/// The foreign-key check after each migration covers only what the migration can have
/// broken; these pin down that it still catches every way of orphaning a child row.
@Suite("The foreign-key check after a migration")
struct ForeignKeyCheckTests {
    static let schema = """
        CREATE TABLE Schema_Version (version INTEGER PRIMARY KEY, applied_date TIMESTAMP, applied_by TEXT, description TEXT);
        INSERT INTO Schema_Version (version) VALUES (1);
        CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
        CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE);
        CREATE TABLE other (id INTEGER PRIMARY KEY, note TEXT);
        INSERT INTO parent VALUES (1, 'a'), (2, 'b'), (3, 'c');
        INSERT INTO child VALUES (10, 1), (11, 2), (12, 3);
        INSERT INTO other VALUES (1, 'x');
        """

    /// Applies a migration 002 with `body` to a fresh version-1 database; returns the error, if any.
    func apply(_ body: String) throws -> MigshError? {
        try withTemporaryDirectory { dir in
            try write(migrationText(1, body: Self.schema.replacingOccurrences(of: "INSERT INTO Schema_Version (version) VALUES (1);", with: "")), to: dir + "/001_base.sql")
            try write(migrationText(2, body: body), to: dir + "/002_change.sql")
            let folder = try MigrationFolder.load(dir)
            let db = try Connection(path: dir + "/db.sqlite", mode: .readWriteCreate)
            let store = BackupStore(directory: dir + "/snapshots")
            let migrator = Migrator(db: db, folder: folder, store: store)
            _ = try migrator.apply(try migrator.plan(options: .init(targetVersion: 1, user: "t")), options: .init(targetVersion: 1, user: "t"))
            let before = try db.scalarInt("SELECT count(*) FROM child")
            do {
                _ = try migrator.apply(try migrator.plan(options: .init(targetVersion: 2, user: "t")), options: .init(targetVersion: 2, user: "t"))
                return nil
            } catch let error as MigshError {
                // Whatever failed, nothing was lost.
                #expect(try db.scalarInt("SELECT count(*) FROM child") == before)
                #expect(try SchemaVersionTable.currentVersion(db) == 1)
                return error
            }
        }
    }

    @Test("a rebuild of the parent that keeps every key passes (no child scan needed)")
    func rebuildKeepingKeys() throws {
        let error = try apply("""
            CREATE TABLE parent_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');
            INSERT INTO parent_new SELECT id, name FROM parent;
            DROP TABLE parent;
            ALTER TABLE parent_new RENAME TO parent;
            """)
        #expect(error == nil, "\(String(describing: error))")
    }

    @Test("a rebuild of the parent that loses a row fails the migration, naming the child")
    func rebuildLosingAKey() throws {
        let error = try #require(try apply("""
            CREATE TABLE parent_new (id INTEGER PRIMARY KEY, name TEXT);
            INSERT INTO parent_new SELECT id, name FROM parent WHERE id <> 2;
            DROP TABLE parent;
            ALTER TABLE parent_new RENAME TO parent;
            """))
        #expect(error.code == .migrationFailed)
        #expect(error.message.contains("FOREIGN KEY") && error.message.contains("child"), "\(error.message)")
    }

    @Test("deleting a referenced parent row fails the migration (enforcement is off, so no cascade)")
    func deletingAParentRow() throws {
        let error = try #require(try apply("DELETE FROM parent WHERE id = 3;"))
        #expect(error.message.contains("FOREIGN KEY"), "\(error.message)")
    }

    @Test("changing a referenced key fails the migration")
    func updatingAParentKey() throws {
        let error = try #require(try apply("UPDATE parent SET id = 99 WHERE id = 1;"))
        #expect(error.message.contains("FOREIGN KEY"), "\(error.message)")
    }

    @Test("a child row pointing nowhere fails the migration")
    func insertingAnOrphan() throws {
        let error = try #require(try apply("INSERT INTO child VALUES (13, 42);"))
        #expect(error.message.contains("FOREIGN KEY"), "\(error.message)")
    }

    @Test("unrelated changes and updates of non-key columns pass")
    func unrelatedChanges() throws {
        #expect(try apply("UPDATE parent SET name = upper(name); DELETE FROM other; ALTER TABLE parent ADD COLUMN extra TEXT;") == nil)
    }
}
