import Foundation
import MigshTestSupport
import Testing

/// What a user trial of Ctrl-C found in the long operations that `InterruptTests` did not
/// cover: `.sha3sum`, `.clone` and `.recover` stopped part-way. The real binary is signalled at
/// an exact moment through its test pause hook; sqlite3 is the oracle for the database and for
/// the hash.
@Suite("Ctrl-C in .sha3sum, .clone, .recover and .audit verify")
struct InterruptTrialTests {
    static let db = InterruptTests.db

    @Test(".sha3sum stopped: no hash is printed (a hash of part of the rows is not the database's), exit 130")
    func sha3sumStopped() throws {
        try withTemporaryDirectory { dir in
            let path = try InterruptTests.database(in: dir)
            let before = dump(path)
            let (result, seen) = try PausedMigsh.interrupted(["-m", "migrations", Self.db, ".sha3sum"], at: ["sha3.row"], cwd: dir)
            #expect(seen == ["sha3.row"])
            #expect(result.status == 130, "\(result)")
            #expect(result.stdout.isEmpty, "a hash was printed:\n\(result)")
            #expect(result.stderr.contains("interrupted: .sha3sum stopped; no hash was printed"), "\(result)")
            #expect(InterruptTests.lastOutcome(dir, event: "command", command: ".sha3sum") == "interrupted")
            #expect(dump(path) == before)
            // Not stopped, it is sqlite3's hash.
            let whole = try migsh(["-m", "migrations", Self.db, ".sha3sum"], cwd: dir)
            #expect(whole.status == 0, "\(whole)")
            #expect(whole.stdout == sqlite(path, ".sha3sum") + "\n")
        }
    }

    @Test(".clone stopped: the partial copy is removed and said, the database as it was, exit 130")
    func cloneStopped() throws {
        try withTemporaryDirectory { dir in
            let path = try InterruptTests.database(in: dir)
            let before = dump(path)
            let (result, seen) = try PausedMigsh.interrupted(["-m", "migrations", Self.db, ".clone copy.sqlite"], at: ["clone.row"], cwd: dir)
            #expect(seen == ["clone.row"])
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted: nothing was changed; no clone was made (the partial copy copy.sqlite was removed)"), "\(result)")
            #expect(!result.stderr.contains("the command before completed"), "\(result)")
            // The table cut short is not said to be done.
            #expect(result.stdout.hasSuffix("... \n"), "\(result)")
            #expect(!fileExists(dir + "/copy.sqlite"), "a partial clone was left")
            #expect(!fileExists(dir + "/copy.sqlite-journal"))
            #expect(InterruptTests.lastOutcome(dir, event: "command", command: ".clone") == "interrupted")
            #expect(dump(path) == before)
            // Nothing is left that stops the next one, which copies every row.
            let again = try migsh(["-m", "migrations", Self.db, ".clone copy.sqlite"], cwd: dir)
            #expect(again.status == 0, "\(again)")
            #expect(sqlite(dir + "/copy.sqlite", "select count(*) from Numbers") == "3000")
        }
    }

    @Test(".once FILE then .recover stopped: FILE is said to be incomplete, the audit says interrupted, exit 130")
    func recoverStopped() throws {
        try withTemporaryDirectory { dir in
            let path = try InterruptTests.database(in: dir)
            let before = dump(path)
            let (result, seen) = try PausedMigsh.interrupted(["-m", "migrations", Self.db], at: ["recover.row"],
                                                              stdin: Data(".once out.sql\n.recover\n.print after\n".utf8), cwd: dir)
            #expect(seen == ["recover.row"])
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted: out.sql is incomplete"), "\(result)")
            #expect(!result.stdout.contains("after"), "the script went on:\n\(result)")
            #expect(InterruptTests.lastOutcome(dir, event: "command", command: ".recover") == "interrupted")
            #expect(dump(path) == before)
        }
    }

    @Test(".audit verify stopped: neither intact nor broken is said, the log is as it was, exit 130")
    func auditVerifyStopped() throws {
        try withTemporaryDirectory { dir in
            _ = try InterruptTests.database(in: dir)
            let log = dir + "/" + Self.db + "-audit.jsonl"
            let (result, seen) = try PausedMigsh.interrupted(["-m", "migrations", Self.db, ".audit verify"], at: ["audit.verify"], cwd: dir)
            #expect(seen == ["audit.verify"])
            #expect(result.status == 130, "\(result)")
            #expect(!result.stdout.contains("audit log ok"), "\(result)")
            #expect(!result.stderr.contains("BROKEN"), "\(result)")
            #expect(result.stderr.contains("interrupted: .audit verify stopped after 0 of"), "\(result)")
            #expect(result.stderr.contains("the log was not fully checked"), "\(result)")
            #expect(InterruptTests.lastOutcome(dir, event: "command", command: ".audit verify") == "interrupted")
            // The interruption is a link of the chain like any other entry.
            let whole = try migsh(["-m", "migrations", Self.db, ".audit verify"], cwd: dir)
            #expect(whole.status == 0, "\(whole)")
            #expect(whole.stdout.hasPrefix("audit log ok"), "\(whole)")
            #expect(fileExists(log))
        }
    }

    @Test(".restore's undo line names the backup once, in balanced parentheses (it said '…sqlite))')")
    func restoreUndoLine() throws {
        try withTemporaryDirectory { dir in
            _ = try InterruptTests.restorable(dir)
            let result = try migsh(["-m", "migrations", Self.db, ".restore snapshots/v1.sqlite --yes"], cwd: dir)
            #expect(result.status == 0, "\(result)")
            let last = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
            let previous = InterruptTests.backups(dir).filter { $0.contains("pre_restore") && $0.hasSuffix(".sqlite") }
            #expect(previous.count == 1, "\(previous)")
            let backup = dir + "/snapshots/" + (previous.first ?? "?")
            #expect(last == "the previous state is in \(backup) (undo with .restore \(backup))")
        }
    }

    @Test(".archive -c stopped while its only file goes in (one statement): rolled back, said, exit 130")
    func archiveStoppedInLastInsert() throws {
        try withTemporaryDirectory { dir in
            try ArchiveCommandTests.makeFiles(in: dir)
            _ = sqlite(dir + "/db.sqlite", "create table t(x)")
            let before = dump(dir + "/db.sqlite")
            let (result, phases) = try PausedMigsh.interrupted(["db.sqlite", ".ar -c d/text.txt"], at: ["archive.inserted"], cwd: dir)
            #expect(phases == ["archive.inserted"])
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted: .archive stopped; nothing was changed"), "\(result)")
            #expect(!result.stderr.contains("the command before completed"), "\(result)")
            #expect(dump(dir + "/db.sqlite") == before)
        }
    }

    @Test("--scratch stopped while it copies the database: the private folder is removed, said, exit 130")
    func scratchCopyStopped() throws {
        try withTemporaryDirectory { dir in
            let path = try InterruptTests.database(in: dir)
            // More pages than one step of the copy takes (4096).
            _ = sqlite(path, "CREATE TABLE Pad(b); INSERT INTO Pad WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) SELECT zeroblob(4000) FROM c;")
            let before = dump(path)
            try FileManager.default.createDirectory(atPath: dir + "/tmp", withIntermediateDirectories: true)
            let run = try PausedMigsh(["-m", "migrations", "--scratch", Self.db, ".print after"], pauseAt: ["backup.copying"],
                                      environment: ["TMPDIR": dir + "/tmp"], cwd: dir)
            #expect(try run.waitForPhase() == "backup.copying")
            run.interrupt()
            let result = try run.finish()
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted: nothing was changed; no scratch copy was made (the partial copy was removed)"), "\(result)")
            #expect(!result.stdout.contains("after"), "the commands ran:\n\(result)")
            #expect(fileNames(in: dir + "/tmp").isEmpty, "left in TMPDIR: \(fileNames(in: dir + "/tmp"))")
            #expect(dump(path) == before)
        }
    }

    @Test("SQL stopped by Ctrl-C is audited as interrupted (it was audited as an error), exit 130")
    func sqlStoppedIsAuditedInterrupted() throws {
        try withTemporaryDirectory { dir in
            let path = try InterruptTests.database(in: dir)
            let before = dump(path)
            let script = "WITH RECURSIVE c(x) AS (SELECT writefile('started', 'x') UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c;\n"
            let run = try StartedProcess(migshBinary, ["--noinit", "-m", "migrations", Self.db], input: .data(Data(script.utf8)), cwd: dir)
            let child = run.child
            defer { child.kill() }
            let deadline = Date().addingTimeInterval(60)
            while !fileExists(dir + "/started") && child.isRunning && Date() < deadline { usleep(1_000) }
            #expect(fileExists(dir + "/started"), "the query never started")
            _ = kill(child.pid, SIGINT)
            let result = try run.finish(timeout: 60)
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted (9)"), "\(result)")
            let statement = InterruptTests.audit(dir).last { $0["event"] as? String == "sql" }
            #expect(statement?["outcome"] as? String == "interrupted", "\(String(describing: statement))")
            #expect(statement?["error"] as? String == "interrupted (9)", "\(String(describing: statement))")
            #expect(dump(path) == before)
        }
    }

    @Test(".new in a scratch session stopped while it rehearses the file: the file is removed and said, exit 130")
    func newStoppedWhileRehearsing() throws {
        try withTemporaryDirectory { dir in
            let path = try InterruptTests.database(in: dir)
            let applied = try migsh(["-m", "migrations", Self.db, ".apply --yes"], cwd: dir)
            #expect(applied.status == 0, "\(applied)")
            let before = dump(path)
            let filesBefore = fileNames(in: dir + "/migrations")
            try FileManager.default.createDirectory(atPath: dir + "/tmp", withIntermediateDirectories: true)
            let script = ".record on\nCREATE TABLE Extra(x);\n.new add extra --from-session\n.print after\n"
            let run = try PausedMigsh(["-m", "migrations", "--scratch", Self.db], pauseAt: ["test.migration"], stdin: Data(script.utf8),
                                      environment: ["TMPDIR": dir + "/tmp", "MIGSH_AUTHOR": "test"], cwd: dir)
            #expect(try run.waitForPhase() == "test.migration")
            run.interrupt()
            let result = try run.finish()
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted: nothing was changed; 003_add_extra.sql was removed before it was checked"), "\(result)")
            #expect(!result.stderr.contains("the command had completed"), "\(result)")
            #expect(!result.stdout.contains("after"), "\(result)")
            #expect(fileNames(in: dir + "/migrations") == filesBefore, "left: \(fileNames(in: dir + "/migrations").subtracting(filesBefore))")
            #expect(InterruptTests.lastOutcome(dir, event: "command", command: ".new") == "interrupted")
            #expect(dump(path) == before)
        }
    }
}

/// The pager, tried at the terminal: quitting it (q) on a query that never ends gives the
/// prompt back (the rest of the rows would be dropped, so they are not computed).
@Suite("The pager: quit on an endless query, Ctrl-C typed in it (tmux)", .serialized, .enabled(if: tmuxIsAvailable, "tmux is not installed"))
struct PagerQuitTrialTests {
    @Test("q in less on an endless SELECT: the prompt comes back and the next query answers")
    func pagerQuitEndlessQuery() throws {
        let layout = TextLayoutTests()
        try layout.withShell(width: 80, environment: ["PAGER": ""]) { terminal, _ in
            try terminal.typeLine("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n;")
            _ = try terminal.waitForCurrentLine("less's prompt", timeout: 20) { $0 == ":" }
            try terminal.press("q")
            _ = try terminal.waitUntil("the prompt after q", timeout: 20) { TextLayoutTests.atPrompt($0) }
            try layout.run(terminal, "SELECT 'answer-' || (6 * 7);")
            let screen = try terminal.screen()
            #expect(screen.contains("answer-42"), "\(screen)")
            #expect(!screen.contains("interrupted"), "\(screen)")
        }
    }

    @Test(".read stopped part-way at the prompt says so and that its transaction is open (it said the command had completed)")
    func readStoppedPartWay() throws {
        let layout = TextLayoutTests()
        try layout.withShell(width: 80) { terminal, dir in
            let database = dir + "/" + TextLayoutTests.databaseName
            let before = dump(database)
            // Ctrl-C comes while the script runs one short INSERT after another (seconds of them):
            // between two lines or inside one, the .read says it stopped.
            let inserts = (1...300_000).map { "INSERT INTO Scripted VALUES (\($0));" }.joined(separator: "\n")
            try ("BEGIN;\nCREATE TABLE Scripted(x);\nSELECT writefile('started', 'x');\n" + inserts + "\nCOMMIT;\n")
                .write(toFile: dir + "/long.sql", atomically: true, encoding: .utf8)
            try terminal.typeLine(".read long.sql")
            let deadline = Date().addingTimeInterval(60)
            while !fileExists(dir + "/started") && Date() < deadline { usleep(1_000) }
            #expect(fileExists(dir + "/started"), "the script never started")
            try terminal.press("C-c")
            _ = try terminal.waitUntil("the prompt, in the transaction", timeout: 30) {
                ($0.split(separator: "\n").last.map(String.init) ?? "").trimmingTrailingWhitespace.hasSuffix("*>")
            }
            // The message is wrapped between words at 80 columns, with a hanging indent.
            let screen = try terminal.screen().replacingOccurrences(of: "\n  ", with: " ")
            #expect(screen.contains("interrupted: .read long.sql stopped part-way; a transaction is open: COMMIT keeps what ran, ROLLBACK drops it"), "\(screen)")
            #expect(!screen.contains("the command had completed"), "\(screen)")
            try layout.run(terminal, "ROLLBACK;")
            #expect(dump(database) == before)
        }
    }

    @Test("Ctrl-C typed in the pager showing .help, then q: no 'interrupted' message, the shell goes on")
    func ctrlCInPagerShowingHelp() throws {
        let layout = TextLayoutTests()
        try layout.withShell(width: 80, environment: ["PAGER": ""]) { terminal, _ in
            try terminal.typeLine(".help")
            _ = try terminal.waitForCurrentLine("less's prompt", timeout: 20) { $0 == ":" }
            try terminal.press("C-c")
            // less drops what was typed ahead while it handles the interrupt, so a `q` sent at
            // once can be lost on a loaded machine: send it again until the shell's prompt shows.
            var back = false
            for _ in 0..<10 where !back {
                try terminal.press("q")
                back = (try? terminal.waitUntil("the prompt after q", timeout: 2) { TextLayoutTests.atPrompt($0) }) != nil
            }
            let screenAfterQ = try terminal.screen()
            #expect(back, "the prompt did not come back after q: \(screenAfterQ)")
            try layout.run(terminal, "SELECT 'answer-' || (6 * 7);")
            let screen = try terminal.screen()
            #expect(screen.contains("answer-42"), "\(screen)")
            #expect(!screen.contains("interrupted"), "\(screen)")
        }
    }
}
