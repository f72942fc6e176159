import Foundation
import Testing
@testable import MigshCore

/// An audit record for the tests: one counter.
struct TestRecord: AuditRecord {
    static let event = "test"
    var i: Int
}

@Suite("The audit log's hash chain")
struct AuditLogTests {
    func makeLog(_ dir: String, entries: Int) throws -> String {
        let path = dir + "/audit.jsonl"
        let log = try AuditLog(path: path)
        for i in 0..<entries { try log.append(TestRecord(i: i)) }
        return path
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test("every statement line's ts is the UTC time it was written, to the millisecond, across seconds")
    func statementTimestamps() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/audit.jsonl"
            let log = try AuditLog(path: path)
            let start = Date()
            // Long enough to cross at least one second and to see milliseconds above 255.
            while Date().timeIntervalSince(start) < 1.3 {
                try log.appendStatement(sql: "SELECT 1;", outcome: .ok, rowsChanged: nil, durationMS: 0)
                usleep(2_000)
            }
            try log.flush()
            let end = Date()
            let parser = ISO8601DateFormatter()
            parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            var seen = Set<Int>()
            for line in try lines(path) {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let ts = try #require(object["ts"] as? String)
                #expect(ts.count == 24 && ts.hasSuffix("Z"), "\(ts)")
                let date = try #require(parser.date(from: ts), "\(ts)")
                #expect(date >= start.addingTimeInterval(-0.001) && date <= end, "\(ts)")
                seen.insert(Int(date.timeIntervalSince1970))
            }
            #expect(seen.count >= 2)
            #expect(try AuditLog.verify(path: path).ok)
        }
    }

    @Test("a fresh log verifies, is mode 0600, and continues its chain after reopening")
    func verifiesAndContinues() throws {
        try withTemporaryDirectory { dir in
            let path = try makeLog(dir, entries: 3)
            let again = try AuditLog(path: path)
            try again.append(TestRecord(i: 99))
            try again.flush()  // lines are batched until flushed
            let result = try AuditLog.verify(path: path)
            #expect(result.ok)
            #expect(result.entries == 4)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test("an edited, removed or reordered line breaks the chain at that line",
          arguments: ["edit", "remove", "reorder"])
    func tampering(_ kind: String) throws {
        try withTemporaryDirectory { dir in
            let path = try makeLog(dir, entries: 5)
            var l = try lines(path)
            switch kind {
            case "edit": l[2] = l[2].replacingOccurrences(of: "\"i\":2", with: "\"i\":9")
            case "remove": l.remove(at: 2)
            default: l.swapAt(1, 2)
            }
            try (l.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let result = try AuditLog.verify(path: path)
            #expect(!result.ok)
            // An edited line keeps its own prev: the next line's prev no longer matches it.
            let expected = ["edit": 4, "remove": 3, "reorder": 2][kind]
            #expect(result.brokenAtLine == expected)
        }
    }

    @Test("a truncated last line is reported")
    func truncated() throws {
        try withTemporaryDirectory { dir in
            let path = try makeLog(dir, entries: 2)
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            try data.prefix(data.count - 5).write(to: URL(fileURLWithPath: path))
            #expect(try AuditLog.verify(path: path).ok == false)
        }
    }

    @Test("an unwritable log is an error at open")
    func unwritable() {
        #expect(throws: MigshError.self) { try AuditLog(path: "/nonexistent-dir/audit.jsonl") }
    }

    @Test("statements and records handed to the writer in many batches keep their order, and the chain verifies")
    func manyBatches() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/audit.jsonl"
            do {
                let log = try AuditLog(path: path)
                for i in 0..<30_000 {
                    try log.appendStatement(sql: "INSERT INTO t VALUES (\(i), 'text of statement \(i)');", outcome: .ok,
                                            rowsChanged: 1, durationMS: 0)
                    if i % 1000 == 0 { try log.append(TestRecord(i: i)) }
                    if i == 12_345 { try log.flush() }   // a flush in the middle, as at a COMMIT
                }
                try log.flush()   // as at the end of a session
            }
            let entries = try lines(path).map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            #expect(entries.count == 30_030)
            #expect(entries.map { $0["seq"] as? Int } == (1...30_030).map { $0 })
            let statements = entries.compactMap { $0["sql"] as? String }
            #expect(statements == (0..<30_000).map { "INSERT INTO t VALUES (\($0), 'text of statement \($0)');" })
            let records = entries.filter { $0["event"] as? String == "test" }.compactMap { $0["i"] as? Int }
            #expect(records == stride(from: 0, to: 30_000, by: 1000).map { $0 })
            // Each record follows the statement it was appended after.
            let afterStatement = entries.indices.filter { entries[$0]["event"] as? String == "test" }.map { entries[$0 - 1]["sql"] as? String }
            #expect(afterStatement == stride(from: 0, to: 30_000, by: 1000).map { "INSERT INTO t VALUES (\($0), 'text of statement \($0)');" })
            #expect(try AuditLog.verify(path: path).ok)
        }
    }
}

@Suite("The audit log's head file")
struct AuditLogHeadTests {
    @Test("verify warns when a log with entries has no head file: its tail cannot be verified")
    func noHeadFile() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/audit.jsonl"
            let log = try AuditLog(path: path)
            for i in 0..<3 { try log.append(TestRecord(i: i)) }
            try log.flush()
            let intact = try AuditLog.verify(path: path)
            #expect(intact.ok && intact.warnings.isEmpty)
            try FileManager.default.removeItem(atPath: AuditLog.headPath(path))
            let result = try AuditLog.verify(path: path)
            #expect(result.ok)
            #expect(result.warnings == ["there is no head file audit.jsonl.head: entries cut from the end of the log cannot be detected — its tail cannot be verified without the head"])
        }
    }

    @Test("a log that is not a regular file (--audit /dev/null, a pipe) gets no head file beside it")
    func noHeadBesideAPipe() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/audit.fifo"
            #expect(mkfifo(path, 0o600) == 0)
            let log = try AuditLog(path: path)
            try log.append(TestRecord(i: 1))
            try log.flush()
            #expect(!FileManager.default.fileExists(atPath: AuditLog.headPath(path)))
            #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir)) == ["audit.fifo"])
        }
    }
}
