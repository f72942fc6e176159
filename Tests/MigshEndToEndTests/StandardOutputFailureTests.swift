import Foundation
import Testing

/// `migsh DB .dump > file` on a full disk once cut the dump off, exited 0 and audited "ok".
/// A write to standard output that fails (ENOSPC: `/dev/full`) is an error on stderr, exit 1,
/// and the command's outcome in the audit log is the error. (sqlite3 3.40 exits 0 there.)
/// A reader that goes away (`| head`) is not an error, as in sqlite3.
@Suite("A failed write to standard output")
struct StandardOutputFailureTests {
    /// A database with enough rows that the dump fills several 64 KiB buffers.
    func makeDatabase(_ db: String) {
        _ = sqlite(db, "create table t(a, b); insert into t select value, printf('%.200c', 'x') from generate_series(1, 3000);")
    }

    /// migsh with standard output redirected by the shell, as a user would (`> /dev/full`).
    func migshRedirected(_ arguments: [String], to target: String) throws -> ProcessResult {
        let quoted = (["--noinit"] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        return try runProcess("/bin/sh", ["-c", "exec '\(migshBinary)' \(quoted.joined(separator: " ")) > \(target)"])
    }

    /// The audit log's entries as python's json module reads them (the independent reader).
    func auditEntries(_ log: String) throws -> [[String: Any]] {
        let result = try runProcess("/usr/bin/python3", ["-c", "import json, sys; print(json.dumps([json.loads(l) for l in open(sys.argv[1])]))", log])
        #expect(result.status == 0, "\(result)")
        let data = Data(result.stdout.utf8)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    @Test("migsh DB .dump > /dev/full: error on stderr, exit 1, the audit log says error")
    func dumpToFullDisk() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            makeDatabase(db)
            // The reference: sqlite3 does not notice.
            let reference = try runProcess("/bin/sh", ["-c", "exec \(sqlite3Binary) '\(db)' .dump > /dev/full"])
            #expect(reference.status == 0, "\(reference)")

            let result = try migshRedirected([db, ".dump"], to: "/dev/full")
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr == "Error: writing standard output failed: No space left on device; the output is incomplete\n", "\(result)")
            let entries = try auditEntries(db + "-audit.jsonl")
            let command = try #require(entries.last { $0["event"] as? String == "command" })
            #expect(command["command"] as? String == ".dump")
            #expect(command["outcome"] as? String == "error", "\(command)")
            #expect((command["error"] as? String)?.contains("No space left on device") == true, "\(command)")
            #expect(entries.last?["event"] as? String == "session_end")
            #expect(entries.last?["exit_code"] as? Int == 1)
            #expect(sqlite(db, "select count(*) from t") == "3000")
        }
    }

    @Test("a query's rows to /dev/full: the statement fails, exit 1, audited as an error")
    func queryToFullDisk() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            makeDatabase(db)
            let result = try migshRedirected([db, "select count(*) from t;"], to: "/dev/full")
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr == "Error: writing standard output failed: No space left on device; the output is incomplete\n", "\(result)")  // SQL given as an argument: no line, as sqlite3 words argument errors
            let statement = try #require(try auditEntries(db + "-audit.jsonl").last { $0["event"] as? String == "sql" })
            #expect(statement["outcome"] as? String == "error", "\(statement)")
        }
    }

    @Test("a dump to a file with room is sqlite3's byte for byte, exit 0; a reader gone (| head) is not an error")
    func dumpWithRoomAndClosedPipe() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            makeDatabase(db)
            let result = try migshRedirected([db, ".dump"], to: "'\(dir)/dump.sql'")
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr.isEmpty, "\(result)")
            #expect(contents(of: dir + "/dump.sql") == Data(dump(db).utf8))

            let quoted = "'\(migshBinary)' --noinit '\(db)' .dump"
            let piped = try runProcess("/bin/bash", ["-c", "\(quoted) | head -c 100 > /dev/null; echo ${PIPESTATUS[0]}"])
            #expect(piped.stdout == "0\n", "\(piped)")
            #expect(piped.stderr.isEmpty, "\(piped)")
        }
    }
}
