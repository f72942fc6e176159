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
    /// `dirty`: rows already violating a foreign key before 002 (written with enforcement off).
    /// `backup`: with the verified backup (pre-existing violations read from it) or `--no-backup`
    /// (read from the state before the migration).
    func apply(_ body: String, dirty: String? = nil, backup: Bool = true) throws -> MigshError? {
        try withTemporaryDirectory { dir in
            try write(migrationText(1, body: Self.schema.replacingOccurrences(of: "INSERT INTO Schema_Version (version) VALUES (1);", with: "")), to: dir + "/001_base.sql")
            try write(migrationText(2, body: body), to: dir + "/002_change.sql")
            let folder = try MigrationFolder.load(dir)
            let db = try Connection(path: dir + "/db.sqlite", mode: .readWriteCreate)
            let store = BackupStore(directory: dir + "/snapshots")
            let migrator = Migrator(db: db, folder: folder, store: store)
            _ = try migrator.apply(try plan(migrator, db, to: 1), options: .init(targetVersion: 1, user: "t"))
            if let dirty { try db.execute(dirty) }
            let before = try db.scalarInt("SELECT count(*) FROM child")
            var options = Migrator.Options(targetVersion: 2, user: "t")
            options.skipBackup = !backup
            do {
                _ = try migrator.apply(try plan(migrator, db, to: options.targetVersion), options: options)
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

    /// The authorizer names an update of the rowid by any of its names (rowid, oid, _rowid_)
    /// "ROWID", not by the INTEGER PRIMARY KEY column that the children reference.
    @Test("changing a referenced key fails the migration, whichever name it is changed by",
          arguments: ["id", "rowid", "oid", "_rowid_", "ROWID"], [true, false])
    func updatingAParentKey(column: String, backup: Bool) throws {
        let error = try #require(try apply("UPDATE parent SET \(column) = 99 WHERE id = 1;", backup: backup))
        #expect(error.message.contains("FOREIGN KEY") && error.message.contains("child rowid 10"), "\(error.message)")
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

    static let orphan = "INSERT INTO child VALUES (14, 99);"

    @Test("violations the database already had do not fail a migration that touches their table; a new one does",
          arguments: [true, false])
    func preExistingViolations(backup: Bool) throws {
        // The oracle for "already had": sqlite3's own foreign_key_check on the dirty state.
        try withTemporaryDirectory { dir in
            let db = try Connection(path: dir + "/probe.sqlite", mode: .readWriteCreate)
            try db.execute(Self.schema + Self.orphan)
            #expect(try db.foreignKeyViolations().map(\.rowid) == [14])
        }
        #expect(try apply("INSERT INTO child VALUES (15, 1); UPDATE child SET parent_id = parent_id;", dirty: Self.orphan, backup: backup) == nil)
        let rebuild = """
            CREATE TABLE child_new (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE, note TEXT);
            INSERT INTO child_new (id, parent_id) SELECT id, parent_id FROM child;
            DROP TABLE child;
            ALTER TABLE child_new RENAME TO child;
            """
        #expect(try apply(rebuild, dirty: Self.orphan, backup: backup) == nil)
        let error = try #require(try apply("INSERT INTO child VALUES (15, 77);", dirty: Self.orphan, backup: backup))
        #expect(error.message.contains("1 new violation(s): child rowid 15 → parent"), "\(error.message)")
        let lost = try #require(try apply("DELETE FROM parent WHERE id = 2;", dirty: Self.orphan, backup: backup))
        #expect(lost.message.contains("1 new violation(s): child rowid 11 → parent"), "\(lost.message)")
    }

    @Test("without a backup, the checks that catch an orphan still catch it", arguments: [
        "DELETE FROM parent WHERE id = 3;", "UPDATE parent SET id = 99 WHERE id = 1;", "INSERT INTO child VALUES (13, 42);",
    ])
    func withoutBackup(body: String) throws {
        let error = try #require(try apply(body, backup: false))
        #expect(error.message.contains("FOREIGN KEY"), "\(error.message)")
    }

    /// A parent keyed by text, and one whose integer keys become reals: the merge of integer
    /// keys steps aside, and the seeks decide.
    @Test("rebuilds of a parent keyed by text, or whose keys turn into reals, are checked too")
    func otherKeyTypes() throws {
        let textKeys = """
            CREATE TABLE code (c TEXT PRIMARY KEY, label TEXT);
            INSERT INTO code VALUES ('a', 'x'), ('b', 'y');
            CREATE TABLE uses (id INTEGER PRIMARY KEY, c TEXT REFERENCES code(c));
            INSERT INTO uses VALUES (1, 'a'), (2, 'b');
            """
        func rebuild(_ filter: String) -> String {
            textKeys + """
            CREATE TABLE code_new (c TEXT PRIMARY KEY, label TEXT NOT NULL DEFAULT '');
            INSERT INTO code_new SELECT c, coalesce(label, '') FROM code \(filter);
            DROP TABLE code;
            ALTER TABLE code_new RENAME TO code;
            """
        }
        #expect(try apply(rebuild("")) == nil)
        let lost = try #require(try apply(rebuild("WHERE c <> 'b'")))
        #expect(lost.message.contains("uses rowid 2 → code"), "\(lost.message)")
        // Integer keys rewritten as reals: equal to the children's integers, so nothing is lost.
        let reals = """
            CREATE TABLE parent_new (id REAL PRIMARY KEY, name TEXT);
            INSERT INTO parent_new SELECT id + 0.0, name FROM parent;
            DROP TABLE parent;
            ALTER TABLE parent_new RENAME TO parent;
            """
        #expect(try apply(reals) == nil)
        // Keys of mixed types (no declared type): the integers still there, the text key gone.
        let mixed = """
            CREATE TABLE tag (id PRIMARY KEY, label TEXT);
            INSERT INTO tag VALUES (1, 'one'), (2, 'two'), ('x', 'ex');
            CREATE TABLE tagged (id INTEGER PRIMARY KEY, tag_id REFERENCES tag(id));
            INSERT INTO tagged VALUES (1, 1), (2, 'x');
            """
        let gone = try #require(try apply("DELETE FROM tag WHERE id = 'x';", dirty: mixed))
        #expect(gone.message.contains("tagged rowid 2 → tag"), "\(gone.message)")
        #expect(try apply("DELETE FROM tag WHERE id = 2;", dirty: mixed) == nil)
    }

    @Test("a child whose key is its own INTEGER PRIMARY KEY is checked when its rowid changes", arguments: [true, false])
    func childKeyIsItsRowid(backup: Bool) throws {
        let detail = "CREATE TABLE detail (id INTEGER PRIMARY KEY REFERENCES parent(id), note TEXT); INSERT INTO detail VALUES (1, 'x');"
        let error = try #require(try apply("UPDATE detail SET rowid = 50;", dirty: detail, backup: backup))
        #expect(error.message.contains("detail rowid 50 → parent"), "\(error.message)")
        #expect(try apply("UPDATE detail SET oid = 2;", dirty: detail, backup: backup) == nil)
    }

    /// A REPLACE conflict deletes the row that held the value; SQLite's authorizer reports only
    /// the insert or update, never that delete.
    @Test("a REPLACE that deletes a referenced parent row fails the migration", arguments: [
        "INSERT OR REPLACE INTO parent (id, name) VALUES (7, 'a');",
        "REPLACE INTO parent (id, name) VALUES (7, 'a');",
        "UPDATE OR REPLACE parent SET name = 'a' WHERE id = 2;",
        "INSERT INTO keyed (id, name) VALUES (7, 'a');",
    ], [true, false])
    func replaceDeletesAParent(body: String, backup: Bool) throws {
        // name is unique: the statement's conflict with row 1 ('a') deletes row 1.
        let unique = "CREATE UNIQUE INDEX parent_name ON parent(name);"
            + "CREATE TABLE keyed (id INTEGER PRIMARY KEY, name TEXT UNIQUE ON CONFLICT REPLACE); INSERT INTO keyed VALUES (1, 'a');"
            + "CREATE TABLE keyed_child (id INTEGER PRIMARY KEY, k INTEGER REFERENCES keyed(id)); INSERT INTO keyed_child VALUES (1, 1);"
        let error = try #require(try apply(body, dirty: unique, backup: backup), "\(body)")
        #expect(error.message.contains("FOREIGN KEY"), "\(error.message)")
    }
}

/// A database keeps living: a resume judged on data that another process has changed since
/// must not run on the evidence of the data as it was.
@Suite("A change judged on stale evidence")
struct StaleEvidenceTests {
    @Test("another process commits between the judgement and the write lock: refused, nothing changed")
    func writeBetweenJudgementAndLockIsRefused() throws {
        try withTemporaryDirectory { dir in
            try write(migrationText(1, body: "CREATE TABLE Schema_Version (version INTEGER PRIMARY KEY, applied_date TIMESTAMP, applied_by TEXT, description TEXT); CREATE TABLE t(x);"), to: dir + "/001_base.sql")
            try write(migrationText(2, body: "UPDATE t SET x = x + 1;"), to: dir + "/002_change.sql")
            let folder = try MigrationFolder.load(dir)
            let db = try Connection(path: dir + "/db.sqlite", mode: .readWriteCreate)
            let migrator = Migrator(db: db, folder: folder, store: BackupStore(directory: dir + "/snapshots"))
            _ = try migrator.apply(try plan(migrator, db, to: 1), options: .init(targetVersion: 1, user: "t"))
            try db.execute("INSERT INTO t VALUES (1)")

            var options = Migrator.Options(targetVersion: 2, user: "t")
            options.judgedAtDataVersion = try db.scalarInt("PRAGMA data_version")
            let other = try Connection(path: dir + "/db.sqlite", mode: .readWrite)
            try other.execute("INSERT INTO t VALUES (2)")

            let error = #expect(throws: MigshError.self) {
                _ = try migrator.apply(try plan(migrator, db, to: options.targetVersion), options: options)
            }
            #expect(error?.code == .refused)
            #expect(error?.message.contains("another process wrote to the database while migsh judged it") == true)
            #expect(try SchemaVersionTable.currentVersion(db) == 1)
            #expect(try db.scalarInt("SELECT sum(x) FROM t") == 3)

            // Judged again on the data as it is now, it runs.
            options.judgedAtDataVersion = try db.scalarInt("PRAGMA data_version")
            _ = try migrator.apply(try plan(migrator, db, to: options.targetVersion), options: options)
            #expect(try db.scalarInt("SELECT sum(x) FROM t") == 5)
        }
    }
}

/// The plan from the database's recorded version to `target`.
private func plan(_ migrator: Migrator, _ db: Connection, to target: Int) throws -> MigrationPlan {
    try MigrationPlan(folder: migrator.folder, currentVersion: SchemaVersionTable.currentVersion(db, knownVersions: migrator.folder.highestVersion),
                      requiredVersion: target)
}
