import Foundation
import Testing

/// Issue 21, case 5: a migration that could corrupt the database, crash migsh or hang it.
/// Each test puts one such migration after the shipped 001–008, runs the binary on a demo
/// database at version 8, and checks the streams, the exit code and, through sqlite3, that the
/// database still opens and holds what it held.
@Suite("A migration that would corrupt, crash or hang")
struct MigrationHazardTests {
    /// The shipped migrations plus `009_hazard.sql` wrapping `body`; `migsh.sum` regenerated,
    /// so only the migration itself can be refused. Returns the line of each body line.
    @discardableResult
    func makeFolder(_ folder: String, body: [String]) throws -> [Int] {
        try copyRepositoryMigrations(to: folder)
        let head = [
            "-- Migration 009: hazard",
            "-- Description: a migration issue 21 warns about",
            "-- Version: 9",
            "-- Date: 2026-12-01",
            "-- Author: tests",
            "-- Rollback: restore the backup",
            "BEGIN TRANSACTION;",
        ]
        let tail = [
            "INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (9, CURRENT_TIMESTAMP, 'system', 'hazard');",
            "COMMIT;",
        ]
        try (head + body + tail).joined(separator: "\n").appending("\n")
            .write(toFile: folder + "/009_hazard.sql", atomically: true, encoding: .utf8)
        try regenerateChecksums(in: folder)
        return body.indices.map { head.count + $0 + 1 }
    }

    /// What the database holds, by sqlite3: the dump, the row counts, the version, the check.
    struct State: Equatable {
        var dump: String
        var counts: [String: Int]
        var version: String
        var integrity: String
        init(_ db: String) {
            dump = MigshEndToEndTests.dump(db)
            counts = rowCounts(db, tables: userTables(db))
            version = schemaVersion(db)
            integrity = sqlite(db, "PRAGMA integrity_check")
        }
    }

    /// The cache is off, so every run replays the files (what a first run does).
    let environment = ["MIGSH_NO_CACHE": "1"]

    @Test("PRAGMA writable_schema and a write to sqlite_master: refused by .lint, .test and .apply, with the line; the database untouched")
    func writableSchema() throws {
        try withTemporaryDirectory { dir in
            let migrations = dir + "/migrations"
            let lines = try makeFolder(migrations, body: [
                "PRAGMA writable_schema = ON;",
                "UPDATE sqlite_master SET sql = 'CREATE TABLE Projects(' WHERE name = 'Projects';",
                "PRAGMA writable_schema = OFF;",
            ])
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let before = State(db)
            #expect(before.version == "8" && before.integrity == "ok")

            let lint = try migsh(["--readonly", "-m", migrations, db, ".lint"], environment: environment)
            #expect(lint.status == 1, "\(lint)")
            #expect(lint.stdout.contains("009_hazard.sql:\(lines[0]): error: PRAGMA writable_schema"), "\(lint)")
            #expect(lint.stdout.contains("009_hazard.sql:\(lines[1]): error: writes sqlite_master"), "\(lint)")
            #expect(lint.stderr.contains(".lint found"), "\(lint)")

            let test = try migsh(["-m", migrations, db, ".test"], environment: environment)
            #expect(test.status == 1, "\(test)")
            #expect(!test.stdout.contains("rehearsal passed"), "\(test)")
            #expect(test.stderr.contains("009_hazard.sql: line \(lines[0]): PRAGMA writable_schema"), "\(test)")
            #expect(test.stderr.contains("nothing was applied"), "\(test)")

            let apply = try migsh(["-m", migrations, db, ".apply --yes"], environment: environment)
            #expect(apply.status == 1, "\(apply)")
            #expect(apply.stdout.isEmpty, "\(apply)")
            #expect(apply.stderr.contains("migration validation failed; nothing was applied"), "\(apply)")
            #expect(apply.stderr.contains("009_hazard.sql: line \(lines[1]): writes sqlite_master"), "\(apply)")

            #expect(State(db) == before)
            let opened = try runProcess("/usr/bin/python3", ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('select count(*) from Projects').fetchone()[0])", db])
            #expect(opened.status == 0 && Int(opened.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) == before.counts["Projects"], "\(opened)")
        }
    }

    @Test("fts3_tokenizer with a pointer blob: --readonly .lint, .diff, .test and .apply refuse it without crashing")
    func fts3Tokenizer() throws {
        try withTemporaryDirectory { dir in
            let migrations = dir + "/migrations"
            // Registering the blob as a pointer, then using the tokenizer: without the
            // guards, the second statement crashes migsh (SIGSEGV), even in a replay.
            let lines = try makeFolder(migrations, body: [
                "SELECT fts3_tokenizer('simple', x'4141414141414141');",
                "CREATE VIRTUAL TABLE IF NOT EXISTS Notes_fts USING fts3(body, tokenize=simple);",
            ])
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let before = State(db)

            let lint = try migsh(["--readonly", "-m", migrations, db, ".lint"], environment: environment)
            #expect(lint.status == 1, "\(lint)")
            #expect(lint.stdout.contains("009_hazard.sql:\(lines[0]): error: fts3_tokenizer()"), "\(lint)")

            // .diff compares the live schema (version 8's) and says why 009 is not replayed.
            let diff = try migsh(["--readonly", "-m", migrations, db, ".diff"], environment: environment)
            #expect(diff.status == 0, "\(diff)")
            #expect(diff.stdout.contains("matches version 8"), "\(diff)")
            #expect(diff.stderr.contains("009_hazard.sql fails validation (line \(lines[0]): fts3_tokenizer()"), "\(diff)")

            let test = try migsh(["-m", migrations, db, ".test"], environment: environment)
            #expect(test.status == 1, "\(test)")
            #expect(test.stderr.contains("009_hazard.sql: line \(lines[0]): fts3_tokenizer()"), "\(test)")

            let apply = try migsh(["-m", migrations, db, ".apply --yes"], environment: environment)
            #expect(apply.status == 1, "\(apply)")
            #expect(apply.stderr.contains("009_hazard.sql: line \(lines[0]): fts3_tokenizer()"), "\(apply)")

            #expect(State(db) == before)
        }
    }

    @Test("An endless WITH RECURSIVE: .lint, .diff and .test stop at the step limit, naming the file, the line and MIGSH_STEP_LIMIT")
    func endlessRecursion() throws {
        try withTemporaryDirectory { dir in
            let migrations = dir + "/migrations"
            let lines = try makeFolder(migrations, body: [
                "CREATE TABLE IF NOT EXISTS Numbers (n INTEGER);",
                "INSERT INTO Numbers WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c;",
            ])
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let before = State(db)

            // The default limit: each command ends on its own (the timeout would fail the test).
            let lint = try migsh(["--readonly", "-m", migrations, db, ".lint"], environment: environment, timeout: 120)
            #expect(lint.status == 1, "\(lint)")
            #expect(lint.stdout.contains("009_hazard.sql:\(lines[1]): error: statement 2, replayed on a clean database: statement stopped after 100000000 virtual-machine steps"), "\(lint)")
            #expect(lint.stdout.contains("MIGSH_STEP_LIMIT=N"), "\(lint)")

            let diff = try migsh(["--readonly", "-m", migrations, db, ".diff"], environment: environment, timeout: 120)
            #expect(diff.status == 0, "\(diff)")
            #expect(diff.stdout.contains("matches version 8"), "\(diff)")
            #expect(diff.stderr.contains("009_hazard.sql fails on a clean database at statement 2 (line \(lines[1])): statement stopped after 100000000 virtual-machine steps"), "\(diff)")

            // The variable sets the limit: a smaller one stops sooner, and says so.
            let test = try migsh(["-m", migrations, db, ".test"], environment: environment.merging(["MIGSH_STEP_LIMIT": "2000000"]) { $1 }, timeout: 120)
            #expect(test.status == 1, "\(test)")
            #expect(test.stdout.contains("FAIL  009_hazard.sql"), "\(test)")
            #expect(test.stdout.contains("Error in migration version 9 (009_hazard.sql, line \(lines[1])): statement stopped after 2000000 virtual-machine steps"), "\(test)")
            #expect(test.stdout.contains("rehearsal FAILED"), "\(test)")
            #expect(test.stderr.contains("the rehearsal failed; the live database was not touched"), "\(test)")

            #expect(State(db) == before)
        }
    }

    @Test("MIGSH_STEP_LIMIT bounds each statement: a finite recursion stops under a small limit and passes under the default")
    func stepLimitCanBeRaised() throws {
        try withTemporaryDirectory { dir in
            let migrations = dir + "/migrations"
            let lines = try makeFolder(migrations, body: [
                "CREATE TABLE IF NOT EXISTS Numbers (n INTEGER);",
                "INSERT INTO Numbers WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) SELECT x FROM c;",
            ])
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 8)

            let small = try migsh(["--readonly", "-m", migrations, db, ".lint"], environment: environment.merging(["MIGSH_STEP_LIMIT": "50000"]) { $1 })
            #expect(small.status == 1, "\(small)")
            #expect(small.stdout.contains("009_hazard.sql:\(lines[1]): error: statement 2, replayed on a clean database: statement stopped after 50000 virtual-machine steps"), "\(small)")

            let unbounded = try migsh(["--readonly", "-m", migrations, db, ".lint"], environment: environment.merging(["MIGSH_STEP_LIMIT": "0"]) { $1 })
            #expect(unbounded.status == 0, "\(unbounded)")

            let test = try migsh(["-m", migrations, db, ".test"], environment: environment)
            #expect(test.status == 0, "\(test)")
            #expect(test.stdout.contains("Numbers +20000"), "\(test)")
            #expect(test.stdout.contains("rehearsal passed"), "\(test)")
        }
    }

    @Test("The shipped migrations rehearse (1 → 8 on the demo data) and replay under 1% of the default step limit")
    func shippedMigrationsWithinTheLimit() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 1)
            let small = environment.merging(["MIGSH_STEP_LIMIT": "1000000"]) { $1 }
            let test = try migsh(["-m", repositoryMigrations, db, ".test"], environment: small)
            #expect(test.status == 0, "\(test)")
            #expect(test.stdout.contains("rehearsal passed"), "\(test)")
            let lint = try migsh(["--readonly", "-m", repositoryMigrations, db, ".lint"], environment: small)
            #expect(lint.status == 0, "\(lint)")
            #expect(!lint.stdout.contains("step-limit"), "\(lint)")
        }
    }

    @Test("Rows that break a CHECK constraint (ignore_check_constraints): the quick_check after COMMIT fails .test, and .apply restores its backup (exit 4)")
    func quickCheckAfterCommit() throws {
        try withTemporaryDirectory { dir in
            let migrations = dir + "/migrations"
            try makeFolder(migrations, body: [
                "PRAGMA ignore_check_constraints = ON;",
                "CREATE TABLE IF NOT EXISTS Flags (id INTEGER PRIMARY KEY, level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5));",
                "INSERT INTO Flags (level) VALUES (3), (99);",
            ])
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let before = State(db)

            let test = try migsh(["-m", migrations, db, ".test"], environment: environment)
            #expect(test.status == 1, "\(test)")
            #expect(test.stdout.contains("FAIL  009_hazard.sql"), "\(test)")
            #expect(test.stdout.contains("009_hazard.sql: after COMMIT, PRAGMA quick_check of the database on a new connection fails: CHECK constraint failed in Flags"), "\(test)")
            #expect(!test.stdout.contains("rehearsal passed"), "\(test)")
            #expect(test.stderr.contains("the rehearsal failed"), "\(test)")
            #expect(State(db) == before)

            let apply = try migsh(["-m", migrations, db, ".apply --yes"], environment: environment)
            #expect(apply.status == 4, "\(apply)")
            #expect(apply.stderr.contains("MIGRATION FAILED: after COMMIT, PRAGMA quick_check of the database on a new connection fails: CHECK constraint failed in Flags"), "\(apply)")
            #expect(apply.stderr.contains("The database has been restored to its previous state (version 8, restored from the backup)."), "\(apply)")
            let location = firstMatch(of: #"Backup location: *\S+"#, in: apply.stderr)
            #expect(location != nil, "\(apply)")
            if let location {
                let backup = String(location.dropFirst("Backup location:".count)).trimmingCharacters(in: .whitespaces)
                #expect(sqlite(backup, "PRAGMA integrity_check") == "ok")
                #expect(schemaVersion(backup) == "8")
            }

            #expect(State(db) == before)
            #expect(sqlite(db, "select count(*) from sqlite_master where name = 'Flags'") == "0")
        }
    }
}
