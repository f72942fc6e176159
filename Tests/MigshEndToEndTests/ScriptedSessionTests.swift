import Foundation
import Testing

/// migsh without a terminal: scripts on standard input and through `-f`, as deployment jobs
/// run it. Output, error locations, bail, transactions left open, confirmations that must
/// never wait for an answer, incomplete input, the audit log, `.exit N` and `--readonly`.
@Suite("Scripted sessions")
struct ScriptedSessionTests {
    /// How a script reaches migsh.
    enum Feed: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case standardInput, file
        var testDescription: String { self == .standardInput ? "migsh DB < script" : "migsh -f script DB" }
    }

    /// A plain database with one table `t(id, v)` (no migrations involved).
    static func plainDatabase(_ dir: String) -> String {
        let db = dir + "/plain.sqlite"
        _ = sqlite(db, "create table t(id integer primary key, v text)")
        return db
    }

    /// Runs `script` against `db` through `feed`; the file is `<dir>/<fileName>`.
    static func run(
        _ script: String, on db: String, feed: Feed, in dir: String,
        fileName: String = "script.sql", options: [String] = []
    ) throws -> ProcessResult {
        switch feed {
        case .standardInput:
            return try migsh(["-m", repositoryMigrations] + options + [db], script: script, cwd: dir)
        case .file:
            let path = dir + "/" + fileName
            try script.write(toFile: path, atomically: true, encoding: .utf8)
            return try migsh(["-m", repositoryMigrations, "-f", path] + options + [db], cwd: dir)
        }
    }

    /// Where an error happened, as sqlite3 says it: `near line N:` for standard input,
    /// `near line N of FILE:` for a script file.
    static func location(_ line: Int, _ feed: Feed, fileName: String = "script.sql") -> String {
        feed == .standardInput ? "near line \(line):" : "near line \(line) of \(fileName):"
    }

    // MARK: Output and errors

    @Test("a script mixing dot-commands and SQL prints exactly what sqlite3 prints", arguments: Feed.allCases)
    func mixedScript(feed: Feed) throws {
        try withTemporaryDirectory { dir in
            let db = Self.plainDatabase(dir)
            let script = """
                .headers on
                select 1 as a, 'x' as b;
                .mode csv
                select 'p,q' as c, null as d;
                insert into t values (1, 'one');
                .headers off
                select id, v from t;

                """
            let result = try Self.run(script, on: db, feed: feed, in: dir)
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr.isEmpty, "\(result)")
            // sqlite3's `.mode csv` ends rows with \r\n (its -csv flag with \n).
            #expect(result.stdout == "a|b\n1|x\nc,d\r\n\"p,q\",\r\n1,one\r\n", "\(result)")
            #expect(sqlite(db, "select id, v from t") == "1|one")
        }
    }

    static let failingScript = """
        insert into t values (1, 'one');
        .headers on
        select count(*) from t;
        select * from nosuch;
        insert into t values (2, 'two');
        select 'after';

        """

    @Test("an error stops the script (bail is the default) and names its line", arguments: Feed.allCases)
    func errorBails(feed: Feed) throws {
        try withTemporaryDirectory { dir in
            let db = Self.plainDatabase(dir)
            let result = try Self.run(Self.failingScript, on: db, feed: feed, in: dir)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains(Self.location(4, feed)), "\(result)")
            #expect(result.stderr.contains("no such table: nosuch"), "\(result)")
            #expect(result.stdout == "count(*)\n1\n", "statements after the error ran:\n\(result)")
            #expect(sqlite(db, "select id from t order by id") == "1", "statements after the error ran")
        }
    }

    @Test("--no-bail runs the rest of the script and still exits 1", arguments: Feed.allCases)
    func errorNoBail(feed: Feed) throws {
        try withTemporaryDirectory { dir in
            let db = Self.plainDatabase(dir)
            let result = try Self.run(Self.failingScript, on: db, feed: feed, in: dir, options: ["--no-bail"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains(Self.location(4, feed)), "\(result)")
            #expect(result.stdout == "count(*)\n1\n'after'\nafter\n", "\(result)")
            #expect(sqlite(db, "select id from t order by id") == "1\n2")
        }
    }

    @Test("an error in a statement spanning lines names the line where it starts")
    func multiLineStatementError() throws {
        try withTemporaryDirectory { dir in
            let db = Self.plainDatabase(dir)
            let script = "select 1;\n\nselect *\n  from\n  nosuch;\nselect 2;\n"
            let result = try Self.run(script, on: db, feed: .file, in: dir, fileName: "fix.sql")
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("near line 3 of fix.sql:"), "\(result)")
            #expect(result.stdout == "1\n", "\(result)")
        }
    }

    @Test(".read nested: an error in the inner file names that file and its line")
    func nestedRead() throws {
        try withTemporaryDirectory { dir in
            let db = Self.plainDatabase(dir)
            try "select 'b1';\nselect * from\n  nosuch;\ninsert into t values (2, 'b');\n"
                .write(toFile: dir + "/b.sql", atomically: true, encoding: .utf8)
            try "select 'a1';\n.read \(dir)/b.sql\nselect 'a3';\ninsert into t values (1, 'a');\n"
                .write(toFile: dir + "/a.sql", atomically: true, encoding: .utf8)

            let result = try migsh(["-m", repositoryMigrations, "-f", dir + "/a.sql", db], cwd: dir)

            #expect(result.status == 1, "\(result)")
            #expect(firstMatch(of: #"near line 2 of \S*b\.sql:"#, in: result.stderr) != nil, "\(result)")
            #expect(result.stderr.contains("no such table: nosuch"), "\(result)")
            #expect(result.stdout == "a1\nb1\n", "\(result)")
            #expect(sqlite(db, "select count(*) from t") == "0")
        }
    }

    // MARK: Transactions

    @Test("a script that ends inside a transaction is rolled back and exits 1", arguments: Feed.allCases)
    func scriptEndsInTransaction(feed: Feed) throws {
        try withTemporaryDirectory { dir in
            let db = Self.plainDatabase(dir)
            let script = "BEGIN;\ninsert into t values (1, 'one');\ninsert into t values (2, 'two');\n"
            let result = try Self.run(script, on: db, feed: feed, in: dir)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("rolled back"), "\(result)")
            #expect(sqlite(db, "select count(*) from t") == "0")
        }
    }

    @Test("when SQLite rolls the transaction back by itself, the session says so")
    func sqliteRollsBack() throws {
        try withTemporaryDirectory { dir in
            let db = Self.plainDatabase(dir)
            _ = sqlite(db, "insert into t values (1, 'one')")
            let script = """
                BEGIN;
                insert into t values (30, 'in the transaction');
                INSERT OR ROLLBACK INTO t VALUES (1, 'duplicate');
                select 'after';

                """
            let result = try Self.run(script, on: db, feed: .standardInput, in: dir, options: ["--no-bail"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("near line 3:"), "\(result)")
            #expect(result.stderr.contains("UNIQUE constraint failed"), "\(result)")
            #expect(result.stderr.lowercased().contains("rolled") && result.stderr.lowercased().contains("back"),
                    "nothing says the transaction was rolled back:\n\(result)")
            // No transaction is left open, so nothing is said about one at the end.
            #expect(!result.stderr.contains("ended with a transaction open"), "\(result)")
            #expect(result.stdout == "after\n", "\(result)")
            #expect(sqlite(db, "select id from t order by id") == "1")
        }
    }

    // MARK: Confirmations in batch mode

    @Test(".apply without --yes in a script is refused at once; the next line is not taken as an answer")
    func applyInScriptNeverWaits() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 3)
            let before = dump(db)

            let result = try migsh(["-m", repositoryMigrations, db], stdin: Data(".apply\ny\n".utf8), timeout: 10)

            #expect(result.status == 1, "\(result)")
            #expect(result.duration < 5, "\(result)")
            #expect(result.stderr.contains("--yes"), "\(result)")
            #expect(schemaVersion(db) == "3")
            #expect(dump(db) == before)
        }
    }

    @Test(".restore --latest without --yes in a script is refused at once")
    func restoreInScriptNeverWaits() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 3)
            let backup = try migsh(["-m", repositoryMigrations, db, ".backup"])
            try #require(backup.status == 0, "\(backup)")
            let before = dump(db)
            let backups = fileNames(in: dir + "/snapshots")

            let result = try migsh(["-m", repositoryMigrations, db], stdin: Data(".restore --latest\ny\n".utf8), timeout: 10)

            #expect(result.status == 1, "\(result)")
            #expect(result.duration < 5, "\(result)")
            #expect(result.stderr.contains("--yes"), "\(result)")
            #expect(dump(db) == before)
            #expect(fileNames(in: dir + "/snapshots") == backups, "a refused .restore took a backup")
        }
    }

    // MARK: Incomplete input

    @Test("an unterminated string at the end of input: exit 1, sqlite3's unrecognized token, nothing committed")
    func unterminatedString() throws {
        try withTemporaryDirectory { dir in
            let db = Self.plainDatabase(dir)
            let script = "insert into t values (1, 'complete');\ninsert into t values (2, 'unterminated);\n"
            let result = try Self.run(script, on: db, feed: .standardInput, in: dir)
            #expect(result.status == 1, "\(result)")
            // As sqlite3: the text pending at the end of input goes to SQLite's parser as it is.
            #expect(result.stderr.contains("unrecognized token: \"'unterminated);\""), "\(result)")
            #expect(result.stderr.contains("near line 2:"), "\(result)")
            // The complete statement before it ran in autocommit mode, as in sqlite3.
            #expect(sqlite(db, "select id from t order by id") == "1")
        }
    }

    @Test("an unterminated trigger at the end of input: exit 1, incomplete input, nothing committed")
    func unterminatedTrigger() throws {
        try withTemporaryDirectory { dir in
            let db = Self.plainDatabase(dir)
            let script = """
                BEGIN;
                insert into t values (8, 'in the transaction');
                CREATE TRIGGER t_gone AFTER INSERT ON t BEGIN
                  delete from t;

                """
            let result = try Self.run(script, on: db, feed: .file, in: dir, fileName: "trigger.sql")
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("incomplete input"), "\(result)")
            #expect(result.stderr.contains("near line 3 of trigger.sql"), "\(result)")
            #expect(sqlite(db, "select count(*) from t") == "0")
            #expect(sqlite(db, "select count(*) from sqlite_master where type = 'trigger'") == "0")
        }
    }

    // MARK: Audit log

    @Test("the audit log has one line per statement and dot-command, and session start/end lines")
    func auditLog() throws {
        try withTemporaryDirectory { dir in
            let db = Self.plainDatabase(dir)
            let audit = dir + "/session-audit.jsonl"
            let script = """
                .headers on
                select 1;
                insert into t values (1, 'a'); insert into t values (2, 'b');
                select * from nosuch;
                .no_such_command
                .mode csv

                """
            let result = try migsh(["-m", repositoryMigrations, "--audit", audit, "--no-bail", db],
                                   script: script, cwd: dir)
            #expect(result.status == 1, "\(result)")

            let text = try #require(contents(of: audit).map { String(decoding: $0, as: UTF8.self) }, "no audit log")
            let lines = text.split(separator: "\n").map(String.init)
            let entries = lines.compactMap(jsonObject)
            #expect(entries.count == lines.count, "some lines are not JSON objects:\n\(text)")
            #expect(fileMode(audit) == 0o600)

            let events = entries.compactMap { $0["event"] as? String }
            #expect(events.first == "session_start", "\(text)")
            #expect(events.last == "session_end", "\(text)")

            let statements = entries.filter { $0["event"] as? String == "sql" }
            #expect(statements.count == 4, "one line per statement expected:\n\(text)")
            #expect(statements.map { $0["outcome"] as? String ?? "-" } == ["ok", "ok", "ok", "error"], "\(text)")
            #expect(statements.map { $0["rows_changed"] as? Int } == [0, 1, 1, nil], "\(text)")
            #expect(statements.allSatisfy { $0["duration_ms"] is Int }, "no duration:\n\(text)")
            let lastError = statements.last?["error"] as? String ?? ""
            #expect(lastError.contains("no such table"), "\(text)")

            let commands = entries.filter { $0["event"] as? String == "command" }
            #expect(commands.count == 3, "one line per dot-command expected:\n\(text)")
            #expect(commands.map { $0["outcome"] as? String ?? "-" } == ["ok", "error", "ok"], "\(text)")

            let resolvedDB = URL(fileURLWithPath: db).resolvingSymlinksInPath().path
            func checkSession(_ entry: [String: Any]) {
                let user = entry["user"] as? String ?? ""
                let pid = entry["pid"] as? Int ?? 0
                #expect(!user.isEmpty, "no user in \(entry)")
                #expect(pid > 0, "no pid in \(entry)")
                let database = entry["database"] as? String ?? ""
                #expect(database == db || database == resolvedDB, "database \(database.debugDescription) in \(entry)")
            }
            let start = try #require(entries.first { $0["event"] as? String == "session_start" })
            checkSession(start)
            let end = try #require(entries.last { $0["event"] as? String == "session_end" })
            checkSession(end)
            #expect(end["pid"] as? Int == start["pid"] as? Int)

            let verify = try migsh(["-m", repositoryMigrations, "--audit", audit, db, ".audit verify"])
            #expect(verify.status == 0, "\(verify)")
        }
    }

    // MARK: Exit codes and read-only

    @Test(".exit 7 exits 7 and runs nothing after it")
    func exitCode() throws {
        try withTemporaryDirectory { dir in
            let db = Self.plainDatabase(dir)
            let result = try migsh([db], script: "insert into t values (1, 'a');\n.exit 7\ninsert into t values (2, 'b');\n")
            #expect(result.status == 7, "\(result)")
            #expect(sqlite(db, "select id from t") == "1")
        }
    }

    @Test("--readonly: INSERT fails with exit 1 and the database is unchanged")
    func readOnlyInsert() throws {
        try withTemporaryDirectory { dir in
            let db = Self.plainDatabase(dir)
            _ = sqlite(db, "insert into t values (1, 'a')")
            let before = dump(db)
            let result = try migsh(["--readonly", db, "insert into t values (2, 'b')"])
            #expect(result.status == 1, "\(result)")
            #expect(!result.stderr.isEmpty, "\(result)")
            #expect(dump(db) == before)

            let script = try migsh(["--readonly", db], script: "select count(*) from t;\ninsert into t values (3, 'c');\n")
            #expect(script.status == 1, "\(script)")
            #expect(script.stdout == "1\n", "\(script)")
            #expect(dump(db) == before)
        }
    }

    @Test("--readonly: .apply --yes is refused")
    func readOnlyApply() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 3)
            let before = dump(db)
            let backups = fileNames(in: dir + "/snapshots")

            let result = try migsh(["-m", repositoryMigrations, "--readonly", db, ".apply --yes"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("readonly") || result.stderr.contains("read-only"), "\(result)")
            #expect(schemaVersion(db) == "3")
            #expect(dump(db) == before)
            #expect(fileNames(in: dir + "/snapshots") == backups, "a refused .apply took a backup")
        }
    }
}
