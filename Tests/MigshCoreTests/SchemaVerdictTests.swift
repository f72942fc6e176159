import Foundation
import Testing
@testable import MigshCore

/// Databases built in memory from the repository's migration files, statement by statement,
/// the way a migration interrupted half-way (or run by hand) leaves them.
private enum VerdictFixture {
    static func folder() throws -> MigrationFolder {
        try MigrationFolder.load(repositoryMigrations)
    }

    static func expected(_ folder: MigrationFolder) throws -> ExpectedSchemas {
        let expected = try ExpectedSchemas.build(folder)
        try #require(expected.replayError == nil, "the repository's migrations do not replay: \(expected.replayError ?? "")")
        return expected
    }

    /// The statements of `version`'s body (BEGIN/COMMIT excluded), in file order.
    static func body(_ version: Int, in folder: MigrationFolder) throws -> [SQLStatementText] {
        let migration = try #require(folder.migrations[version], "no migration \(version) in \(folder.path)")
        return MigrationScript(migration).body
    }

    static func isVersionInsert(_ statement: SQLStatementText) -> Bool {
        MigrationScript.schemaVersionInsert(statement.sql) != nil
    }

    /// An in-memory database at `version`: foreign keys off, then the bodies of 1…version.
    static func database(atVersion version: Int, folder: MigrationFolder) throws -> Connection {
        let db = try Connection(path: ":memory:", mode: .readWriteCreate)
        try db.execute("PRAGMA foreign_keys=OFF")
        if version >= 1 {
            for v in 1...version {
                for statement in try body(v, in: folder) { try db.execute(statement.sql) }
            }
        }
        return db
    }

    static func judge(_ db: Connection, expected: ExpectedSchemas) throws -> SchemaVerdict {
        SchemaVerdict.judge(live: try SchemaSnapshot.read(db), recordedVersion: try SchemaVersionTable.currentVersion(db),
                            expected: expected)
    }
}

@Suite("The schema verdict names the state of a database")
struct SchemaVerdictTests {
    static let shippedVersions = Array(1...8)

    // MARK: The generator

    /// For migration `v`: the database after each prefix of its statements (k = 0…n), without
    /// the version row (Schema_Version at v-1) and with it (Schema_Version at v). The verdict
    /// must name each state exactly.
    @Test("every prefix of every migration, with and without its version row, is named exactly",
          arguments: SchemaVerdictTests.shippedVersions)
    func everyPrefixIsNamed(version v: Int) throws {
        let folder = try VerdictFixture.folder()
        let expected = try VerdictFixture.expected(folder)
        let migration = try #require(folder.migrations[v])
        let body = try VerdictFixture.body(v, in: folder)
        let replay = try #require(expected.replays[v], "no replay of \(migration.fileName)")
        let steps = replay.steps
        let n = body.count
        try #require(steps.count == n, "\(migration.fileName): \(steps.count) replayed steps, \(n) body statements")
        try #require(steps.contains { $0.changesSchema }, "\(migration.fileName) changes no schema")
        let inserts = body.filter(VerdictFixture.isVersionInsert)
        try #require(inserts.count == 1, "\(migration.fileName) has \(inserts.count) Schema_Version inserts")
        let insert = inserts[0]
        try #require(!steps[body.firstIndex(of: insert)!].changesSchema)

        /// The statements right after `c` that change no schema.
        func dataStatements(after c: Int) -> [Int] {
            var out: [Int] = []
            for step in steps where step.statement > c {
                if step.changesSchema { break }
                out.append(step.statement)
            }
            return out
        }

        var partialsSeen = 0
        for withRow in [false, true] {
            for k in 0...n {
                // Before 001's first statement there is no Schema_Version to put a row in.
                if withRow && v == 1 && k == 0 { continue }
                let state = "\(migration.fileName) after \(k) of \(n) statements, \(withRow ? "with" : "without") its version row"

                let db = try VerdictFixture.database(atVersion: v - 1, folder: folder)
                for statement in body.prefix(k) where !VerdictFixture.isVersionInsert(statement) {
                    try db.execute(statement.sql)
                }
                if withRow { try db.execute(insert.sql) }
                let recorded = try SchemaVersionTable.currentVersion(db)
                #expect(recorded == (withRow ? v : v - 1), "\(state)")
                let verdict = try VerdictFixture.judge(db, expected: expected)

                // The last schema-changing statement within the prefix, and whether any follows it.
                let c = steps.prefix(k).last(where: \.changesSchema)?.statement ?? 0
                let moreSchemaChanges = steps.contains { $0.statement > c && $0.changesSchema }

                #expect(verdict.recordedVersion == recorded, "\(state)")
                #expect(verdict.nearestVersion == nil, "\(state): \(verdict.message)")
                if c == 0 {
                    // Nothing of v's schema: the database is at v-1.
                    #expect(verdict.matchesVersion == v - 1, "\(state): \(verdict.message)")
                    if withRow {
                        // The row for v is there without any of v's changes: v is applied through statement 0.
                        let p = try #require(verdict.partial, "\(state): \(verdict.message)")
                        #expect(p == SchemaVerdict.Partial(version: v, file: migration.fileName, statementsApplied: 0,
                                                           statementsTotal: n, line: steps[0].line,
                                                           undeterminable: dataStatements(after: 0)), "\(state)")
                        #expect(verdict.wayOut?.contains(".apply --resume") == true, "\(state): \(verdict.wayOut ?? "no way out")")
                    } else {
                        #expect(verdict.partial == nil, "\(state): \(verdict.message)")
                        #expect(verdict.wayOut == nil, "\(state): \(verdict.wayOut ?? "")")
                    }
                } else if !moreSchemaChanges {
                    // All of v's schema changes are in; what is left changes no schema.
                    #expect(verdict.matchesVersion == v, "\(state): \(verdict.message)")
                    #expect(verdict.partial == nil, "\(state): \(verdict.message)")
                    if withRow {
                        #expect(verdict.wayOut == nil, "\(state): \(verdict.wayOut ?? "")")
                    } else {
                        #expect(verdict.wayOut?.contains(".baseline \(v)") == true, "\(state): \(verdict.wayOut ?? "no way out")")
                    }
                } else {
                    partialsSeen += 1
                    #expect(verdict.matchesVersion == nil, "\(state): \(verdict.message)")
                    let p = try #require(verdict.partial, "\(state): no partial: \(verdict.message)")
                    let want = SchemaVerdict.Partial(version: v, file: migration.fileName, statementsApplied: c,
                                                     statementsTotal: n, line: steps[c - 1].line,
                                                     undeterminable: dataStatements(after: c))
                    #expect(p == want, "\(state): \(verdict.message)")
                    #expect(p.line == body[c - 1].line, "\(state)")
                    #expect(verdict.message.contains("matches \(migration.fileName) through statement \(c) of \(n) (line \(body[c - 1].line))"),
                            "\(state): \(verdict.message)")
                    #expect(verdict.message.contains("Schema_Version says \(recorded)"), "\(state): \(verdict.message)")
                    // Resuming is offered only when no statement's fate is unknown; otherwise
                    // it could run a data statement twice.
                    let way = verdict.wayOut ?? "no way out"
                    if p.undeterminable.isEmpty {
                        #expect(way.contains(".apply --resume"), "\(state): \(way)")
                    } else {
                        #expect(way.contains(".restore --version \(v - 1)") && !way.hasPrefix(".apply --resume"), "\(state): \(way)")
                    }
                }
            }
        }
        // Every migration has a schema-changing statement after its first, so some prefix is partial.
        #expect(partialsSeen > 0, "\(migration.fileName): no prefix was judged partial")
    }

    @Test("006 after its data-copy statements: applied through statement 1, the copies undeterminable")
    func undeterminableDataStatements() throws {
        let folder = try VerdictFixture.folder()
        let expected = try VerdictFixture.expected(folder)
        let body = try VerdictFixture.body(6, in: folder)
        let steps = try #require(expected.replays[6]).steps
        // 006: CREATE TABLE Products_new; INSERT … SELECT; INSERT INTO sqlite_sequence; UPDATE sqlite_sequence; DROP VIEW …
        try #require(steps.count > 5)
        #expect(steps.prefix(5).map(\.changesSchema) == [true, false, false, false, true])

        for k in 1...4 {
            let db = try VerdictFixture.database(atVersion: 5, folder: folder)
            for statement in body.prefix(k) { try db.execute(statement.sql) }
            let verdict = try VerdictFixture.judge(db, expected: expected)
            let p = try #require(verdict.partial, "k = \(k): \(verdict.message)")
            #expect(p.version == 6)
            #expect(p.statementsApplied == 1, "k = \(k)")
            #expect(p.undeterminable == [2, 3, 4], "k = \(k)")
            #expect(p.line == body[0].line)
            #expect(verdict.message.contains("statements 2, 3, 4 change no schema"), "\(verdict.message)")
        }
    }

    // MARK: Databases that match no version

    @Test("an extra index matches no version; the nearest is the right one; the diff shows + index",
          arguments: [1, 5, 8])
    func extraIndex(version: Int) throws {
        let folder = try VerdictFixture.folder()
        let expected = try VerdictFixture.expected(folder)
        let db = try VerdictFixture.database(atVersion: version, folder: folder)
        try db.execute("CREATE INDEX idx_extra_location ON Projects(location)")
        let live = try SchemaSnapshot.read(db)

        let verdict = SchemaVerdict.judge(live: live, recordedVersion: version, expected: expected)
        #expect(verdict.matchesVersion == nil, "\(verdict.message)")
        #expect(verdict.partial == nil, "\(verdict.message)")
        #expect(verdict.nearestVersion == version, "\(verdict.message)")
        #expect(verdict.nearestDifferences == 1, "\(verdict.message)")
        #expect(verdict.message.contains("matches no version"), "\(verdict.message)")

        let diff = SchemaDiff(live: live, expected: expected.versions[version])
        #expect(diff.changes == [SchemaDiff.Change(sign: .added, kind: "index", name: "idx_extra_location", details: [])])
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
        #expect(change.kind == "table")
        #expect(change.name == "Roundtable_History")
        #expect(change.details == ["~ column meeting_date: type DATE → TEXT"], "\(change.details)")

        let verdict = SchemaVerdict.judge(live: live, recordedVersion: 4, expected: expected)
        #expect(verdict.matchesVersion == nil, "\(verdict.message)")
        #expect(verdict.partial == nil, "\(verdict.message)")
        #expect(verdict.nearestVersion == 4, "\(verdict.message)")
        #expect(verdict.nearestDifferences == 1, "\(verdict.message)")
    }

    @Test("a missing trigger shows as - trigger and matches no version")
    func missingTrigger() throws {
        let folder = try VerdictFixture.folder()
        let expected = try VerdictFixture.expected(folder)
        let db = try VerdictFixture.database(atVersion: 8, folder: folder)
        try db.execute("DROP TRIGGER trg_projects_modified")
        let live = try SchemaSnapshot.read(db)

        let diff = SchemaDiff(live: live, expected: expected.versions[8])
        #expect(diff.changes == [SchemaDiff.Change(sign: .removed, kind: "trigger", name: "trg_projects_modified", details: [])])
        let verdict = SchemaVerdict.judge(live: live, recordedVersion: 8, expected: expected)
        #expect(verdict.matchesVersion == nil, "\(verdict.message)")
        #expect(verdict.partial == nil, "\(verdict.message)")
        #expect(verdict.nearestVersion == 8, "\(verdict.message)")
        #expect(verdict.message.contains("matches no version"), "\(verdict.message)")
    }

    @Test("005 applied on a version-3 database without 004 matches no version")
    func outOfOrderApplication() throws {
        let folder = try VerdictFixture.folder()
        let expected = try VerdictFixture.expected(folder)
        let db = try VerdictFixture.database(atVersion: 3, folder: folder)
        for statement in try VerdictFixture.body(5, in: folder) { try db.execute(statement.sql) }
        #expect(try SchemaVersionTable.currentVersion(db) == 5)
        let live = try SchemaSnapshot.read(db)

        let verdict = SchemaVerdict.judge(live: live, recordedVersion: 5, expected: expected)
        #expect(verdict.recordedVersion == 5)
        #expect(verdict.matchesVersion == nil, "\(verdict.message)")
        #expect(verdict.partial == nil, "\(verdict.message)")
        #expect(verdict.nearestVersion == 3 || verdict.nearestVersion == 5, "\(verdict.message)")
        #expect(verdict.message.contains("matches no version"), "\(verdict.message)")

        // Against version 5, 004's table is missing and 004's vendor columns too.
        let diff = SchemaDiff(live: live, expected: expected.versions[5])
        #expect(diff.changes.contains { $0.sign == .removed && $0.kind == "table" && $0.name == "Supplier_Certifications" },
                "\(diff.changes)")
        let vendors = diff.changes.first { $0.kind == "table" && $0.name == "Technology_Vendors" }
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
        for statement in try VerdictFixture.body(3, in: folder) {
            let words = SQLNormalizer.tokens(statement.sql)
            if words.contains("roundtable_history") {
                continue  // the table and its two indexes, written below
            }
            try db.execute(statement.sql)
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
        let verdict = SchemaVerdict.judge(live: live, recordedVersion: 3, expected: expected)
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
        #expect(SchemaVerdict.judge(live: live, recordedVersion: 8, expected: expected).matchesVersion == 8)
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
        for statement in try VerdictFixture.body(3, in: folder) where !SQLNormalizer.tokens(statement.sql).contains("roundtable_history") {
            try db.execute(statement.sql)
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
        #expect(SchemaVerdict.judge(live: live, recordedVersion: 3, expected: expected).matchesVersion == 3)
    }
}
