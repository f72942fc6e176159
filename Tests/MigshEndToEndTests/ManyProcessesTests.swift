import Foundation
import MigshTestSupport
import Testing

// migsh beside other migsh processes and beside other databases: one audit chain shared by
// every process that appends to it, and backups that belong to the database they came from.

/// Runs migsh interactively on a pseudo-terminal (`script`), typing `lines` one at a time as
/// a person would (a terminal's input queue holds 4 KiB: a whole script at once overflows it).
func migshInteractive(_ arguments: [String], lines: [String], home: String) throws -> ProcessResult {
    let input = home + "/typed.txt"
    try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
    let command = ([migshBinary, "--noinit"] + arguments).map(TerminalDriver.shellQuote).joined(separator: " ")
    let typing = "while IFS= read -r l; do printf '%s\\n' \"$l\"; sleep 0.002; done < \(TerminalDriver.shellQuote(input))"
    return try runProcess("/bin/sh", ["-c", "\(typing) | script -qec \(TerminalDriver.shellQuote(command)) /dev/null"],
                          environment: ["MIGSH_HISTORY": home + "/history", "HOME": home, "NO_COLOR": "1"], timeout: 120)
}

/// The audit log's entries (one JSON object per line).
func auditLogEntries(_ path: String) -> [[String: Any]] {
    String(decoding: contents(of: path) ?? Data(), as: UTF8.self).split(separator: "\n").compactMap { jsonObject(String($0)) }
}

@Suite("Many processes, many databases")
struct ManyProcessesTests {
    // MARK: One audit chain

    /// Each process waits up to 60 s for the lock: in rollback-journal mode a stream of
    /// writers can keep a reader waiting past the default 5 s on a loaded 2-core machine (seen
    /// with the build from before this change too); what is tested is the audit chain.
    @Test("8 processes × 300 statements at once — batch, interactive and --readonly — leave one intact chain with every line")
    func concurrentAppendsKeepTheChain() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            let log = db + "-audit.jsonl"
            try makeDemoDatabase(db, version: 8)
            _ = sqlite(db, "create table hits(process integer, n integer)")
            let linesBefore = auditLogEntries(log).count
            let statements = 300
            let group = DispatchGroup()
            let results = LockedResults()
            for p in 0..<8 {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    do {
                        let result: ProcessResult
                        switch p % 4 {
                        case 0, 1:  // batch writers
                            let script = (1...statements).map { "insert into hits values (\(p), \($0));" }.joined(separator: "\n") + "\n"
                            result = try migsh(["--busy-timeout", "60000", "-m", repositoryMigrations, db], script: script)
                        case 2:  // --readonly readers
                            let script = (1...statements).map { "select count(*) from hits where n = \($0);" }.joined(separator: "\n") + "\n"
                            result = try migsh(["--readonly", "--busy-timeout", "60000", "-m", repositoryMigrations, db], script: script)
                        default:  // interactive sessions on a terminal
                            let home = dir + "/home\(p)"
                            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
                            result = try migshInteractive(["--busy-timeout", "60000", "-m", repositoryMigrations, db],
                                                          lines: (1...statements).map { "insert into hits values (\(p), \($0));" } + [".quit"], home: home)
                        }
                        results.add(p, result)
                    } catch {
                        results.add(p, ProcessResult(status: -1, stdout: "", stderr: "\(error)", duration: 0))
                    }
                }
            }
            group.wait()
            for (p, result) in results.all { #expect(result.status == 0, "process \(p): \(result)") }
            #expect(sqlite(db, "select count(*) from hits") == "\(6 * statements)")

            // Every process wrote its session start and end and one line per statement; the
            // interactive ones also their .quit.
            let entries = auditLogEntries(log)
            #expect(entries.count == linesBefore + 8 * (statements + 2) + 2, "\(entries.count) entries")
            #expect(entries.dropFirst(linesBefore).filter { $0["event"] as? String == "sql" }.count == 8 * statements)
            let verify = try migsh(["-m", repositoryMigrations, db, ".audit verify"])
            #expect(verify.status == 0, "\(verify)")
            #expect(verify.stdout.contains("hash chain intact"), "\(verify)")
        }
    }

    @Test("a writer cut short mid-append leaves one cut line: .audit verify names it and the chain goes on past it")
    func cutLineIsNamed() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            let log = db + "-audit.jsonl"
            try makeDemoDatabase(db, version: 8)
            // What a writer killed inside write(2) leaves: the start of a line, no newline.
            let handle = try #require(FileHandle(forWritingAtPath: log))
            handle.seekToEndOfFile()
            handle.write(Data(#"{"duration_ms":0,"event":"sql","outcome":"ok","prev":"a1b2"#.utf8))
            try handle.close()
            let cutLine = String(decoding: contents(of: log)!, as: UTF8.self).split(separator: "\n").count
            for i in 1...3 {
                #expect(try migsh(["-m", repositoryMigrations, db, "select \(i)"]).status == 0)
            }
            let verify = try migsh(["-m", repositoryMigrations, db, ".audit verify"])
            #expect(verify.status == 0, "\(verify)")
            #expect(verify.stdout.contains("hash chain intact"), "\(verify)")
            #expect(verify.stdout.contains("line \(cutLine) cut short"), "\(verify)")

            // A writer really killed: whatever it had written stays chained.
            let writer = try ChildWriter(db: db)
            usleep(300_000)
            writer.kill()
            let after = try migsh(["-m", repositoryMigrations, db, ".audit verify"])
            #expect(after.status == 0, "\(after)")
        }
    }

    // MARK: Backups that belong to their database

    /// Two databases in one folder, both migrated 3 → 5 → 8 by migsh (default backups folder),
    /// the second with its relationship rows deleted.
    func twoDatabases(_ dir: String) throws -> (a: String, b: String) {
        let a = dir + "/a.sqlite", b = dir + "/b.sqlite"
        for db in [a, b] {
            try makeDemoDatabase(db, version: 3)
            #expect(try migsh(["-m", repositoryMigrations, db, ".apply --to 5 --yes"]).status == 0)
            #expect(try migsh(["-m", repositoryMigrations, db, ".apply --yes"]).status == 0)
        }
        _ = sqlite(b, "delete from Project_Product_Relationships")
        // b's newest backup holds b's data as it is now: no relationship rows.
        #expect(try migsh(["-m", repositoryMigrations, b, ".backup"]).status == 0)
        return (a, b)
    }

    @Test("two databases share snapshots/: --latest and --version each restore their own backup")
    func ownBackupsOnly() throws {
        try withTemporaryDirectory { dir in
            let (a, b) = try twoDatabases(dir)
            let rowsA = sqlite(a, "select count(*) from Project_Product_Relationships")
            try #require(rowsA != "0")
            // a's own v5 backup, although b's is newer.
            let byVersion = try migsh(["-m", repositoryMigrations, a, ".restore --version 5 --yes"])
            #expect(byVersion.status == 0, "\(byVersion)")
            #expect(byVersion.stdout.contains("/snapshots/a-migration_backup_"), "\(byVersion)")
            #expect(schemaVersion(a) == "5")
            #expect(sqlite(a, "select count(*) from Project_Product_Relationships") == rowsA)

            let latest = try migsh(["-m", repositoryMigrations, b, ".restore --latest --yes"])
            #expect(latest.status == 0, "\(latest)")
            #expect(latest.stdout.contains("/snapshots/b-"), "\(latest)")

            let list = try migsh(["-m", repositoryMigrations, a, ".backups"])
            #expect(list.status == 0, "\(list)")
            #expect(list.stdout.contains("a-migration_backup") && !list.stdout.contains("b-migration_backup"), "\(list)")
            let all = try migsh(["-m", repositoryMigrations, a, ".backups --all"])
            #expect(all.stdout.contains("b-migration_backup_") && all.stdout.contains("b.sqlite (other)") && all.stdout.contains("this database"), "\(all)")
        }
    }

    @Test("another database's backup is refused without --from-other, with a warning even with --yes; with it, restored and audited")
    func foreignBackupNeedsTheFlag() throws {
        try withTemporaryDirectory { dir in
            let (a, b) = try twoDatabases(dir)
            let foreign = try #require(fileNames(in: dir + "/snapshots").filter { $0.hasPrefix("b-") && $0.hasSuffix(".sqlite") }.sorted().last)
            let before = dump(a)
            let snapshots = fileNames(in: dir + "/snapshots")
            let refused = try migsh(["-m", repositoryMigrations, a, ".restore \(foreign) --yes"])
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr.contains("WARNING: ") && refused.stderr.contains("taken from another database: \(b)"), "\(refused)")
            #expect(refused.stderr.contains("--from-other"), "\(refused)")
            #expect(dump(a) == before)
            #expect(fileNames(in: dir + "/snapshots") == snapshots, "a refused restore left files")

            let idA = sqlite(a, "select id from migsh_database")
            let forced = try migsh(["-m", repositoryMigrations, a, ".restore \(foreign) --from-other --yes"])
            #expect(forced.status == 0, "\(forced)")
            #expect(forced.stderr.contains("taken from another database"), "\(forced)")
            #expect(sqlite(a, "select count(*) from Project_Product_Relationships") == "0")
            #expect(sqlite(a, "select id from migsh_database") == idA, "a took b's identity")
            let audited = auditLogEntries(a + "-audit.jsonl").last { $0["event"] as? String == "restore" && $0["outcome"] as? String == "ok" }
            #expect(audited?["from_other_database"] as? String == b, "\(String(describing: audited))")
        }
    }

    @Test(".restore of the live database file itself is refused at once, leaving no file behind")
    func restoreOntoItself() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let snapshots = fileNames(in: dir + "/snapshots")
            let before = dump(db)
            // Another process holds the write lock and migsh would wait 10 minutes for it: refused
            // "at once" means before any wait for the lock (a wait ends in migsh(_:)'s 60 s limit).
            try withSQLiteSession(db, finalSQL: "ROLLBACK;") { holder in
                try holder.run("BEGIN IMMEDIATE;")
                for spelling in [db, "./db.sqlite", dir + "/../" + (dir as NSString).lastPathComponent + "/db.sqlite"] {
                    let result = try migsh(["--busy-timeout", "600000", "-m", repositoryMigrations, db, ".restore \(spelling) --yes"], cwd: dir)
                    #expect(result.status == 1, "\(spelling): \(result)")
                    #expect(result.stderr.contains("is the live database itself"), "\(result)")
                }
            }
            #expect(fileNames(in: dir + "/snapshots") == snapshots)
            #expect(dump(db) == before)
        }
    }

    @Test("a database with a damaged page is restored from its last good backup; the damaged files are kept, marked damaged")
    func damagedDatabaseIsRestored() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let clean = dump(db)
            #expect(try migsh(["-m", repositoryMigrations, db, ".backup"]).status == 0)
            // Damage the Projects table's page (its cells), not the file header.
            let page = try #require(Int(sqlite(db, "select rootpage from sqlite_master where name = 'Projects'")))
            let size = try #require(Int(sqlite(db, "pragma page_size")))
            let handle = try #require(FileHandle(forUpdatingAtPath: db))
            try handle.seek(toOffset: UInt64((page - 1) * size + 100))
            handle.write(Data(repeating: 0xEE, count: size - 200))
            try handle.close()
            #expect(sqlite(db, "pragma quick_check") != "ok")

            let restore = try migsh(["-m", repositoryMigrations, db, ".restore --latest --yes"])
            #expect(restore.status == 0, "\(restore)")
            #expect(restore.stdout.contains("the damaged database was kept as it was"), "\(restore)")
            #expect(sqlite(db, "pragma integrity_check") == "ok")
            #expect(dump(db) == clean)
            let damaged = try #require(fileNames(in: dir + "/snapshots").first { $0.contains("pre_restore_damaged") && $0.hasSuffix(".sqlite") })
            let manifest = jsonObject(String(decoding: contents(of: dir + "/snapshots/" + damaged + ".json") ?? Data(), as: UTF8.self))
            #expect(manifest?["damaged"] as? Bool == true, "\(String(describing: manifest))")
            #expect(fileMode(dir + "/snapshots/" + damaged) == 0o600)
        }
    }

    @Test(".open switches to the other database's backups and audit log: .restore --latest restores the database now open")
    func openRederivesDefaults() throws {
        try withTemporaryDirectory { dir in
            let a = dir + "/a.sqlite"
            try FileManager.default.createDirectory(atPath: dir + "/other", withIntermediateDirectories: true)
            let b = dir + "/other/b.sqlite"
            try makeDemoDatabase(a, version: 8)
            try makeDemoDatabase(b, version: 8)
            let projects = sqlite(b, "select count(*) from Projects")
            #expect(try migsh(["-m", repositoryMigrations, b, ".backup"]).status == 0)
            _ = sqlite(b, "delete from Project_Product_Relationships; delete from Projects where project_id > 1")

            let result = try migsh(["-m", repositoryMigrations, a], script: ".open \(b)\n.restore --latest --yes\n")
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains(dir + "/other/snapshots/b-migration_backup_"), "\(result)")
            #expect(sqlite(b, "select count(*) from Projects") == projects)
            // The switch is in a's log; b's log has the session from .open on.
            #expect(auditLogEntries(a + "-audit.jsonl").contains { $0["event"] as? String == "open" && $0["database"] as? String == b })
            #expect(auditLogEntries(b + "-audit.jsonl").contains { $0["event"] as? String == "restore" })
        }
    }
}

/// Results gathered from threads.
final class LockedResults: @unchecked Sendable {
    // @unchecked Sendable: every access goes through `lock`.
    private let lock = NSLock()
    private var results: [(Int, ProcessResult)] = []
    func add(_ p: Int, _ r: ProcessResult) { lock.lock(); results.append((p, r)); lock.unlock() }
    var all: [(Int, ProcessResult)] { lock.lock(); defer { lock.unlock() }; return results }
}

/// A migsh writing statements in a loop until killed.
final class ChildWriter {
    private let child: ChildProcess
    private let input = RawPipe()

    init(db: String) throws {
        child = try ChildProcess(executable: migshBinary, arguments: ["--noinit", "-m", repositoryMigrations, db],
                                 environment: ProcessInfo.processInfo.environment, stdin: .descriptor(input.readEnd))
        input.closeRead()
        Thread.detachNewThread { [input] in
            for i in 0..<100_000 { input.writeAll(Data("select \(i);\n".utf8)) }
        }
    }

    func kill() {
        child.kill()
        _ = child.wait(timeout: 5)
        input.closeWrite()
    }
}
