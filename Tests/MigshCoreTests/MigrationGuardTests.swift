import CMigshSQLite
import Foundation
import Testing
@testable import MigshCore

/// Issue 21, case 5: what a migration must never do to the file, refused by validation and
/// denied again by every connection that runs migration SQL; the step limit.
@Suite("Migration SQL cannot corrupt the file, crash or hang migsh")
struct MigrationGuardTests {
    func script(_ body: String) -> MigrationScript {
        MigrationScript(Migration(version: 2, name: "x", fileName: "002_x.sql", path: "/tmp/x",
                                  sql: migrationText(2, body: body), sha256: ""))
    }

    /// The body starts on line 4 of `migrationText`.
    static let refused: [(sql: String, says: String)] = [
        ("PRAGMA writable_schema = ON;", "writable_schema"),
        ("PRAGMA main.writable_schema=1;", "writable_schema"),
        ("pragma \"writable_schema\"('on');", "writable_schema"),
        ("PRAGMA writable_schema;", "writable_schema"),
        ("PRAGMA schema_version = 42;", "schema cookie"),
        ("PRAGMA trusted_schema = ON;", "trusted_schema"),
        ("PRAGMA synchronous = OFF;", "power cut"),
        ("PRAGMA temp_store_directory = '/tmp';", "where SQLite writes files"),
        ("UPDATE sqlite_master SET sql = 'x' WHERE name = 't';", "writes sqlite_master"),
        ("DELETE FROM main.sqlite_schema WHERE name = 't';", "writes sqlite_schema"),
        ("INSERT INTO sqlite_dbpage VALUES (1, zeroblob(4096));", "raw pages"),
        ("SELECT fts3_tokenizer('simple', x'4141414141414141');", "fts3_tokenizer()"),
        ("CREATE VIEW v AS SELECT \"FTS3_TOKENIZER\"('simple');", "fts3_tokenizer()"),
        ("SELECT load_extension('/tmp/evil.so');", "load_extension()"),
        ("CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT writefile('/tmp/x', new.x); END;", "writefile()"),
        ("PRAGMA main.foreign_keys = ON;", "foreign_keys"),
        ("PRAGMA journal_mode = OFF;", "journal_mode"),
    ]

    @Test("validation refuses each hazard as an error on its line", arguments: refused.indices)
    func refusesHazard(_ index: Int) {
        let (sql, says) = Self.refused[index]
        let s = script("CREATE TABLE t(x);\n" + sql)
        let error = s.errors.first { $0.message.contains(says) }
        #expect(error?.line == 5, "\(sql): \(s.findings)")
    }

    @Test("validation lets through what cannot damage the file: reads, sqlite_sequence, trusted_schema OFF, cell_size_check, ignore_check_constraints",
          arguments: [
              "SELECT name FROM sqlite_master WHERE type = 'table';",
              "INSERT INTO sqlite_sequence (name, seq) SELECT 'u', seq FROM sqlite_sequence WHERE name = 't';",
              "UPDATE sqlite_sequence SET seq = 5 WHERE name = 't';",
              "PRAGMA schema_version;",
              "PRAGMA trusted_schema = OFF;",
              "PRAGMA synchronous = FULL;",
              "PRAGMA cell_size_check = OFF;",
              "PRAGMA ignore_check_constraints = ON;",
              "INSERT INTO t (x) VALUES ('edit(fts3_tokenizer) pragma writable_schema');",
              "CREATE TABLE edits (edit TEXT, readfile INTEGER);",
          ])
    func allowsHarmless(_ sql: String) {
        let s = script("CREATE TABLE t(x);\n" + sql)
        #expect(s.errors.isEmpty, "\(sql): \(s.errors)")
    }

    @Test("the shipped migrations and the FieldLab fixture replay with no error, under 1% of the default step limit",
          arguments: ["migrations", "Tests/Fixtures/fieldlab/migrations"])
    func projectMigrationsWithinTheLimit(_ relative: String) throws {
        let folder = try MigrationFolder.load(repositoryMigrations + "/../" + relative)
        #expect(folder.errors.isEmpty)
        for m in folder.sorted { #expect(MigrationScript(m).errors.isEmpty, "\(m.fileName): \(MigrationScript(m).errors)") }
        let replay = try ExpectedSchemas.replay(folder, stepLimit: StepLimit(steps: StepLimit.defaultSteps / 100, explicit: true))
        #expect(replay.replayError == nil)
        #expect(replay.stepLimitStop == nil)
        #expect(replay.highestVersion == folder.highestVersion)
    }

    @Test("a sandbox denies the hazards even when nothing validated the SQL, and does not crash on fts3_tokenizer",
          arguments: [
              "PRAGMA writable_schema = ON",
              "SELECT fts3_tokenizer('simple', x'4141414141414141'); CREATE VIRTUAL TABLE n USING fts3(body, tokenize=simple)",
              "SELECT load_extension('/nonexistent/evil.so')",
              "PRAGMA schema_version = 99",
              "PRAGMA journal_mode = OFF",
              "ATTACH 'DIR/attached.sqlite' AS other",
              "VACUUM INTO 'DIR/vacuum-into.sqlite'",
          ])
    func sandboxDenies(_ template: String) throws {
        try withTemporaryDirectory { dir in
            let sql = template.replacingOccurrences(of: "DIR", with: dir)
            let db = try ExpectedSchemas.sandbox()
            try db.execute("CREATE TABLE t(x)")
            #expect(throws: MigshError.self, "\(sql)") { try db.execute(sql) }
            #expect(fileNames(dir).isEmpty, "\(sql) wrote \(fileNames(dir))")
            #expect(try db.integrityCheck() == ["ok"])
        }
    }

    func fileNames(_ dir: String) -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] }

    @Test("in a sandbox, DEFENSIVE stops a sqlite_master write that the authorizer alone would let through")
    func defensiveOnSandbox() throws {
        let db = try ExpectedSchemas.sandbox()
        #expect(db.isOn(.defensive))
        #expect(!db.isOn(.fts3Tokenizer))
        #expect(!db.isOn(.loadExtension))
        try db.execute("CREATE TABLE t(x)")
        // The config option, not the pragma: the authorizer does not see it.
        db.set(.writableSchema, on: true)
        #expect(throws: MigshError.self) { try db.execute("UPDATE sqlite_master SET sql = 'CREATE TABLE t(' WHERE name = 't'") }
    }

    @Test("the step limit stops an endless WITH RECURSIVE with a step-limit error that says how to raise it")
    func stepLimitStops() throws {
        let db = try ExpectedSchemas.sandbox(stepLimit: StepLimit(steps: 200_000, explicit: true))
        try db.execute("CREATE TABLE n(x)")
        // migsh's own statements are not bound: only migration SQL, inside limitingSteps.
        try db.execute("SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT x FROM c)")
        do {
            try db.limitingSteps { try db.execute("INSERT INTO n WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c") }
            Issue.record("the endless statement ended")
        } catch let error as MigshError {
            #expect(error.code == .stepLimit)
            #expect(error.message.contains("200000 virtual-machine steps"))
            #expect(error.message.contains("MIGSH_STEP_LIMIT=N"))
        }
        #expect(db.stepLimitStops == 1)
        // The next statement starts with no steps taken.
        try db.limitingSteps { try db.execute("INSERT INTO n WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100) SELECT x FROM c") }
        #expect(try db.scalarInt("SELECT count(*) FROM n") == 100)
    }

    @Test("MIGSH_STEP_LIMIT: a number sets it, 0 removes it, anything else keeps the default; the rehearsal's grows with the database")
    func stepLimitFromEnvironment() {
        #expect(StepLimit.fromEnvironment(nil) == StepLimit(steps: StepLimit.defaultSteps, explicit: false))
        #expect(StepLimit.fromEnvironment("5000") == StepLimit(steps: 5000, explicit: true))
        #expect(StepLimit.fromEnvironment("0") == nil)
        #expect(StepLimit.fromEnvironment("lots") == StepLimit(steps: StepLimit.defaultSteps, explicit: false))
        #expect(StepLimit.fromEnvironment(nil)?.forDatabase(pages: 100_000).steps == 2_000_000_000)
        #expect(StepLimit.fromEnvironment(nil)?.forDatabase(pages: 10).steps == StepLimit.defaultSteps)
        #expect(StepLimit.fromEnvironment("5000")?.forDatabase(pages: 100_000).steps == 5000)
    }

    @Test("the session's connection is closed only while migration SQL runs, then behaves as sqlite3's again")
    func sessionConnectionRestored() throws {
        let db = try Connection(path: ":memory:", mode: .readWriteCreate)
        try db.execute("CREATE TABLE t(x)")
        let tokenizer = db.isOn(.fts3Tokenizer)
        let defensive = db.isOn(.defensive)
        db.setAuthorizer { _ in true }
        try db.hardenedForMigrationSQL(stepLimit: StepLimit(steps: 100_000, explicit: true)) {
            #expect(db.isOn(.defensive))
            #expect(!db.isOn(.fts3Tokenizer))
            #expect(throws: MigshError.self) { try db.execute("PRAGMA writable_schema = ON") }
            #expect(throws: MigshError.self) { try db.execute("SELECT fts3_tokenizer('simple')") }
            #expect(throws: MigshError.self) { try db.limitingSteps { try db.execute("SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c)") } }
        }
        #expect(db.isOn(.fts3Tokenizer) == tokenizer)
        #expect(db.isOn(.defensive) == defensive)
        #expect(db.stepLimit == nil)
        try db.execute("PRAGMA writable_schema = ON")
        try db.execute("PRAGMA writable_schema = OFF")
        try db.limitingSteps { try db.execute("SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT x FROM c)") }
    }
}
