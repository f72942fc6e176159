import Foundation
import Testing
import CMigshSQLite
@testable import MigshCore

/// Databases built in memory from the repository's migration files, each file run whole
/// through SQLite's own statement loop (`Connection.execute`, prepare-with-tail), not
/// through migsh's splitter, the way a person runs a file by hand.
private enum VerdictFixture {
    static func folder() throws -> MigrationFolder {
        try MigrationFolder.load(repositoryMigrations)
    }

    static func expected(_ folder: MigrationFolder) throws -> ExpectedSchemas {
        let expected = try ExpectedSchemas.build(folder)
        try #require(expected.replayError == nil, "the repository's migrations do not replay: \(expected.replayError ?? "")")
        return expected
    }

    /// An in-memory database at `version`: foreign keys off, then the files 1…version, whole.
    static func database(atVersion version: Int, folder: MigrationFolder) throws -> Connection {
        let db = try Connection(path: ":memory:", mode: .readWriteCreate)
        try db.execute("PRAGMA foreign_keys=OFF")
        if version >= 1 {
            for v in 1...version {
                let migration = try #require(folder.migrations[v], "no migration \(v)")
                try db.execute(migration.sql)
            }
        }
        return db
    }

    static func judge(_ db: Connection, folder: MigrationFolder, expected: ExpectedSchemas) throws -> Verdict {
        try Investigation(db: db, folder: folder, expected: expected, backups: []).verdict()
    }
}

@Suite("The verdict names the state of a database")
struct SchemaVerdictTests {
    // MARK: Databases that match no version

    @Test("an extra index matches no version; the nearest is the right one; the diff shows + index",
          arguments: [1, 5, 8])
    func extraIndex(version: Int) throws {
        let folder = try VerdictFixture.folder()
        let expected = try VerdictFixture.expected(folder)
        let db = try VerdictFixture.database(atVersion: version, folder: folder)
        try db.execute("CREATE INDEX idx_extra_location ON Projects(location)")
        let live = try SchemaSnapshot.read(db)

        let verdict = try VerdictFixture.judge(db, folder: folder, expected: expected)
        // An index holds no data: hand-made drift, repaired by dropping it.
        #expect(verdict.state == .drift, "\(verdict.message)")
        #expect(verdict.matchesVersion == nil, "\(verdict.message)")
        #expect(verdict.partial == nil, "\(verdict.message)")
        #expect(verdict.nearestVersion == version, "\(verdict.message)")
        #expect(verdict.nearestDifferences == 1, "\(verdict.message)")
        #expect(verdict.safeOption?.action == .repair, "\(verdict.wayOut)")
        #expect(verdict.repair?.statements == ["DROP INDEX IF EXISTS main.\"idx_extra_location\";"], "\(verdict.repair?.statements ?? [])")

        let diff = SchemaDiff(live: live, expected: expected.versions[version])
        #expect(diff.changes == [SchemaDiff.Change(sign: .added, kind: .index, name: "idx_extra_location", details: [])])
    }

    @Test("a changed column type shows as ~ table with the type, expected → live")
    func changedColumnType() throws {
        let folder = try VerdictFixture.folder()
        let expected = try VerdictFixture.expected(folder)
        let db = try VerdictFixture.database(atVersion: 4, folder: folder)
        // Roundtable_History (003) rebuilt with meeting_date TEXT instead of DATE, indexes recreated.
        try db.execute("""
            DROP TABLE Roundtable_History;
            CREATE TABLE Roundtable_History (
                history_id INTEGER PRIMARY KEY AUTOINCREMENT,
                entity_type TEXT NOT NULL,
                entity_id INTEGER NOT NULL,
                meeting_date TEXT NOT NULL,
                discussion TEXT,
                action_items TEXT,
                created_by INTEGER,
                created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                FOREIGN KEY (created_by) REFERENCES Users(user_id)
            );
            CREATE INDEX idx_roundtable_entity ON Roundtable_History(entity_type, entity_id);
            CREATE INDEX idx_roundtable_date ON Roundtable_History(meeting_date);
            """)
        let live = try SchemaSnapshot.read(db)

        let diff = SchemaDiff(live: live, expected: expected.versions[4])
        try #require(diff.changes.count == 1, "\(diff.changes)")
        let change = diff.changes[0]
        #expect(change.sign == .changed)
        #expect(change.kind == .table)
        #expect(change.name == "Roundtable_History")
        #expect(change.details == ["~ column meeting_date: type DATE → TEXT"], "\(change.details)")

        let verdict = try VerdictFixture.judge(db, folder: folder, expected: expected)
        // A column type holds data: no way out may change it on a guess.
        #expect(verdict.state == .unknown, "\(verdict.message)")
        #expect(verdict.matchesVersion == nil, "\(verdict.message)")
        #expect(verdict.partial == nil, "\(verdict.message)")
        #expect(verdict.nearestVersion == 4, "\(verdict.message)")
        #expect(verdict.nearestDifferences == 1, "\(verdict.message)")
        #expect(verdict.safeOption == nil, "\(verdict.wayOut)")
        #expect(verdict.noSafeOption?.contains("Roundtable_History") == true, "\(verdict.noSafeOption ?? "")")
    }

    @Test("a missing trigger shows as - trigger and matches no version")
    func missingTrigger() throws {
        let folder = try VerdictFixture.folder()
        let expected = try VerdictFixture.expected(folder)
        let db = try VerdictFixture.database(atVersion: 8, folder: folder)
        try db.execute("DROP TRIGGER trg_projects_modified")
        let live = try SchemaSnapshot.read(db)

        let diff = SchemaDiff(live: live, expected: expected.versions[8])
        #expect(diff.changes == [SchemaDiff.Change(sign: .removed, kind: .trigger, name: "trg_projects_modified", details: [])])
        let verdict = try VerdictFixture.judge(db, folder: folder, expected: expected)
        #expect(verdict.state == .drift, "\(verdict.message)")
        #expect(verdict.matchesVersion == nil, "\(verdict.message)")
        #expect(verdict.partial == nil, "\(verdict.message)")
        #expect(verdict.nearestVersion == 8, "\(verdict.message)")
        #expect(verdict.safeOption?.action == .repair, "\(verdict.wayOut)")
        #expect(verdict.repair?.statements.count == 1, "\(verdict.repair?.statements ?? [])")
        #expect(verdict.repair?.statements.first?.hasPrefix("CREATE TRIGGER trg_projects_modified") == true, "\(verdict.repair?.statements ?? [])")
    }

    @Test("005 run by hand on a version-3 database leaves a gap in Schema_Version: named, and no way out is guessed")
    func outOfOrderApplication() throws {
        let folder = try VerdictFixture.folder()
        let expected = try VerdictFixture.expected(folder)
        let db = try VerdictFixture.database(atVersion: 3, folder: folder)
        try db.execute(try #require(folder.migrations[5]).sql)
        #expect(throws: MigshError.self) { try SchemaVersionTable.currentVersion(db) }
        let record = try SchemaVersionTable.read(db)
        #expect(record.problems == [.gap(missing: [4...4], highest: 5)])

        let verdict = try VerdictFixture.judge(db, folder: folder, expected: expected)
        #expect(verdict.state == .versionRowsInvalid, "\(verdict.message)")
        #expect(verdict.recordedVersion == 5)
        #expect(verdict.message.contains("Schema_Version records version 5 but has no row for version 4"), "\(verdict.message)")
        #expect(verdict.safeOption == nil, "\(verdict.wayOut)")
        #expect(verdict.noSafeOption != nil)

        // Against version 5, 004's table is missing and 004's vendor columns too.
        let diff = SchemaDiff(live: try SchemaSnapshot.read(db), expected: expected.versions[5])
        #expect(diff.changes.contains { $0.sign == .removed && $0.kind == .table && $0.name == "Supplier_Certifications" },
                "\(diff.changes)")
        let vendors = diff.changes.first { $0.kind == .table && $0.name == "Technology_Vendors" }
        #expect(vendors?.sign == .changed)
        #expect(vendors?.details.contains { $0.hasPrefix("- column supplier_tier") } == true, "\(vendors?.details ?? [])")
    }

    // MARK: Meaning, not text

    @Test("a table and its indexes spelled differently (white space, quoting, keyword case, comments) compare equal")
    func tableComparesByMeaning() throws {
        let folder = try VerdictFixture.folder()
        let expected = try VerdictFixture.expected(folder)
        let db = try VerdictFixture.database(atVersion: 2, folder: folder)
        // 003 with Roundtable_History and its indexes respelled.
        // 003 without the statements that name Roundtable_History (the table and its two
        // indexes, written below), cut at each `;` that SQLite says completes a statement.
        for statement in try completeStatements(try #require(folder.migrations[3]).sql) {
            if statement.lowercased().contains("roundtable_history") && !statement.contains("Schema_Version") { continue }
            try db.execute(statement)
        }
        try db.execute("""
            create table if not exists "Roundtable_History"(history_id integer primary key autoincrement,entity_type text not null,
              [entity_id]    INTEGER   NOT NULL, -- a comment
              `meeting_date` date not null,/* another */discussion Text,
                    action_items TEXT,created_by integer,
              created_date timestamp default (current_timestamp), foreign key ( created_by ) references "Users" ( user_id ));
            CREATE   INDEX "idx_roundtable_entity" on roundtable_history ( Entity_Type , "entity_id" );
            create index if not exists idx_roundtable_date
                ON [Roundtable_History](meeting_date);
            """)
        let live = try SchemaSnapshot.read(db)

        let diff = SchemaDiff(live: live, expected: expected.versions[3])
        #expect(diff.isEmpty, "\(diff.changes)")
        let verdict = try VerdictFixture.judge(db, folder: folder, expected: expected)
        #expect(verdict.state == .consistent, "\(verdict.message)")
        #expect(verdict.matchesVersion == 3, "\(verdict.message)")
        #expect(verdict.partial == nil)
    }

    @Test("a view and a trigger respelled compare equal")
    func viewAndTriggerCompareByMeaning() throws {
        let folder = try VerdictFixture.folder()
        let expected = try VerdictFixture.expected(folder)
        let db = try VerdictFixture.database(atVersion: 8, folder: folder)
        try db.execute("""
            DROP VIEW v_active_projects;
            create view "v_active_projects" as select project_id, project_name,location,
                   project_status, "commercial_operation_date",
                   cast ( strftime('%Y', commercial_operation_date) as integer ) as commercial_operation_year,
                   capacity_mw
            from [Projects]   -- the rebuilt table
            where project_status in ('Planning','Licensing','Construction','Operating');
            DROP TRIGGER trg_projects_modified;
            create trigger trg_projects_modified after update of project_name, location, project_status,
              commercial_operation_date, capacity_mw, notes on "Projects" for each row when new.modified_date is old.modified_date
            begin update projects set modified_date = current_timestamp where project_id = new.project_id; end;
            """)
        let live = try SchemaSnapshot.read(db)

        let diff = SchemaDiff(live: live, expected: expected.versions[8])
        #expect(diff.isEmpty, "\(diff.changes)")
        #expect(try VerdictFixture.judge(db, folder: folder, expected: expected).matchesVersion == 8)
    }

    @Test("a string literal's case is meaning: a view filtering on 'planning' differs")
    func literalsKeepTheirCase() throws {
        let folder = try VerdictFixture.folder()
        let expected = try VerdictFixture.expected(folder)
        let db = try VerdictFixture.database(atVersion: 8, folder: folder)
        try db.execute("""
            DROP VIEW v_active_projects;
            CREATE VIEW v_active_projects AS
            SELECT project_id, project_name, location, project_status, commercial_operation_date,
                   CAST(strftime('%Y', commercial_operation_date) AS INTEGER) AS commercial_operation_year, capacity_mw
            FROM Projects
            WHERE project_status IN ('planning', 'Licensing', 'Construction', 'Operating');
            """)
        let diff = SchemaDiff(live: try SchemaSnapshot.read(db), expected: expected.versions[8])
        #expect(diff.changes.map { "\($0.sign.rawValue) \($0.kind) \($0.name)" } == ["~ view v_active_projects"])
    }

    /// Roundtable_History (003) spelled with its table name or two column names in other letter case.
    static let identifierCaseVariants: [String: String] = [
        "table name": """
            CREATE TABLE ROUNDTABLE_HISTORY (
                history_id INTEGER PRIMARY KEY AUTOINCREMENT, entity_type TEXT NOT NULL, entity_id INTEGER NOT NULL,
                meeting_date DATE NOT NULL, discussion TEXT, action_items TEXT, created_by INTEGER,
                created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP, FOREIGN KEY (created_by) REFERENCES Users(user_id));
            """,
        "column names": """
            CREATE TABLE Roundtable_History (
                HISTORY_ID INTEGER PRIMARY KEY AUTOINCREMENT, entity_type TEXT NOT NULL, entity_id INTEGER NOT NULL,
                Meeting_Date DATE NOT NULL, discussion TEXT, action_items TEXT, created_by INTEGER,
                created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP, FOREIGN KEY (created_by) REFERENCES Users(user_id));
            """,
    ]

    @Test("identifier case is not meaning: a table or its columns named in other letter case compare equal",
          arguments: ["table name", "column names"])
    func identifierCaseComparesEqual(variant: String) throws {
        let folder = try VerdictFixture.folder()
        let expected = try VerdictFixture.expected(folder)
        let db = try VerdictFixture.database(atVersion: 2, folder: folder)
        for statement in try completeStatements(try #require(folder.migrations[3]).sql)
            where !(statement.lowercased().contains("roundtable_history") && !statement.contains("Schema_Version")) {
            try db.execute(statement)
        }
        // SQL names are case-insensitive: ROUNDTABLE_HISTORY is the table Roundtable_History.
        try db.execute(try #require(Self.identifierCaseVariants[variant]))
        try db.execute("""
            CREATE INDEX IF NOT EXISTS idx_roundtable_entity ON Roundtable_History(entity_type, entity_id);
            CREATE INDEX IF NOT EXISTS idx_roundtable_date ON Roundtable_History(meeting_date);
            """)
        let live = try SchemaSnapshot.read(db)
        let diff = SchemaDiff(live: live, expected: expected.versions[3])
        #expect(diff.isEmpty, "\(diff.changes)")
        // Whatever the verdict on identifier case, a `~` change must say what differs.
        #expect(diff.changes.allSatisfy { $0.sign != .changed || !$0.details.isEmpty },
                "a ~ change without details: \(diff.changes)")
        #expect(try VerdictFixture.judge(db, folder: folder, expected: expected).matchesVersion == 3)
    }
}

/// The statements of `text`, cut where `sqlite3_complete` says a statement ends (SQLite's
/// own rule, independent of migsh's splitter), without BEGIN and COMMIT.
private func completeStatements(_ text: String) throws -> [String] {
    var out: [String] = []
    var current = ""
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        current += line + "\n"
        if sqlite3_complete(current) != 0 {
            // The statement's code, without whole-line comments.
            let code = current.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
                .joined(separator: "\n")
            let first = code.split(whereSeparator: { $0.isWhitespace || $0 == ";" }).first?.uppercased() ?? ""
            if !first.isEmpty, first != "BEGIN", first != "COMMIT" { out.append(current) }
            current = ""
        }
    }
    return out
}
