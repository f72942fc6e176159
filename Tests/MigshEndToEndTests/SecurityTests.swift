import Foundation
import Testing

// What migsh writes is private (backups hold every row; the audit log names every statement),
// it never writes through a link someone planted, leaves no copy of the data behind, keeps a
// tamper-evident audit log, and --readonly means read-only.

@Suite("Security: private files, planted symlinks, no leftovers, tamper-evident audit, --readonly")
struct SecurityTests {
    // MARK: Modes

    @Test("backups (.backup, .apply's, the pre-restore one), their manifests and the audit log are 0600; snapshots/ is 0700 — even with umask 000")
    func privateModes() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            try FileManager.default.removeItem(atPath: dir + "/snapshots")
            try FileManager.default.removeItem(atPath: dir + "/db.sqlite-audit.jsonl")

            let result = try runProcess("/bin/bash", [
                "-c", "umask 000; exec \"$0\" \"$@\"", migshBinary, "--noinit", "-m", repositoryMigrations, db,
                ".backup " + dir + "/manual.sqlite", ".apply --yes", ".restore --version 5 --yes",
            ])

            #expect(result.status == 0, "\(result)")
            #expect(fileMode(dir + "/snapshots") == 0o700)
            #expect(fileMode(dir + "/db.sqlite-audit.jsonl") == 0o600)
            #expect(fileMode(dir + "/manual.sqlite") == 0o600)
            #expect(fileMode(dir + "/manual.sqlite.json") ?? 0o600 == 0o600)
            let names = fileNames(in: dir + "/snapshots")
            let automatic = names.filter { $0.hasPrefix("db-migration_backup_") && $0.hasSuffix(".sqlite") }
            let preRestore = names.filter { $0.hasPrefix("db-pre_restore_backup_") && $0.hasSuffix(".sqlite") }
            #expect(automatic.count == 1, "snapshots/: \(names.sorted())")
            #expect(preRestore.count == 1, "snapshots/: \(names.sorted())")
            for name in names {
                #expect(fileMode(dir + "/snapshots/" + name) == 0o600, "snapshots/\(name) has mode \(String(fileMode(dir + "/snapshots/" + name) ?? 0, radix: 8))")
            }
        }
    }

    // MARK: Planted symlinks

    /// Where the planted link sits, relative to the `.backup` target `out.sqlite`.
    static let plantedLinks = [
        "out.sqlite → an existing file",
        "out.sqlite → a file that does not exist yet",
        "out.sqlite.partial → an existing file",
        "out.sqlite.json → an existing file",
    ]

    @Test("a pre-planted symlink on the way of .backup: nothing is written through it", arguments: plantedLinks)
    func plantedSymlink(planted: String) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let victim = dir + "/victim.txt"
            try "precious\n".write(toFile: victim, atomically: true, encoding: .utf8)
            let linkName = String(planted.split(separator: " ")[0])
            let dangling = planted.hasSuffix("does not exist yet")
            try FileManager.default.createSymbolicLink(atPath: dir + "/" + linkName,
                                                       withDestinationPath: dangling ? dir + "/planted.sqlite" : "victim.txt")
            let before = dump(db)

            let result = try migsh(["-m", repositoryMigrations, db, ".backup " + dir + "/out.sqlite"])

            #expect(String(decoding: contents(of: victim) ?? Data(), as: UTF8.self) == "precious\n", "\(result)")
            #expect(!fileExists(dir + "/planted.sqlite"), "a file was created through a dangling link")
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/" + linkName)) != nil,
                    "the planted link was replaced")
            #expect(dump(db) == before)
            if linkName == "out.sqlite" || linkName == "out.sqlite.partial" {
                #expect(result.status == 1, "\(result)")
                #expect(result.stderr.contains(linkName), "\(result)")
            } else {
                // The manifest is a side file: the backup succeeds, and nothing is written
                // through the link (the victim is checked above).
                #expect(result.status == 0, "\(result)")
                #expect(sqlite(dir + "/out.sqlite", "PRAGMA integrity_check") == "ok")
            }
        }
    }

    @Test("an --audit path that is a planted symlink: refused, exit 1, its target untouched, database unchanged")
    func auditLogSymlink() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let victim = dir + "/victim.txt"
            try "precious\n".write(toFile: victim, atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: dir + "/audit.jsonl", withDestinationPath: "victim.txt")
            let before = dump(db)

            let result = try migsh(["--audit", dir + "/audit.jsonl", "-m", repositoryMigrations, db,
                                    "INSERT INTO Users(username) VALUES ('through-a-link')"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("audit log") && result.stderr.contains("audit.jsonl"), "\(result)")
            #expect(String(decoding: contents(of: victim) ?? Data(), as: UTF8.self) == "precious\n")
            #expect(dump(db) == before)
        }
    }

    // MARK: .test leaves nothing behind

    @Test(".test leaves no temporary copy in $TMPDIR, whether the rehearsal passes or fails",
          arguments: ["passes", "fails"])
    func rehearsalLeavesNoCopy(outcome: String) throws {
        try withTemporaryDirectory { dir in
            let tmp = dir + "/tmp"
            try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: false)
            var folder = repositoryMigrations
            if outcome == "fails" {
                folder = dir + "/migrations"
                let text = ReliabilityKit.migrationText(9, body: "UPDATE No_Such_Table SET x = 1;")
                try ReliabilityKit.migrationsFolder(folder, adding: ["009_fails.sql": Data(text.utf8)])
            }
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let before = dump(db)
            let leftoversBefore = fileNames(in: tmp).filter { $0.hasPrefix("migsh-rehearsal-") }

            let result = try migsh(["-m", folder, db, ".test"], environment: ["TMPDIR": tmp + "/"])

            #expect(result.status == (outcome == "passes" ? 0 : 1), "\(result)")
            #expect(leftoversBefore.isEmpty)
            #expect(fileNames(in: tmp).isEmpty, "left in $TMPDIR: \(fileNames(in: tmp).sorted())")
            #expect(dump(db) == before)
        }
    }

    // MARK: The audit log's hash chain

    struct Tampering: Sendable, CustomTestStringConvertible {
        var label: String
        /// Lines 1…9 of the log in, the tampered text out.
        var apply: @Sendable ([String]) -> String
        /// The lines `.audit verify` may name as where the chain breaks.
        var lines: Set<Int>
        var testDescription: String { label }
    }

    static let tamperings: [Tampering] = [
        Tampering(label: "an edited line", apply: { lines in
            var lines = lines
            lines[4] = lines[4].replacingOccurrences(of: "select 2", with: "select 7")
            return lines.joined(separator: "\n") + "\n"
        }, lines: [5, 6]),
        Tampering(label: "a deleted line", apply: { lines in
            var lines = lines
            lines.remove(at: 4)
            return lines.joined(separator: "\n") + "\n"
        }, lines: [5]),
        Tampering(label: "an inserted line", apply: { lines in
            var lines = lines
            lines.insert(#"{"event":"sql","outcome":"ok","prev":"0000","rows_changed":0,"seq":5,"sql":"DROP TABLE Users","ts":"2025-01-01T00:00:00.000Z"}"#, at: 4)
            return lines.joined(separator: "\n") + "\n"
        }, lines: [5, 6]),
        Tampering(label: "a reordered pair", apply: { lines in
            var lines = lines
            lines.swapAt(4, 5)
            return lines.joined(separator: "\n") + "\n"
        }, lines: [5, 6]),
        Tampering(label: "a file truncated in the middle of its last line", apply: { lines in
            let text = lines.joined(separator: "\n") + "\n"
            return String(text.dropLast(40))
        }, lines: [9]),
    ]

    /// A log of three sessions (`select 1`, `select 2`, `select 3`): nine lines.
    static func makeAuditLog(_ dir: String) throws -> (db: String, log: String, lines: [String]) {
        let db = dir + "/db.sqlite"
        try makeDemoDatabase(db, version: 8)
        let log = dir + "/audit.jsonl"
        for i in 1...3 {
            let run = try migsh(["--audit", log, "-m", repositoryMigrations, db, "select \(i)"])
            guard run.status == 0 else { throw EndToEndError.failed("select \(i)", run) }
        }
        let text = String(decoding: contents(of: log) ?? Data(), as: UTF8.self)
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.count == 9, lines[4].contains("select 2") else {
            throw EndToEndError.missingFixture("expected 9 audit lines with `select 2` on line 5, got:\n\(text)")
        }
        return (db, log, lines)
    }

    @Test(".audit verify catches tampering: exit 1, names the line", arguments: tamperings)
    func auditVerifyCatchesTampering(tampering: Tampering) throws {
        try withTemporaryDirectory { dir in
            let (db, log, lines) = try Self.makeAuditLog(dir)
            let intact = try migsh(["--audit", log, "-m", repositoryMigrations, db, ".audit verify"])
            #expect(intact.status == 0, "\(intact)")
            try Data(tampering.apply(lines).utf8).write(to: URL(fileURLWithPath: log))

            let result = try migsh(["--audit", log, "-m", repositoryMigrations, db, ".audit verify"])

            #expect(result.status == 1, "\(result)")
            let output = result.stdout + result.stderr
            let named = firstMatch(of: #"line [0-9]+"#, in: output).flatMap { Int($0.dropFirst(5)) }
            #expect(named.map(tampering.lines.contains) == true,
                    "expected the break at line \(tampering.lines.sorted()), got \(named.map(String.init) ?? "none"):\n\(result)")
        }
    }

    @Test(".audit verify after the last complete lines were cut off")
    func auditVerifyCatchesTailTruncation() throws {
        try withTemporaryDirectory { dir in
            let (db, log, lines) = try Self.makeAuditLog(dir)
            try Data((lines.prefix(6).joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: log))

            let result = try migsh(["--audit", log, "-m", repositoryMigrations, db, ".audit verify"])

            #expect(result.status == 1, "\(result)")
        }
    }

    @Test("after a truncated last line, the next session's entries are still whole JSON lines")
    func appendAfterTruncatedLine() throws {
        try withTemporaryDirectory { dir in
            let (db, log, lines) = try Self.makeAuditLog(dir)
            let truncated = String((lines.joined(separator: "\n") + "\n").dropLast(40))
            try Data(truncated.utf8).write(to: URL(fileURLWithPath: log))

            let result = try migsh(["--audit", log, "-m", repositoryMigrations, db, "select 'after the cut'"])
            #expect(result.status == 0, "\(result)")

            let text = String(decoding: contents(of: log) ?? Data(), as: UTF8.self)
            #expect(text.hasPrefix(truncated), "the damaged log was rewritten, not appended to")
            // Lines 1, 4 and 7 are the three earlier session starts; the new one must be a line of its own.
            let starts = text.split(separator: "\n").compactMap { jsonObject(String($0)) }
                .filter { $0["event"] as? String == "session_start" }
            #expect(starts.count == 4, "the new session_start is not a JSON line of its own:\n\(text.suffix(1200))")
        }
    }

    // MARK: --readonly

    /// A write attempt under --readonly, and what it must leave alone.
    struct WriteAttempt: Sendable, CustomTestStringConvertible {
        var label: String
        var commands: [String]
        /// The database is at version 5 instead of 8 (so that `.apply` has work to do).
        var atVersion5 = false
        var testDescription: String { label }
    }

    static let writeAttempts: [WriteAttempt] = [
        WriteAttempt(label: "INSERT", commands: ["INSERT INTO Users(username) VALUES ('intruder')"]),
        WriteAttempt(label: "UPDATE", commands: ["UPDATE Users SET username = 'renamed'"]),
        WriteAttempt(label: "DELETE", commands: ["DELETE FROM Project_Product_Relationships"]),
        WriteAttempt(label: "CREATE", commands: ["CREATE TABLE intruder(x)"]),
        WriteAttempt(label: "DROP", commands: ["DROP TABLE Contact_Log"]),
        WriteAttempt(label: "PRAGMA user_version=5", commands: ["PRAGMA user_version=5"]),
        WriteAttempt(label: "PRAGMA journal_mode=WAL", commands: ["PRAGMA journal_mode=WAL"]),
        WriteAttempt(label: "ATTACH a new file and write to it",
                     commands: ["ATTACH 'attached.sqlite' AS extra", "CREATE TABLE extra.t(x)", "INSERT INTO extra.t VALUES (1)"]),
        WriteAttempt(label: "ATTACH an existing file and write to it",
                     commands: ["ATTACH 'existing.sqlite' AS extra", "DELETE FROM extra.Users"]),
        WriteAttempt(label: "VACUUM", commands: ["VACUUM"]),
        WriteAttempt(label: ".apply --yes", commands: [".apply --yes"], atVersion5: true),
        WriteAttempt(label: ".restore --latest --yes", commands: [".restore --latest --yes"]),
        WriteAttempt(label: ".baseline 8", commands: [".baseline 8"]),
    ]

    @Test("--readonly refuses every write: exit 1, a clear message, dump and bytes unchanged", arguments: writeAttempts)
    func readonlyRefusesWrites(attempt: WriteAttempt) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: attempt.atVersion5 ? 5 : 8)
            // A backup for .restore --latest, older than the live database's current rows.
            let made = try migsh(["-m", repositoryMigrations, db, ".backup"])
            #expect(made.status == 0, "\(made)")
            _ = sqlite(db, "INSERT INTO Users(username) VALUES ('after the backup')")
            if attempt.label == ".baseline 8" {
                _ = sqlite(db, "DELETE FROM Schema_Version WHERE version > 5")
            }
            try FileManager.default.copyItem(atPath: db, toPath: dir + "/existing.sqlite")
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            let result = try migsh(["--readonly", "-m", repositoryMigrations, db] + attempt.commands, cwd: dir)

            #expect(result.status == 1, "\(result)")
            let message = result.stderr.lowercased()
            #expect(message.contains("readonly") || message.contains("read-only") || message.contains("unable to open"),
                    "\(result)")
            #expect(dump(db) == before)
            ReliabilityKit.expectUnchanged(tree, dir, allowing: ["db.sqlite-audit.jsonl", "db.sqlite-audit.jsonl.head"])
        }
    }

    @Test("--readonly: VACUUM INTO is refused without leaving an empty file (or works, as in sqlite3 -readonly)")
    func readonlyVacuumInto() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            let result = try migsh(["--readonly", "-m", repositoryMigrations, db, "VACUUM INTO 'copy.sqlite'"], cwd: dir)

            #expect(dump(db) == before)
            if result.status == 0 {
                #expect(sqlite(dir + "/copy.sqlite", "PRAGMA integrity_check") == "ok")
            } else {
                #expect(result.status == 1, "\(result)")
                ReliabilityKit.expectUnchanged(tree, dir, allowing: ["db.sqlite-audit.jsonl", "db.sqlite-audit.jsonl.head"])
            }
        }
    }
}
