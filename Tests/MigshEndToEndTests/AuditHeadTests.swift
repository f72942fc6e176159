import Foundation
import Testing

/// The audit log's head file (`LOG.head`: last seq and hash) is what shows lines cut from the
/// end of the log, which a hash chain alone cannot see. Cut lines *and* a deleted head once
/// verified "ok"; now the next writer records that the head was missing, and `.audit verify`
/// warns that the tail cannot be verified without it.
@Suite("The audit log without its head file")
struct AuditHeadTests {
    /// `python3`'s view of the log: each line's event, in order (the independent reader).
    func events(_ log: String) throws -> [String] {
        let result = try runProcess("/usr/bin/python3", ["-c", """
            import json, sys
            for line in open(sys.argv[1], encoding='utf-8'):
                print(json.loads(line)['event'])
            """, log])
        #expect(result.status == 0, "\(result)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test("lines cut from the end and the head deleted: .audit verify warns, naming where")
    func cutTailAndDeletedHead() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            let log = db + "-audit.jsonl"
            _ = sqlite(db, "create table t(a)")
            for i in 1...3 {
                let r = try migsh([db, "insert into t values (\(i))"])
                #expect(r.status == 0, "\(r)")
            }
            let intact = try migsh([db, ".audit verify"])
            #expect(intact.status == 0, "\(intact)")
            #expect(intact.stdout.hasPrefix("audit log ok: "), "\(intact)")
            #expect(intact.stderr.isEmpty, "\(intact)")

            // Cut the last two sessions (3 lines each) and delete the head, as one would to
            // hide them.
            let lines = try #require(contents(of: log)).split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
            let kept = lines.count - 6
            try Data(lines.prefix(kept).joined(separator: [0x0A]) + [0x0A]).write(to: URL(fileURLWithPath: log))
            try FileManager.default.removeItem(atPath: log + ".head")

            let verify = try migsh([db, ".audit verify"])
            #expect(verify.status == 0, "\(verify)")
            #expect(!verify.stdout.contains("audit log ok"), "\(verify)")
            #expect(verify.stdout.hasPrefix("audit log chain intact: \(kept + 2) entries, but its end CANNOT BE VERIFIED"), "\(verify)")
            #expect(verify.stderr.contains("warning: the head file db.sqlite-audit.jsonl.head was missing when line \(kept + 1) was written"), "\(verify)")
            #expect(verify.stderr.contains("cannot be verified without the head"), "\(verify)")
            // The writer that found no head said so in the log, right after the lines it found.
            let seen = try events(log)
            #expect(seen.count > kept && seen[kept] == "audit_head_missing", "\(seen)")

            // It stays said: a later verify warns again.
            let later = try migsh(["--json", db, ".audit verify"])
            #expect(later.status == 0, "\(later)")
            let report = try #require(jsonObject(later.stdout), "\(later)")
            #expect((report["warnings"] as? [String])?.count == 1, "\(later)")
        }
    }
}
