import Foundation
import Testing
@testable import MigshCore

/// The start-up paths that replaced Foundation's general machinery, each held to that machinery
/// as the oracle: JSONEncoder for the audit records written by hand, JSONSerialization for the
/// application-version map, NSString for path joining.
@Suite("Start-up paths agree with Foundation")
struct StartupPathTests {
    static let texts = ["", "plain", "with \"quotes\" and \\ backslash", "tab\tnew\nline\r", "/a/b/c.sqlite", "ünïcödé ✓ 🙂",
                        "\u{1}\u{1f}\u{7f}", "it's", "</script>"]

    static func oracle<R: Encodable>(_ record: R) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try e.encode(record), as: UTF8.self)
    }

    static func handWritten<R: AuditRecord>(_ record: R) throws -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        #expect(record.appendFields(into: &out), "\(R.self) writes its fields by hand")
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    @Test("session start, command and session end: byte for byte what JSONEncoder writes")
    func auditRecords() throws {
        for (i, text) in StartupPathTests.texts.enumerated() {
            let other = StartupPathTests.texts[(i + 3) % StartupPathTests.texts.count]
            for scratch in [nil, other] {
                let start = Audit.SessionStart(user: text, host: other, pid: 4_000_000 + i, database: text, migrations: other,
                                               migshVersion: "0.2.0", readonly: i % 2 == 0, scratchOf: scratch)
                #expect(try StartupPathTests.handWritten(start) == StartupPathTests.oracle(start))
            }
            for (error, duration) in [(nil, nil), (other, 12), (text, -1)] as [(String?, Int?)] {
                let outcomes: [Audit.Outcome] = [.ok, .error, .declined, .refused]
                let command = Audit.Command(command: text, outcome: outcomes[i % outcomes.count], error: error, durationMS: duration)
                #expect(try StartupPathTests.handWritten(command) == StartupPathTests.oracle(command))
            }
            let end = Audit.SessionEnd(exitCode: i - 2, user: text, pid: i, database: other)
            #expect(try StartupPathTests.handWritten(end) == StartupPathTests.oracle(end))
        }
    }

    @Test("the application-version map's fast reader gives JSONSerialization's pairs, or leaves the text to it")
    func appVersionPairs() throws {
        let texts = [
            #"{"1.0.0": 1, "1.1.0": 1, "1.6.0": 5}"#, "{\n  \"2.0.0\": 8\n}\n", "{}", " { } ", #"{"1.0.0":0}"#,
            #"{"1.0.0": 01}"#, #"{"1.0.0": 1.0}"#, #"{"1.0.0": -1}"#, #"{"1.0.0": 1e2}"#, #"{"1.0.0": 1,}"#,
            #"{"1.0.0": 1, "1.0.0": 2}"#, #"{"1.0.0": "1"}"#, #"{"a\u0031": 1}"#, #"[1]"#, #"{"1.0.0": 1} x"#,
            #"{"1.0.0": 12345678901}"#, #"{"1.0.0": 1"#, "", #"{"1.0.0" 1}"#,
        ]
        var read = 0
        for text in texts {
            let bytes = Array(text.utf8)
            guard let fast = AppVersionMap.simplePairs(bytes) else { continue }
            read += 1
            let oracle = try #require(try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], "\(text)")
            #expect(fast.count == oracle.count, "\(text)")
            for (key, value) in oracle { #expect(fast[key] as? Int == value as? Int, "\(text): \(key)") }
        }
        #expect(read == 5)
    }

    @Test("folder/name as NSString's appendingPathComponent spells it")
    func join() {
        for folder in ["migrations", "migrations/", "migrations//", "/", "/srv/app/migrations", "./m", "../m/", "a b"] {
            #expect(MigrationFolder.join(folder, "001_x.sql") == (folder as NSString).appendingPathComponent("001_x.sql"), "\(folder)")
        }
    }

    @Test("ASCII trimming leaves what Foundation's white-space trimming leaves, for ASCII text")
    func trimming() {
        for text in ["", " ", "a", " a ", "\t\r\n a b \n\u{0b}\u{0c}", "x\r", "  ünï  "] {
            #expect(text.trimmingASCIIWhitespace() == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text.debugDescription)")
        }
    }

    @Test("absolutePath's remembered answers follow a symlink that is pointed elsewhere, and a file that is replaced")
    func absolutePathFollowsChanges() throws {
        try withTemporaryDirectory { dir in
            let fm = FileManager.default
            try fm.createDirectory(atPath: dir + "/a", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: dir + "/b", withIntermediateDirectories: true)
            try Data("1".utf8).write(to: URL(fileURLWithPath: dir + "/a/db.sqlite"))
            try Data("2".utf8).write(to: URL(fileURLWithPath: dir + "/b/db.sqlite"))
            try fm.createSymbolicLink(atPath: dir + "/live", withDestinationPath: dir + "/a")
            let path = dir + "/live/db.sqlite"
            func oracle() -> String { (path as NSString).standardizingPath }
            #expect(absolutePath(path) == oracle())
            #expect(absolutePath(path) == oracle())
            #expect(oracle().hasSuffix("/a/db.sqlite"))
            try fm.removeItem(atPath: dir + "/live")
            try fm.createSymbolicLink(atPath: dir + "/live", withDestinationPath: dir + "/b")
            #expect(oracle().hasSuffix("/b/db.sqlite"))
            #expect(absolutePath(path) == oracle())
            // Gone: never answered from memory.
            try fm.removeItem(atPath: dir + "/b/db.sqlite")
            #expect(absolutePath(path) == oracle())
        }
    }
}
