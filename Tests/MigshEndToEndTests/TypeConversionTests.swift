import Foundation
import MigshTestSupport
import Testing

/// A migration written from a session must keep every value: `.rebuild T --type c=INTEGER`
/// copies the rows with INSERT … SELECT, and SQLite's type affinity turns text '007' into the
/// integer 7. `.rebuild` warns when it is written (stderr), and `.test` fails naming the
/// altered rows (stdout; the failure on stderr, exit 1) unless the file marks the conversion
/// (`-- migsh: allow-convert T.c`); an UPDATE that writes the column stays information. The
/// altered rows are told by python's sqlite3 (`Tests/Oracle/altered_values.py`) comparing the
/// table before and after sqlite3 ran the written file.
@Suite("A copy into a column of another type that alters values fails the rehearsal")
struct TypeConversionTests {
    static let table = """
        -- Description: codes
        -- Version: 9
        BEGIN TRANSACTION;
        CREATE TABLE Codes (id INTEGER PRIMARY KEY, c);
        INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (9, datetime('now'), 'system', 'codes');
        COMMIT;

        """

    /// A demo database at 9 whose Codes hold '007', ' 12', '1e3', 1.0, 'abc', NULL and a blob.
    static func setUp(_ dir: String) throws -> (db: String, folder: String) {
        let db = dir + "/db.sqlite"
        try makeDemoDatabase(db, version: 8)
        let folder = try DevelopTests.folder(upTo: 8, in: dir)
        try table.write(toFile: folder + "/009_codes.sql", atomically: true, encoding: .utf8)
        try regenerateChecksums(in: folder)
        let apply = try migsh(["-m", folder, db, ".apply --yes"])
        try #require(apply.status == 0, "\(apply)")
        _ = sqlite(db, "insert into Codes (id, c) values (1, '007'), (2, ' 12'), (3, '1e3'), (4, 1.0), (5, 'abc'), (6, NULL), (7, x'00ff');")
        #expect(sqlite(db, "select group_concat(typeof(c), ',') from Codes") == "text,text,text,real,text,null,blob")
        return (db, folder)
    }

    struct Altered: Decodable { var count: Int; var rowids: [Int] }

    /// What `file` alters in Codes.c, by the oracle: sqlite3 runs it on a copy of `db`.
    static func oracle(_ db: String, file: String, in dir: String) throws -> Altered {
        let copy = dir + "/oracle-\(UUID().uuidString).sqlite"
        try FileManager.default.copyItem(atPath: db, toPath: copy)
        let run = try runProcess(sqlite3Binary, ["-batch", "-bail", copy], stdin: try Data(contentsOf: URL(fileURLWithPath: file)))
        try #require(run.status == 0, "\(run)")
        let result = try runProcess("/usr/bin/env", ["python3", repositoryRoot + "/Tests/Oracle/altered_values.py", db, copy, "Codes", "c"])
        try #require(result.status == 0 && result.stderr.isEmpty, "\(result)")
        return try JSONDecoder().decode(Altered.self, from: Data(result.stdout.utf8))
    }

    @Test(".rebuild --type c=INTEGER warns when written; .test fails naming the altered rows; the allow-convert mark lets it pass")
    func sessionRebuild() throws {
        try withTemporaryDirectory { dir in
            let (db, folder) = try Self.setUp(dir)
            let session = try migsh(["-m", folder, "--scratch", db, ".record on", ".rebuild Codes --type c=INTEGER --run",
                                     ".new Codes as integers --from-session"], cwd: dir)
            let file = folder + "/010_codes_as_integers.sql"
            try #require(FileManager.default.fileExists(atPath: file), "\(session)")
            let expected = try Self.oracle(db, file: file, in: dir)
            #expect(expected.count == 3 && expected.rowids == [1, 2, 3], "oracle: \(expected)")
            // Authoring: the warning on stderr, with the first altered row.
            #expect(session.stderr.contains("warning: Codes.c: \(expected.count) values would be altered by the new type INTEGER (rowid 1: '007' → 7"), "\(session)")
            #expect(!session.stdout.contains("would be altered"), "\(session)")
            // .new's own rehearsal fails the file it wrote.
            #expect(session.status != 0, "\(session)")

            let test = try migsh(["-m", folder, db, ".test"])
            #expect(test.status == 1, "\(test)")
            #expect(test.stdout.contains("Codes.c: \(expected.count) values altered by the new column's type ("), "\(test)")
            for rowid in expected.rowids.prefix(3) { #expect(test.stdout.contains("rowid \(rowid): "), "rowid \(rowid) not named:\n\(test)") }
            #expect(test.stdout.contains("rowid 1: '007' → 7"), "\(test)")
            #expect(test.stdout.contains("-- migsh: allow-convert Codes.c"), "\(test)")
            #expect(!test.stdout.contains("rowid 4:") && !test.stdout.contains("rowid 5:") && !test.stdout.contains("rowid 7:"), "kept values named:\n\(test)")
            #expect(test.stdout.contains("rehearsal FAILED"), "\(test)")
            #expect(test.stderr.contains("the rehearsal failed"), "\(test)")
            #expect(schemaVersion(db) == "9", "the live database changed")

            var text = try String(contentsOfFile: file, encoding: .utf8)
            text = text.replacingOccurrences(of: "BEGIN TRANSACTION;", with: "-- migsh: allow-convert Codes.c\nBEGIN TRANSACTION;")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let marked = try migsh(["-m", folder, db, ".test"])
            #expect(marked.status == 0, "\(marked)")
            #expect(marked.stdout.contains("010_codes_as_integers.sql: converts Codes.c: \(expected.count) values altered by the new column's type (rowid 1: '007' → 7"), "\(marked)")
            #expect(marked.stdout.contains("rehearsal passed"), "\(marked)")
        }
    }

    @Test("a rebuild to INTEGER whose rows keep every value (1.0 → 1, 'abc', NULL, a blob) passes, the column's change information")
    func numericallyEqual() throws {
        try withTemporaryDirectory { dir in
            let (db, folder) = try Self.setUp(dir)
            _ = sqlite(db, "delete from Codes where id in (1, 2, 3)")
            let session = try migsh(["-m", folder, "--scratch", db, ".record on", ".rebuild Codes --type c=INTEGER --run",
                                     ".new Codes as integers --from-session"], cwd: dir)
            #expect(session.status == 0, "\(session)")
            #expect(!session.stderr.contains("would be altered"), "\(session)")
            let file = folder + "/010_codes_as_integers.sql"
            let expected = try Self.oracle(db, file: file, in: dir)
            #expect(expected.count == 0, "oracle: \(expected)")
            let test = try migsh(["-m", folder, db, ".test"])
            #expect(test.status == 0, "\(test)")
            #expect(test.stdout.contains("values changed (information): Codes.c"), "\(test)")
            #expect(test.stdout.contains("rehearsal passed"), "\(test)")
        }
    }

    @Test("a rebuild to INTEGER followed by an UPDATE that writes the column: the change is the UPDATE's, information")
    func explicitUpdate() throws {
        try withTemporaryDirectory { dir in
            let (db, folder) = try Self.setUp(dir)
            let file = folder + "/010_codes_trimmed.sql"
            try """
                -- Description: codes trimmed
                -- Version: 10
                BEGIN TRANSACTION;
                CREATE TABLE Codes_new (id INTEGER PRIMARY KEY, c INTEGER);
                INSERT INTO Codes_new (id, c) SELECT id, c FROM Codes;
                DROP TABLE Codes;
                ALTER TABLE Codes_new RENAME TO Codes;
                UPDATE Codes SET c = c + 0 WHERE typeof(c) = 'integer';
                INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (10, datetime('now'), 'system', 'codes trimmed');
                COMMIT;

                """.write(toFile: file, atomically: true, encoding: .utf8)
            let expected = try Self.oracle(db, file: file, in: dir)
            #expect(expected.count == 3, "oracle: \(expected)")
            let test = try migsh(["-m", folder, db, ".test"])
            #expect(test.status == 0, "\(test)")
            #expect(test.stdout.contains("values changed (information): Codes.c"), "\(test)")
            #expect(!test.stdout.contains("altered"), "\(test)")
        }
    }
}
