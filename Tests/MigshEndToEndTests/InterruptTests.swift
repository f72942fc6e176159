import Foundation
import MigshTestSupport
import Testing

/// Ctrl-C in every long operation: stop, leave everything as it was, and say so; a script
/// (batch) then exits 130. The real binary is signalled at exact moments through its test
/// pause hook (`PausedMigsh`); the database is compared afterwards with sqlite3's `.dump`.
@Suite("Ctrl-C stops long work and leaves everything as it was")
struct InterruptTests {
    static let db = "numbers.sqlite"

    /// A migrations folder: 001 makes `Numbers` (3000 rows of 3000 bytes: about 2300 pages,
    /// so a backup takes several steps), 002 copies and indexes it in four statements.
    static func migrations(_ folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
            -- Migration 001: Numbers
            BEGIN TRANSACTION;
            CREATE TABLE Schema_Version (version INTEGER PRIMARY KEY, applied_date DATETIME NOT NULL, applied_by TEXT, description TEXT);
            CREATE TABLE Numbers (n INTEGER PRIMARY KEY, pad BLOB);
            INSERT INTO Numbers WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) SELECT x, zeroblob(3000) FROM c;
            INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (1, CURRENT_TIMESTAMP, 'system', 'Numbers');
            COMMIT;
            """.write(toFile: folder + "/001_numbers.sql", atomically: true, encoding: .utf8)
        try """
            -- Migration 002: Doubled
            BEGIN TRANSACTION;
            CREATE TABLE Doubled (n INTEGER, twice INTEGER);
            INSERT INTO Doubled SELECT n, n * 2 FROM Numbers;
            CREATE INDEX Doubled_twice ON Doubled (twice);
            INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (2, CURRENT_TIMESTAMP, 'system', 'Doubled');
            COMMIT;
            """.write(toFile: folder + "/002_doubled.sql", atomically: true, encoding: .utf8)
    }

    /// `dir/numbers.sqlite` at version 1, with `dir/migrations`; returns the database's path.
    static func database(in dir: String) throws -> String {
        try migrations(dir + "/migrations")
        let made = try migsh(["--create", "-m", dir + "/migrations", db, ".apply --to 1 --yes"], cwd: dir)
        guard made.status == 0 else { throw EndToEndError.failed("creating \(db)", made) }
        return dir + "/" + db
    }

    /// The audit log's entries, parsed.
    static func audit(_ dir: String) -> [[String: Any]] {
        let text = String(decoding: contents(of: dir + "/" + db + "-audit.jsonl") ?? Data(), as: UTF8.self)
        return text.split(separator: "\n").compactMap { jsonObject(String($0)) }
    }

    /// The outcome the audit log gives the last entry of `event` (and, for commands, starting with `command`).
    static func lastOutcome(_ dir: String, event: String, command: String? = nil) -> String? {
        audit(dir).last { entry in
            entry["event"] as? String == event && (command == nil || (entry["command"] as? String)?.hasPrefix(command!) == true)
        }?["outcome"] as? String
    }

    /// The files in the backups folder (no new one, `.partial` or not, after an interrupted change).
    static func backups(_ dir: String) -> Set<String> { fileNames(in: dir + "/snapshots") }

    // MARK: .apply

    @Test(".apply stopped in any phase: rolled back, no backup kept, said, audited, exit 130",
          arguments: ["apply.locked", "backup.copying", "backup.verifying", "apply.statement", "apply.commit", "apply.committed"])
    func applyInAnyPhase(_ phase: String) throws {
        try withTemporaryDirectory { dir in
            let path = try Self.database(in: dir)
            let before = dump(path)
            let backupsBefore = Self.backups(dir)
            let (result, seen) = try PausedMigsh.interrupted(["-m", "migrations", Self.db, ".apply --yes"], at: [phase], cwd: dir)
            #expect(seen == [phase])
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted: nothing was changed"), "\(result)")
            #expect(!result.stderr.contains("MIGRATION FAILED"), "\(result)")
            #expect(dump(path) == before, "the database changed:\n\(result)")
            #expect(schemaVersion(path) == "1")
            #expect(Self.backups(dir) == backupsBefore, "backups left: \(Self.backups(dir).subtracting(backupsBefore))")
            #expect(!fileExists(path + "-journal"))
            #expect(Self.lastOutcome(dir, event: "apply") == "interrupted")
            #expect(Self.lastOutcome(dir, event: "command", command: ".apply") == "interrupted")
            // Nothing is left behind that stops the next run.
            let again = try migsh(["-m", "migrations", Self.db, ".apply --yes"], cwd: dir)
            #expect(again.status == 0, "\(again)")
            #expect(schemaVersion(path) == "2")
        }
    }

    @Test("A second Ctrl-C while .apply rolls back says what it is finishing, and it still finishes")
    func secondInterruptDuringRollback() throws {
        try withTemporaryDirectory { dir in
            let path = try Self.database(in: dir)
            let before = dump(path)
            let backupsBefore = Self.backups(dir)
            let (result, seen) = try PausedMigsh.interrupted(["-m", "migrations", Self.db, ".apply --yes"],
                                                              at: ["apply.statement", "apply.rollback"], cwd: dir)
            #expect(seen == ["apply.statement", "apply.rollback"])
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted again: still rolling back the migrations; it must complete, please wait"), "\(result)")
            #expect(result.stderr.contains("interrupted: nothing was changed"), "\(result)")
            #expect(dump(path) == before)
            #expect(Self.backups(dir) == backupsBefore, "backups left: \(Self.backups(dir).subtracting(backupsBefore))")
        }
    }

    @Test("A statement that would run for many minutes stops at Ctrl-C (the progress handler), and rolls back")
    func longStatementStops() throws {
        try withTemporaryDirectory { dir in
            let path = try Self.database(in: dir)
            // 002 replaced: its second statement counts to five billion (minutes of one core).
            try FileManager.default.removeItem(atPath: dir + "/migrations/002_doubled.sql")
            try """
                -- Migration 002: Forever
                BEGIN TRANSACTION;
                CREATE TABLE Counted (n INTEGER);
                INSERT INTO Counted SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000000) SELECT x FROM c);
                INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (2, CURRENT_TIMESTAMP, 'system', 'Forever');
                COMMIT;
                """.write(toFile: dir + "/migrations/002_forever.sql", atomically: true, encoding: .utf8)
            let before = dump(path)
            let backupsBefore = Self.backups(dir)
            // Paused before statement 1; the signal then lands before the long statement 2 starts.
            let (result, _) = try PausedMigsh.interrupted(["-m", "migrations", Self.db, ".apply --yes"], at: ["apply.statement"], cwd: dir)
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted: nothing was changed"), "\(result)")
            #expect(dump(path) == before)
            #expect(Self.backups(dir) == backupsBefore, "backups left: \(Self.backups(dir).subtracting(backupsBefore))")
        }
    }

    @Test("A script waiting for more input stops at Ctrl-C: its open transaction rolled back, exit 130")
    func scriptWaitingForInput() throws {
        try withTemporaryDirectory { dir in
            let path = try Self.database(in: dir)
            let before = dump(path)
            let run = try StartedProcess(migshBinary, ["--noinit", "-m", "migrations", Self.db], input: .open, cwd: dir)
            let child = run.child
            defer { child.kill() }
            // Standard input stays open: migsh waits for the next line after "ready".
            run.write(Data("BEGIN;\nDELETE FROM Numbers;\n.print ready\n".utf8))
            let deadline = Date().addingTimeInterval(60)
            while !run.stdout.contains("ready") && child.isRunning && Date() < deadline {
                usleep(1_000)
            }
            _ = kill(child.pid, SIGINT)
            let result = try run.finish()
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted: the script stops here"), "\(result)")
            #expect(dump(path) == before)
            run.closeInput()
        }
    }

    @Test(".progress with a large N: Ctrl-C stops a long query at once, not after N steps of SQLite's machine")
    func progressDoesNotDelayCtrlC() throws {
        try withTemporaryDirectory { dir in
            // The query writes `started` when it starts, then counts rows of a megabyte of
            // random bytes each, for ever: 100 million steps would take hours.
            let script = """
                .progress 100000000
                WITH RECURSIVE c(x) AS (SELECT writefile('started', 'x') UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c WHERE length(randomblob(1000000)) > 0;
                .print after

                """
            let run = try StartedProcess(migshBinary, ["--noinit", ":memory:"], input: .data(Data(script.utf8)), cwd: dir)
            let child = run.child
            defer { child.kill() }
            let deadline = Date().addingTimeInterval(60)
            while !fileExists(dir + "/started") && child.isRunning && Date() < deadline { usleep(1_000) }
            #expect(fileExists(dir + "/started"), "the query never started")
            _ = kill(child.pid, SIGINT)
            // Not honoured, the query would run far longer than this wait.
            let result = try run.finish(timeout: 60)
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted"), "\(result)")
            #expect(!result.stdout.contains("after"), "the script went on:\n\(result)")
            #expect(!result.stdout.contains("Progress"), "\(result)")
        }
    }

    // MARK: .backup

    @Test(".backup stopped while copying or verifying: no file, no .partial, exit 130",
          arguments: ["backup.copying", "backup.verifying"])
    func backupStopped(_ phase: String) throws {
        try withTemporaryDirectory { dir in
            let path = try Self.database(in: dir)
            let before = dump(path)
            let backupsBefore = Self.backups(dir)
            let (result, _) = try PausedMigsh.interrupted(["-m", "migrations", Self.db, ".backup"], at: [phase], cwd: dir)
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted: nothing was changed; no backup was taken (the partial copy was removed)"), "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(Self.backups(dir) == backupsBefore, "backups left: \(Self.backups(dir).subtracting(backupsBefore))")
            #expect(dump(path) == before)
            #expect(Self.lastOutcome(dir, event: "command", command: ".backup") == "interrupted")
            #expect(!Self.audit(dir).contains { $0["event"] as? String == "backup" }, "a backup was audited")
        }
    }

    // MARK: .import

    @Test(".import stopped: nothing imported, exit 130")
    func importStopped() throws {
        try withTemporaryDirectory { dir in
            let path = try Self.database(in: dir)
            _ = sqlite(path, "create table Staging(a, b)")
            let before = dump(path)
            let csv = (1...500).map { "\($0),row \($0)" }.joined(separator: "\n") + "\n"
            try csv.write(toFile: dir + "/rows.csv", atomically: true, encoding: .utf8)
            let (result, _) = try PausedMigsh.interrupted(["-m", "migrations", Self.db, ".import --csv rows.csv Staging"],
                                                           at: ["import.row"], cwd: dir)
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted: nothing was changed; nothing was imported"), "\(result)")
            #expect(sqlite(path, "select count(*) from Staging") == "0")
            #expect(dump(path) == before)
            #expect(Self.lastOutcome(dir, event: "command", command: ".import") == "interrupted")
        }
    }

    // MARK: .once + .dump

    @Test(".once FILE then .dump stopped: FILE is said to be incomplete, the audit is not ok, exit 130")
    func dumpStopped() throws {
        try withTemporaryDirectory { dir in
            _ = try Self.database(in: dir)
            let (result, _) = try PausedMigsh.interrupted(["-m", "migrations", Self.db], at: ["dump.row"],
                                                           stdin: Data(".once out.sql\n.dump\n.print after\n".utf8), cwd: dir)
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted: out.sql is incomplete"), "\(result)")
            #expect(!result.stdout.contains("after"), "the script went on:\n\(result)")
            let file = String(decoding: contents(of: dir + "/out.sql") ?? Data(), as: UTF8.self)
            #expect(file.hasSuffix("ROLLBACK; -- interrupted: this dump is incomplete\n"), "\(file.suffix(200))")
            #expect(Self.lastOutcome(dir, event: "command", command: ".dump") == "interrupted")
        }
    }

    // MARK: .restore

    /// `dir` with the database at version 2 and a backup `v1.sqlite` of version 1 in `snapshots`.
    static func restorable(_ dir: String) throws -> String {
        let path = try database(in: dir)
        let backup = try migsh(["-m", "migrations", db, ".backup snapshots/v1.sqlite"], cwd: dir)
        guard backup.status == 0 else { throw EndToEndError.failed(".backup", backup) }
        let apply = try migsh(["-m", "migrations", db, ".apply --yes"], cwd: dir)
        guard apply.status == 0 else { throw EndToEndError.failed(".apply", apply) }
        return path
    }

    @Test(".restore stopped before the backup is in: the database is exactly as it was, and it says so",
          arguments: ["backup.copying", "restore.copying"])
    func restoreStopped(_ phase: String) throws {
        try withTemporaryDirectory { dir in
            let path = try Self.restorable(dir)
            let before = dump(path)
            let backupsBefore = Self.backups(dir)
            let (result, _) = try PausedMigsh.interrupted(["-m", "migrations", Self.db, ".restore snapshots/v1.sqlite --yes"],
                                                           at: [phase], cwd: dir)
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted: nothing was changed; nothing was restored (the database is as it was, version 2)"), "\(result)")
            #expect(dump(path) == before, "the database changed:\n\(result)")
            #expect(Self.backups(dir) == backupsBefore)
            #expect(Self.lastOutcome(dir, event: "restore") == "interrupted")
        }
    }

    @Test(".restore interrupted once the backup is in: it completes, and says so")
    func restoreCompletes() throws {
        try withTemporaryDirectory { dir in
            let path = try Self.restorable(dir)
            let restored = dump(dir + "/snapshots/v1.sqlite")
            let (result, _) = try PausedMigsh.interrupted(["-m", "migrations", Self.db, ".restore snapshots/v1.sqlite --yes"],
                                                           at: ["restore.finishing"], cwd: dir)
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted too late: the backup was already copied in, so the restore completed"), "\(result)")
            #expect(result.stdout.contains("restored "), "\(result)")
            #expect(schemaVersion(path) == "1")
            #expect(sqlite(path, "select count(*), sum(n) from Numbers") == sqlite(dir + "/snapshots/v1.sqlite", "select count(*), sum(n) from Numbers"))
            #expect(!restored.isEmpty)
            #expect(Self.lastOutcome(dir, event: "restore") == "ok")
        }
    }

    // MARK: .repair

    @Test(".repair stopped in its backup or its statements: nothing repaired, no backup kept, exit 130",
          arguments: ["backup.copying", "apply.commit"])
    func repairStopped(_ phase: String) throws {
        try withTemporaryDirectory { dir in
            let path = try Self.restorable(dir)
            _ = sqlite(path, "drop index Doubled_twice")
            let before = dump(path)
            let backupsBefore = Self.backups(dir)
            let (result, _) = try PausedMigsh.interrupted(["-m", "migrations", Self.db, ".repair --yes"], at: [phase], cwd: dir)
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted: nothing was changed"), "\(result)")
            #expect(dump(path) == before)
            #expect(sqlite(path, "select count(*) from sqlite_master where name = 'Doubled_twice'") == "0")
            #expect(Self.backups(dir) == backupsBefore, "backups left: \(Self.backups(dir).subtracting(backupsBefore))")
            #expect(Self.lastOutcome(dir, event: "repair") == "interrupted")
        }
    }

    // MARK: .diff's data probe

    @Test(".diff and .baseline stopped while the data probe copies the database: the partial copy removed, nothing changed, exit 130",
          arguments: [(".diff", "delete"), (".diff", "wal"), (".baseline 2 --yes", "delete")])
    func diffProbeCopyStops(_ command: String, _ journalMode: String) throws {
        try withTemporaryDirectory { dir in
            let path = try Self.database(in: dir)
            _ = sqlite(path, "PRAGMA journal_mode = \(journalMode)")
            // 002 run by hand without its version row: .diff judges its INSERT on a private
            // copy of the database (about 2300 pages, so the copy takes several steps).
            _ = sqlite(path, "CREATE TABLE Doubled (n INTEGER, twice INTEGER); INSERT INTO Doubled SELECT n, n * 2 FROM Numbers; CREATE INDEX Doubled_twice ON Doubled (twice);")
            let before = dump(path)
            let tmp = dir + "/tmp"
            try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
            let run = try PausedMigsh(["-m", "migrations", Self.db, command], pauseAt: ["probe.copying"], environment: ["TMPDIR": tmp], cwd: dir)
            // Paused between two steps of the copy, with pages still to copy.
            #expect(try run.waitForPhase() == "probe.copying")
            let probes = fileNames(in: tmp).filter { $0.hasPrefix("migsh-probe-") }
            #expect(probes.count == 1 && fileNames(in: tmp + "/" + (probes.first ?? "")).contains("probe.sqlite"), "\(fileNames(in: tmp))")
            run.interrupt()
            let result = try run.finish()
            #expect(result.status == 130, "\(result)")
            let name = String(command.prefix { $0 != " " })
            #expect(result.stderr.contains("interrupted: \(name) stopped; nothing was changed"), "\(result)")
            #expect(!result.stderr.contains("Error:"), "\(result)")
            #expect(!result.stdout.contains("Doubled"), "a verdict was printed:\n\(result)")
            #expect(fileNames(in: tmp).isEmpty, "left in TMPDIR: \(fileNames(in: tmp))")
            #expect(dump(path) == before)
            #expect(Self.lastOutcome(dir, event: "command", command: name) == "interrupted")
            #expect(schemaVersion(path) == "1")
        }
    }

    // MARK: .test, .diff, .lint

    @Test("Investigations stop with a message: .test, .diff, .lint",
          arguments: [(".test", "test.migration"), (".diff", "replay.statement"), (".lint", "replay.statement")])
    func investigationsStop(_ command: String, _ phase: String) throws {
        try withTemporaryDirectory { dir in
            let path = try Self.database(in: dir)
            let before = dump(path)
            let (result, _) = try PausedMigsh.interrupted(["-m", "migrations", Self.db, command], at: [phase], cwd: dir)
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted: \(command) stopped; nothing was changed"), "\(result)")
            #expect(!result.stderr.contains("Error:"), "\(result)")
            #expect(dump(path) == before)
            #expect(Self.lastOutcome(dir, event: "command", command: command) == "interrupted")
            // A replay Ctrl-C cut short is not kept in the cache.
            #expect(fileNames(in: dir + "/cache/migsh").filter { !$0.hasPrefix(".") }.isEmpty, "\(fileNames(in: dir + "/cache/migsh"))")
        }
    }
}
