import Foundation
import MigshTestSupport
import Testing

/// The audit log's promise for statements read from standard input, under `kill -9`: every
/// statement of a committed transaction has its line, chained, before migsh reads on; the
/// open transaction (which SQLite rolls back) may leave whole lines of its own, never a gap or
/// a broken chain. The oracle for what was committed is sqlite3 reading the database after
/// the kill (it rolls the hot journal back).
@Suite("Audit lines survive kill -9 in the middle of a stream")
struct AuditCrashTests {
    @Test("kill -9 inside a long transaction from stdin: the committed one's lines are all there, chained; the open one's a whole prefix")
    func killInsideOpenTransaction() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/stream.sqlite"
            let audit = db + "-audit.jsonl"
            #expect(sqlite(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);") == "")
            let perTransaction = 5_000   // ~1 MB of audit lines each: several 256 KiB batches
            func inserts(_ range: ClosedRange<Int>) -> String {
                range.map { "INSERT INTO t VALUES (\($0), 'row \($0)');\n" }.joined()
            }

            let input = RawPipe()
            let child = try ChildProcess(executable: migshBinary, arguments: ["--noinit", db],
                                         environment: childEnvironment([:]), cwd: dir,
                                         stdin: .descriptor(input.readEnd))
            input.closeRead()
            defer { child.kill() }
            func waitForAudit(_ text: String, _ what: String) throws {
                // An event, not a time: the line is in the file (or migsh ended, or 120 s passed).
                let deadline = Date().addingTimeInterval(120)
                while !((try? String(contentsOfFile: audit, encoding: .utf8))?.contains(text) ?? false) {
                    try #require(child.isRunning, "migsh ended before the kill")
                    try #require(Date() < deadline, "\(what) never reached the audit log")
                    usleep(20_000)
                }
            }
            // The first transaction commits: its COMMIT's line is written before migsh reads on.
            input.writeAll(Data(("BEGIN;\n" + inserts(1...perTransaction) + "COMMIT;\n").utf8))
            try waitForAudit(#""sql":"COMMIT;""#, "the first transaction's COMMIT")
            // The second stays open (stdin stays open too, so migsh waits inside it); a batch
            // of its lines reaches the file before it ends.
            input.writeAll(Data(("BEGIN;\n" + inserts((perTransaction + 1)...(2 * perTransaction))).utf8))
            try waitForAudit("INSERT INTO t VALUES (\(perTransaction + 1), ", "a batch of the open transaction")
            _ = kill(child.pid, SIGKILL)
            child.wait(timeout: 30)
            #expect(child.exitStatus == 128 + SIGKILL)

            // What SQLite kept: the first transaction only.
            #expect(sqlite(db, "SELECT count(*), min(id), max(id) FROM t;") == "\(perTransaction)|1|\(perTransaction)")

            let text = try String(contentsOfFile: audit, encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.last == "", "the log does not end with a whole line")
            let entries = lines.dropLast().compactMap(jsonObject)
            #expect(entries.count == lines.count - 1, "some audit lines are not JSON objects")
            #expect(entries.map { $0["seq"] as? Int } == (1...entries.count).map { Optional($0) }, "seq is not 1, 2, 3, …")
            let statements = entries.filter { $0["event"] as? String == "sql" }.compactMap { $0["sql"] as? String }
            // Every committed statement, in order, then COMMIT, then the open one's lines as
            // a prefix of what was sent (and at least the one waited for).
            let committed = ["BEGIN;"] + (1...perTransaction).map { "INSERT INTO t VALUES (\($0), 'row \($0)');" } + ["COMMIT;"]
            #expect(Array(statements.prefix(committed.count)) == committed)
            let open = Array(statements.dropFirst(committed.count))
            #expect(open.first == "BEGIN;")
            let sentOpen = ["BEGIN;"] + ((perTransaction + 1)...(2 * perTransaction)).map { "INSERT INTO t VALUES (\($0), 'row \($0)');" }
            #expect(open.count >= 2 && open == Array(sentOpen.prefix(open.count)), "the open transaction's lines: \(open.prefix(3)) … (\(open.count))")

            // The chain is whole, and the next session chains on after the killed one.
            let verify = try migsh([db, ".audit verify"])
            #expect(verify.status == 0, "\(verify)")
            let more = try migsh([db], script: "INSERT INTO t VALUES (\(2 * perTransaction + 1), 'after');\n")
            #expect(more.status == 0, "\(more)")
            let again = try migsh([db, ".audit verify"])
            #expect(again.status == 0, "\(again)")
            #expect(sqlite(db, "SELECT count(*) FROM t;") == "\(perTransaction + 1)")
        }
    }
}
