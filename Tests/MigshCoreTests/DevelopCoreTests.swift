import Foundation
import Testing
@testable import MigshCore

/// The pieces behind `.record`, `.rebuild` and `.new --from-diff`, on plain values.
@Suite("Developing migrations: recorder, table definitions, the compiler")
struct DevelopCoreTests {
    @Test("the recorder keeps committed changes and drops rolled-back ones")
    func recorder() {
        var r = StatementRecorder()
        r.observe("CREATE TABLE a(x)", readOnly: false, autocommitAfter: true)
        r.observe("SELECT * FROM a", readOnly: true, autocommitAfter: true)
        r.observe("BEGIN", readOnly: false, autocommitAfter: false)
        r.observe("INSERT INTO a VALUES (1)", readOnly: false, autocommitAfter: false)
        r.observe("ROLLBACK", readOnly: false, autocommitAfter: true)
        r.observe("SAVEPOINT s1", readOnly: false, autocommitAfter: false)
        r.observe("INSERT INTO a VALUES (2)", readOnly: false, autocommitAfter: false)
        r.observe("SAVEPOINT s2", readOnly: false, autocommitAfter: false)
        r.observe("UPDATE a SET x = 3", readOnly: false, autocommitAfter: false)
        r.observe("ROLLBACK TO s2", readOnly: false, autocommitAfter: false)
        r.observe("RELEASE s1", readOnly: false, autocommitAfter: true)
        r.observe("PRAGMA foreign_keys = OFF", readOnly: false, autocommitAfter: true)
        r.observe("BEGIN", readOnly: false, autocommitAfter: false)
        r.observe("DELETE FROM a", readOnly: false, autocommitAfter: false)
        r.transactionRolledBack()
        #expect(r.statements == ["CREATE TABLE a(x)", "INSERT INTO a VALUES (2)"])
    }

    @Test("a CREATE TABLE taken apart keeps each definition's text; a change touches only its column")
    func tableDefinition() throws {
        let sql = """
            CREATE TABLE Products (
                product_id INTEGER PRIMARY KEY AUTOINCREMENT,
                thermal_capacity REAL,  -- MW(t)
                "odd, name" TEXT DEFAULT 'a,b',
                vendor_id INTEGER NOT NULL REFERENCES Vendors(vendor_id) ON DELETE CASCADE,
                CHECK (thermal_capacity > 0),
                FOREIGN KEY (vendor_id) REFERENCES Vendors(vendor_id)
            ) WITHOUT ROWID
            """
        var d = try TableDefinition.parse(sql)
        #expect(d.name == "Products")
        #expect(d.columns.map(\.name) == ["product_id", "thermal_capacity", "odd, name", "vendor_id"])
        #expect(d.constraints == ["CHECK (thermal_capacity > 0)", "FOREIGN KEY (vendor_id) REFERENCES Vendors(vendor_id)"])
        #expect(d.options == "WITHOUT ROWID")
        var changes = TableRebuild.Changes()
        changes.types = [(column: "thermal_capacity", type: "DECIMAL(10,3)")]
        changes.defaults = [(column: "odd, name", value: "'c'")]
        changes.notNull = ["thermal_capacity"]
        changes.dropForeignKeys = ["vendor_id"]
        try TableRebuild.apply(changes, to: &d, table: "Products")
        #expect(d.columns[1].text == "thermal_capacity DECIMAL(10,3) NOT NULL  -- MW(t)")
        #expect(d.columns[2].text.hasSuffix("\"odd, name\" TEXT DEFAULT 'c'"))
        #expect(d.columns[3].text == "vendor_id INTEGER NOT NULL")
        #expect(d.constraints == ["CHECK (thermal_capacity > 0)"])
        #expect(d.sql(named: "Products_new").hasPrefix("CREATE TABLE Products_new (\n    product_id INTEGER PRIMARY KEY AUTOINCREMENT,\n    thermal_capacity DECIMAL(10,3) NOT NULL,  -- MW(t)\n"))
        // The rebuilt statement still compiles (the comma is not swallowed by the comment).
        d.options = ""  // (AUTOINCREMENT and WITHOUT ROWID do not go together: only the text is under test)
        let check = try ExpectedSchemas.sandbox()
        try check.execute("CREATE TABLE Vendors(vendor_id INTEGER PRIMARY KEY); " + d.sql(named: "Products_new"))
        #expect(throws: MigshError.self) {
            var e = try TableDefinition.parse(sql)
            var bad = TableRebuild.Changes()
            bad.types = [(column: "nosuch", type: "TEXT")]
            try TableRebuild.apply(bad, to: &e, table: "Products")
        }
    }

    @Test("columns added at the end are ALTER TABLE ADD COLUMN; anything else is a rebuild")
    func addedColumns() throws {
        let old = try TableDefinition.parse("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)")
        let added = try TableDefinition.parse("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c REAL, d TEXT DEFAULT 'x')")
        #expect(SchemaMigration.addedColumns(old: old, new: added)?.map(\.text) == ["c REAL", "d TEXT DEFAULT 'x'"])
        for new in ["CREATE TABLE t(a INTEGER PRIMARY KEY, b INTEGER)",                      // a type changed
                    "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c TEXT UNIQUE)",          // UNIQUE cannot be added
                    "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c TEXT NOT NULL)",        // NOT NULL without a default
                    "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c TIMESTAMP DEFAULT CURRENT_TIMESTAMP)",
                    "CREATE TABLE t(b TEXT, a INTEGER PRIMARY KEY)"] {                       // reordered
            #expect(SchemaMigration.addedColumns(old: old, new: try TableDefinition.parse(new)) == nil, "\(new)")
        }
    }

    @Test("the compiler from one schema to another: a new table, an added column, a rebuild, a changed view")
    func compiler() throws {
        let base = try ExpectedSchemas.sandbox()
        try base.execute("""
            CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT, size REAL);
            CREATE TABLE q(id INTEGER PRIMARY KEY, note TEXT);
            CREATE INDEX idx_p_name ON p(name);
            CREATE VIEW v AS SELECT name FROM p;
            """)
        let target = try ExpectedSchemas.sandbox()
        try target.execute("""
            CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT NOT NULL, size DECIMAL(8,2));
            CREATE TABLE q(id INTEGER PRIMARY KEY, note TEXT, extra INTEGER);
            CREATE TABLE r(x);
            CREATE INDEX idx_p_name ON p(name);
            CREATE VIEW v AS SELECT name, size FROM p;
            """)
        let migration = try SchemaMigration(from: try SchemaSnapshot.read(base), to: try SchemaSnapshot.read(target))
        let sql = migration.steps.map(\.sql)
        #expect(sql.contains("CREATE TABLE r(x);"))
        #expect(sql.contains("ALTER TABLE q ADD COLUMN extra INTEGER;"))
        #expect(sql.contains("ALTER TABLE p_new RENAME TO p;"))
        // Run on the base, it gives the target.
        for statement in sql { try base.execute(statement) }
        #expect(SchemaDiff(live: try SchemaSnapshot.read(base), expected: try SchemaSnapshot.read(target)).isEmpty)
    }

    @Test("a draft is named from its description, and never replaces a file")
    func draft() throws {
        let draft = MigrationDraft(version: 9, description: "Add Supplier rating (1-5)!", author: "Ada", date: "2026-12-01", body: "SELECT 1;")
        #expect(draft.fileName == "009_add_supplier_rating_1_5.sql")
        #expect(draft.text.hasPrefix("-- migrations/009_add_supplier_rating_1_5.sql\n-- Description: Add Supplier rating (1-5)!\n-- Version: 9\n-- Date: 2026-12-01\n-- Author: Ada\n"))
        #expect(draft.text.contains("BEGIN TRANSACTION;") && draft.text.hasSuffix("COMMIT;\n"))
        let dir = NSTemporaryDirectory() + "migsh-draft-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try draft.write(into: dir)
        var other = draft
        other.body = "SELECT 2;"
        #expect(throws: MigshError.self) { try other.write(into: dir) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == draft.text)
    }
}
