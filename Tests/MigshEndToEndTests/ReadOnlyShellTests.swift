import Foundation
import Testing

/// `--readonly` promises the session changes nothing. `.shell` and `.system` run any command,
/// `sqlite3 DB 'DELETE …'` included, so they are refused under it (exit 1 in batch).
@Suite("--readonly refuses .shell and .system")
struct ReadOnlyShellTests {
    func makeDatabase(_ db: String) {
        _ = sqlite(db, "create table t(a); insert into t values (1), (2);")
    }

    @Test(".shell sqlite3 DB 'delete …' under --readonly: refused, exit 1, the rows stay", arguments: [".shell", ".system"])
    func shellRefused(command: String) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            makeDatabase(db)
            let result = try migsh(["--readonly", db, "\(command) \(sqlite3Binary) \(db) 'delete from t'"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(result.stderr.contains("Error: \(command) refused: the session was opened with --readonly"), "\(result)")
            #expect(sqlite(db, "select count(*) from t") == "2")
            // The audit log records the refusal as the command's outcome.
            let audit = String(decoding: contents(of: db + "-audit.jsonl") ?? Data(), as: UTF8.self)
            let line = try #require(audit.split(separator: "\n").last { $0.contains("\"command\":\"\(command) ") })
            #expect(line.contains("\"outcome\":\"error\""), "\(line)")
        }
    }

    @Test("a script under --readonly stops at .system; the command never ran")
    func scriptStops() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            makeDatabase(db)
            let marker = dir + "/ran"
            let result = try migsh(["--readonly", db], script: "select count(*) from t;\n.system touch \(marker)\nselect 'after';\n")
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout == "2\n", "bail stops the script at the refusal: \(result)")
            #expect(result.stderr.contains("near line 2: .system refused"), "\(result)")
            #expect(!fileExists(marker))
        }
    }

    @Test(".read '|CMD' under --readonly: refused like .shell; the command never ran")
    func readFromCommandRefused() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            makeDatabase(db)
            let marker = dir + "/ran"
            let result = try migsh(["--readonly", db], script: "select count(*) from t;\n.read '|touch \(marker); echo select 9;'\nselect 'after';\n")
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout == "2\n", "\(result)")
            #expect(result.stderr.contains("near line 2: .read |CMD refused: the session was opened with --readonly"), "\(result)")
            #expect(!fileExists(marker))
        }
    }

    @Test("without --readonly, .shell runs as in sqlite3")
    func shellRunsWhenWritable() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            makeDatabase(db)
            let result = try migsh([db, ".shell \(sqlite3Binary) \(db) 'delete from t'", ".shell echo shelled"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout == "shelled\n", "\(result)")
            #expect(sqlite(db, "select count(*) from t") == "0")
        }
    }
}
