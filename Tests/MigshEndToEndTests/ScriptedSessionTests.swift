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

    // MARK: Scripts written for sqlite3 (issue 22)

    /// How a sqlite3 script reaches migsh: standard input, `-f FILE`, or `.read FILE`.
    enum SQLite3Feed: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case standardInput, file, read
        var testDescription: String {
            switch self {
            case .standardInput: "DB < script"
            case .file: "migsh -f script DB (sqlite3: DB < script)"
            case .read: ".read script"
            }
        }
    }

    /// A script as support staff write them for sqlite3: given as Latin-1 text, so each
    /// character U+0080…U+00FF is one byte (bytes that are not UTF-8 included).
    struct SQLite3Script: CustomTestStringConvertible, Sendable {
        var name: String
        var latin1: String
        var bytes: Data { latin1.data(using: .isoLatin1)! }
        var testDescription: String { name }
    }

    static let sqlite3Scripts: [SQLite3Script] = [
        SQLite3Script(name: "Latin-1 bytes in literals and names", latin1: """
            create table "caf\u{e9}"("\u{e9}t\u{e9}" text, n);
            insert into caf\u{e9} values ('d\u{e9}j\u{e0} vu \u{ff}\u{80}', 1);
            select hex("\u{e9}t\u{e9}"), "\u{e9}t\u{e9}", n from "caf\u{e9}";
            select hex('\u{e9}');
            """),
        SQLite3Script(name: "a statement after a multi-line block comment", latin1: """
            /*
             header \u{e9}
            */ select 1;
            -- a line comment ; with a semicolon
            select 2; /* after */ -- and after
            /* before */ select 3 /* between */ ; select
              -- inside
              4;
            /* at the end,
               no statement */
            """),
        SQLite3Script(name: "the last statement without ;", latin1: "select 1;\nselect 'last \u{e9}'"),
        SQLite3Script(name: "an unterminated string at the end", latin1: "select 1;\nSELECT 'unclosed;\n"),
        SQLite3Script(name: "an error in the middle, then more", latin1: "select 1;\nselec 2;\nselect 3;\nselect '\u{e9}' +;\nselect 4;\n"),
        SQLite3Script(name: "an unterminated string in the middle", latin1: "select 1;\nSELECT 'unclosed;\nselect 3;\nselect 'x';\nselect 5;\n"),
    ]

    /// `body` with a script's name removed from its error locations (`near line 2 of s.sql:`
    /// is sqlite3's `near line 2:`) and without `.read`'s own summary line, which sqlite3
    /// does not print.
    static func asSQLite3Says(_ stderr: Data, fileName: String) -> Data {
        var text = stderr.replacing(" of \(fileName):", with: ":")
        if let summary = try? Regex("Error: near line [0-9]+: \(fileName): [0-9]+ error\\(s\\)\n") {
            let decoded = String(decoding: text, as: UTF8.self)
            if decoded.contains(summary) {
                // Only ASCII lines are removed: the rest of the bytes stay as they were.
                let lines = text.split(separator: 10, omittingEmptySubsequences: false)
                    .filter { line in (try? summary.wholeMatch(in: String(decoding: line + [10], as: UTF8.self))) == nil ? true : false }
                text = Data(lines.map { Array($0) }.joined(separator: [10]))
            }
        }
        return text
    }

    @Test("a script written for sqlite3 gives sqlite3's output, errors and exit status",
          arguments: SQLite3Feed.allCases, sqlite3Scripts)
    func sameAsSQLite3(feed: SQLite3Feed, script: SQLite3Script) throws {
        for bail in [true, false] {
            try withTemporaryDirectory { dir in
                _ = sqlite(dir + "/sqlite3.db", "create table seed(x)")
                _ = sqlite(dir + "/migsh.db", "create table seed(x)")
                let name = "s.sql"
                try script.bytes.write(to: URL(fileURLWithPath: dir + "/" + name))
                let theirs = try runCollectingBytes(sqlite3Binary, ["-init", "/dev/null"] + (bail ? ["-bail"] : []) + ["sqlite3.db"],
                                                    stdin: feed == .read ? Data(".read \(name)\nselect 'after';\n".utf8) : script.bytes, in: dir)
                let bailFlag = bail ? "--bail" : "--no-bail"
                let ours: ByteResult
                switch feed {
                case .standardInput:
                    ours = try runCollectingBytes(migshBinary, ["--noinit", bailFlag, "migsh.db"], stdin: script.bytes, in: dir)
                case .file:
                    ours = try runCollectingBytes(migshBinary, ["--noinit", bailFlag, "-f", name, "migsh.db"], stdin: Data(), in: dir)
                case .read:
                    ours = try runCollectingBytes(migshBinary, ["--noinit", bailFlag, "migsh.db"],
                                                  stdin: Data(".read \(name)\nselect 'after';\n".utf8), in: dir)
                }
                let what = "\(bail ? "bail" : "no bail"), migsh:\n\(ours)\nsqlite3:\n\(theirs)"
                #expect(ours.stdout == theirs.stdout, "\(what)")
                #expect(Self.asSQLite3Says(ours.stderrBytes, fileName: name) == theirs.stderrBytes, "\(what)")
                #expect(ours.status == theirs.status, "\(what)")
            }
        }
    }

    /// `program DB ARGUMENT` through /bin/sh, so that the argument can hold any byte.
    static func runWithArgument(_ program: [String], _ argument: [UInt8], in dir: String) throws -> ByteResult {
        // printf's octal escapes for every byte: the shell never sees them as text.
        let escaped = argument.map { String(format: "\\%03o", $0) }.joined()
        return try runCollectingBytes("/bin/sh", ["-c", "exec \"$@\" \"$(printf '\(escaped)')\"", "sh"] + program,
                                      stdin: Data(), in: dir)
    }

    static let sqlArguments: [SQLite3Script] = [
        SQLite3Script(name: "Latin-1 bytes", latin1: "select hex('\u{e9}'), '\u{e9}\u{ff}', 'caf\u{c3}\u{a9}'"),
        SQLite3Script(name: "an unterminated string", latin1: "SELECT 'unclosed;"),
        SQLite3Script(name: "a syntax error", latin1: "selec 1"),
        SQLite3Script(name: "no such table", latin1: "select * from nosuch"),
        SQLite3Script(name: "incomplete after a good statement", latin1: "select 1; select 2 +"),
        SQLite3Script(name: "an error quoting a Latin-1 byte", latin1: "select '\u{e9}' + \u{e9}\u{ff} +"),
        SQLite3Script(name: "an unrecognized token of Latin-1 bytes", latin1: "select 1 + '\u{e9}\u{ff}"),
        SQLite3Script(name: "a runtime error", latin1: "select json('{')"),
        SQLite3Script(name: "comments, no ;", latin1: "/* a\nb */ select 1 -- trailing"),
    ]

    @Test("SQL given on the command line: sqlite3's output, `Error: in prepare, …`, exit status", arguments: sqlArguments)
    func argumentSameAsSQLite3(argument: SQLite3Script) throws {
        try withTemporaryDirectory { dir in
            _ = sqlite(dir + "/sqlite3.db", "create table seed(x)")
            _ = sqlite(dir + "/migsh.db", "create table seed(x)")
            let bytes = [UInt8](argument.bytes)
            let theirs = try Self.runWithArgument([sqlite3Binary, "-init", "/dev/null", "sqlite3.db"], bytes, in: dir)
            let ours = try Self.runWithArgument([migshBinary, "--noinit", "migsh.db"], bytes, in: dir)
            let what = "migsh:\n\(ours)\nsqlite3:\n\(theirs)"
            #expect(ours.stdout == theirs.stdout, "\(what)")
            #expect(ours.stderrBytes == theirs.stderrBytes, "\(what)")
            #expect(ours.status == theirs.status, "\(what)")
        }
    }

    @Test("Latin-1 and invalid UTF-8 in a script are stored unchanged (read back by python's sqlite3)",
          arguments: ["migsh DB < script", "migsh -f script DB", ".read script", "migsh DB SCRIPT (one argument)"])
    func bytesRoundTrip(feed: String) throws {
        try withTemporaryDirectory { dir in
            let db = Self.plainDatabase(dir)
            // Each value: Latin-1, a lone continuation byte, 0xFF, a cut UTF-8 sequence, valid UTF-8.
            let values: [[UInt8]] = [[0x63, 0x61, 0x66, 0xe9], [0x80], [0xff, 0xfe], [0xc3], [0xc3, 0xa9, 0xe9], Array(0x80...0xff)]
            let table: [UInt8] = Array("t".utf8) + [0xe9, 0xff]
            let column: [UInt8] = [0xfc, 0x62]
            // SQLite stores CREATE TABLE's first words upper-cased, the rest as written.
            let create: [UInt8] = Array("CREATE TABLE \"".utf8) + table + Array("\"(k, \"".utf8) + column + Array("\")".utf8)
            var script: [UInt8] = create + Array(";\n".utf8)
            script += Array("create view latin_view as select k, \"".utf8) + column + Array("\" as v from \"".utf8) + table + Array("\";\n".utf8)
            for (i, v) in values.enumerated() {
                script += Array("insert into t values (\(i), '".utf8) + v + Array("');\n".utf8)
                script += Array("insert into \"".utf8) + table + Array("\" values (\(i), '".utf8) + v + Array("');\n".utf8)
            }
            // No final newline, no final ;: the last insert still runs.
            script.removeLast(2)
            try Data(script).write(to: URL(fileURLWithPath: dir + "/bytes.sql"))
            let result: ByteResult
            switch feed {
            case "migsh DB < script":
                result = try runCollectingBytes(migshBinary, ["--noinit", db], stdin: Data(script), in: dir)
            case "migsh -f script DB":
                result = try runCollectingBytes(migshBinary, ["--noinit", "-f", dir + "/bytes.sql", db], stdin: Data(), in: dir)
            case ".read script":
                result = try runCollectingBytes(migshBinary, ["--noinit", db], stdin: Data(".read bytes.sql\n".utf8), in: dir)
            default:
                result = try Self.runWithArgument([migshBinary, "--noinit", db], script, in: dir)
            }
            #expect(result.status == 0, "\(result)")
            #expect(result.stderrBytes.isEmpty, "\(result)")

            // The oracle: python's sqlite3 module, reading hex() so that nothing is decoded. The
            // Latin-1-named table is read through the script's view (python's SQL is UTF-8).
            let program = """
                import sqlite3, sys
                c = sqlite3.connect(sys.argv[1])
                for (v,) in c.execute("select hex(v) from t order by id"): print(v)
                for (v,) in c.execute("select hex(v) from latin_view order by k"): print(v)
                for (n, s) in c.execute("select hex(name), hex(sql) from sqlite_master where type = 'table' and name <> 't'"): print(n); print(s)
                """
            func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02X", $0) }.joined() }
            let oracle = try runProcess("/usr/bin/env", ["python3", "-c", program, db])
            #expect(oracle.status == 0, "\(oracle)")
            let expected = values.map(hex) + values.map(hex) + [hex(table), hex(create)]
            #expect(oracle.stdout.split(separator: "\n").map(String.init) == expected, "\(oracle)")
        }
    }
}
