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
}
