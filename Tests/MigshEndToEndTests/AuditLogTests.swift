import Foundation
import Testing

/// The contract's audit log: one JSON object per line, mode 0600, the versions and backup of
/// every `.apply`, and a hash chain that `.audit verify` checks.
@Suite("The audit log")
struct AuditLogTests {
    @Test(".apply is audited with its versions and backup; an edited line breaks the chain")
    func applyIsAuditedAndChainVerified() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            let audit = db + "-audit.jsonl"
            try makeDemoDatabase(db, version: 3)

            let apply = try migsh(["-m", repositoryMigrations, db, ".apply --yes"])
            #expect(apply.status == 0, "\(apply)")
            #expect(schemaVersion(db) == "8")

            #expect(fileExists(audit))
            #expect(fileMode(audit) == 0o600, "the audit log has mode \(String(fileMode(audit) ?? 0, radix: 8))")
            let text = try String(contentsOfFile: audit, encoding: .utf8)
            let lines = text.split(separator: "\n").map(String.init)
            let entries = lines.compactMap(jsonObject)
            #expect(entries.count == lines.count, "some audit lines are not JSON objects")
            let applyEntry = try #require(entries.last { $0["event"] as? String == "apply" },
                                          "no apply entry in:\n\(text)")
            #expect(applyEntry["version_before"] as? Int == 3)
            #expect(applyEntry["version_after"] as? Int == 8)
            let backup = try #require(applyEntry["backup"] as? String, "the apply entry names no backup")
            #expect(fileExists(backup), "the audited backup \(backup) does not exist")
            #expect(sqlite(backup, "select max(version) from Schema_Version") == "3")
            #expect(entries.allSatisfy { $0["seq"] != nil && $0["ts"] != nil && $0["prev"] != nil })

            let verify = try migsh(["-m", repositoryMigrations, db, ".audit verify"])
            #expect(verify.status == 0, "\(verify)")
            #expect(!verify.stderr.contains("Error"), "\(verify)")

            // Rewrite history: the apply claims to have stopped at 7.
            let edited = text.replacingOccurrences(of: #""version_after":8"#, with: #""version_after":7"#)
            try #require(edited != text, "no \"version_after\":8 to edit in:\n\(text)")
            try edited.write(toFile: audit, atomically: false, encoding: .utf8)
            let before = dump(db)

            let tampered = try migsh(["-m", repositoryMigrations, db, ".audit verify"])

            #expect(tampered.status == 1, "\(tampered)")
            #expect(!tampered.stderr.isEmpty, "\(tampered)")
            #expect(dump(db) == before)
        }
    }

    /// The audit lines of a long transaction are written in batches on a second thread; a
    /// batch that cannot be written (here: a file-size limit, as on a full disk) is said on
    /// stderr when the transaction ends, never dropped in silence.
    @Test("an audit log that cannot grow is reported on stderr, and the statements' work is kept")
    func auditWriteFailureIsReported() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            #expect(sqlite(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);") == "")
            var script = "BEGIN;\n"
            for i in 1...4000 { script += "INSERT INTO t (v) VALUES ('\(i)');\n" }
            script += "COMMIT;\n"
            let limit = 256   // KiB: room for the database, not for 4,000 audit lines (~600 KiB)
            let result = try runProcess("/bin/bash", ["-c", "ulimit -f \(limit); exec \"$0\" \"$@\"", migshBinary, "--noinit", db],
                                        stdin: Data(script.utf8), timeout: 60)
            #expect(result.stderr.contains("warning: cannot write the audit log"), "\(result)")
            #expect(!result.stdout.contains("cannot write"), "\(result)")
            #expect(sqlite(db, "SELECT count(*) FROM t;") == "4000")
            // What was written is a sound chain.
            let verify = try migsh([db, ".audit verify"])
            #expect(verify.status == 0, "\(verify)")
        }
    }
}
