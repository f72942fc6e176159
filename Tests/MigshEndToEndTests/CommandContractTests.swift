import Foundation
import MigshTestSupport
import Testing

/// What holds for every command, and the commands nothing else checked (`.stats`, `.timeout`),
/// judged by sqlite3 and by the sources, not by migsh's own registry.
@Suite("The command contract: .stats, .timeout, one JSON document per command")
struct CommandContractTests {
    // MARK: .stats

    /// sqlite3's `.stats` lines whose figures depend on the process (memory, the page cache,
    /// I/O): their labels must match, their numbers cannot.
    static let processDependent = [
        "Memory Used:", "Number of Outstanding Allocations:", "Number of Pcache Overflow Bytes:", "Largest Allocation:",
        "Largest Pcache Allocation:", "Lookaside Slots Used:", "Successful lookaside attempts:", "Lookaside failures due to size:",
        "Lookaside failures due to OOM:", "Pager Heap Usage:", "Page cache hits:", "Page cache misses:", "Page cache writes:",
        "Page cache spills:", "Schema Heap Usage:", "Statement Heap/Lookaside Usage:", "Memory used by prepared stmt:",
        "Bytes received by read():", "Bytes sent to write():", "Read() system calls:", "Write() system calls:",
        "Bytes read from storage:", "Bytes written to storage:", "Cancelled write bytes:",
    ]

    static func masked(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard let label = processDependent.first(where: { line.hasPrefix($0) }) else { return String(line) }
            return label + " N"
        }.joined(separator: "\n")
    }

    @Test(".stats on|stmt|vmstep|off and .stats alone: sqlite3's lines, its statement counters and column origins")
    func stats() throws {
        let script = """
            create table t(a int, b text); insert into t values(1,'x'),(2,'y');
            .stats on
            select * from t order by b;
            .stats stmt
            select a from t;
            .stats vmstep
            select count(*) from t;
            .stats off
            select 1;
            .stats

            """
        let reference = try runProcess(sqlite3Binary, ["-batch", ":memory:"], stdin: Data(script.utf8), timeout: 30)
        #expect(reference.status == 0 && reference.stderr.isEmpty, "\(reference)")
        let result = try migsh([":memory:"], script: script)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "", "\(result)")
        // The counters that do not depend on the process, as sqlite3 prints them.
        #expect(result.stdout.contains("Sort Operations:                     1\n"), "\(result)")
        #expect(result.stdout.contains("Column 0 origin name:                a\n"), "\(result)")
        #expect(result.stdout.contains("VM-steps: "), "\(result)")
        #expect(Self.masked(result.stdout) == Self.masked(reference.stdout))
    }

    // MARK: .timeout

    @Test(".timeout 0 stops waiting for another process's lock: 'database is locked' at once, exit 1, though --busy-timeout is 10 minutes")
    func timeoutZero() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/t.sqlite"
            _ = sqlite(db, "create table t(x)")
            try withSQLiteSession(db, finalSQL: "ROLLBACK;") { holder in
                try holder.run("BEGIN IMMEDIATE; INSERT INTO t VALUES (1);")
                // Were .timeout ignored, migsh would wait the 600 s of --busy-timeout and be
                // stopped by the 60 s limit of `migsh(_:)` (exit not 1, no message).
                let result = try migsh(["--busy-timeout", "600000", db], script: ".timeout 0\ninsert into t values (2);\n")
                #expect(result.status == 1, "\(result)")
                #expect(result.stderr.contains("database is locked"), "\(result)")
                #expect(result.stdout == "", "\(result)")
            }
            #expect(sqlite(db, "select count(*) from t") == "0")
        }
    }

    @Test(".timeout MS after --busy-timeout 0: waits for the lock and writes once the other process commits")
    func timeoutWaits() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/t.sqlite"
            _ = sqlite(db, "create table t(x)")
            let ready = dir + "/ready"
            let holder = try SQLiteSession(database: db)
            try holder.run("BEGIN IMMEDIATE; INSERT INTO t VALUES (1);")
            // migsh marks that it reached the insert (after .timeout) by creating `ready`; the
            // holder commits only then, so with --busy-timeout 0 alone the insert would fail.
            let script = ".timeout 600000\n.shell touch \(ready)\ninsert into t values (2);\n"
            let run = try StartedProcess(migshBinary, ["--noinit", "--busy-timeout", "0", db], input: .data(Data(script.utf8)))
            let child = run.child
            var waited = 0
            while !fileExists(ready) && child.isRunning && waited < 3000 { Thread.sleep(forTimeInterval: 0.01); waited += 1 }
            #expect(fileExists(ready), "migsh never reached the insert: \(run.stdout)\(run.stderr)")
            // Wait on the event that migsh sits in SQLite's busy handler (its sleep), not on a delay.
            waited = 0
            while child.isRunning && !Self.sleeping(child.pid) && waited < 3000 { Thread.sleep(forTimeInterval: 0.01); waited += 1 }
            holder.close(finalSQL: "COMMIT;")
            let result = try run.finish(timeout: 60)
            #expect(result.status == 0, "\(result)")
            #expect(sqlite(db, "select group_concat(x) from t") == "1,2")
        }
    }

    /// Whether `pid` is in a sleep system call (nanosleep or clock_nanosleep, as SQLite's busy
    /// handler sleeps), read from /proc.
    static func sleeping(_ pid: pid_t) -> Bool {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/syscall", encoding: .utf8),
              let number = text.split(separator: " ").first.flatMap({ Int($0) }) else { return false }
        return number == 35 || number == 230
    }
}

/// `--json`: each of migsh's own commands prints exactly one JSON document on standard output
/// (read by Foundation's JSON parser), and nothing else.
@Suite("--json prints one document per command")
struct OneJSONDocumentTests {
    /// migsh's own commands (the CONTRACT's table, sqlite3's commands left out), each with
    /// arguments that make it succeed on a demo database at version 5.
    static let invocations: [(name: String, line: String)] = [
        (".version", ".version"), (".history", ".history"), (".pending", ".pending"),
        (".apply", ".apply --dry-run"), (".test", ".test"), (".diff", ".diff"), (".diff", ".diff --sql"),
        (".backup", ".backup"), (".backups", ".backups"), (".check", ".check"), (".lint", ".lint"),
        (".audit", ".audit 3"), (".audit", ".audit verify"), (".repair", ".repair --yes"),
        (".baseline", ".baseline 5 --yes"), (".baseline", ".baseline 5 --force --yes"), (".record", ".record show"), (".rebuild", ".rebuild Users --type email=TEXT"),
        (".restore", ".restore --latest --yes"), (".apply", ".apply --yes"),
    ]

    @Test("each of migsh's own commands: exactly one JSON document on stdout, exit 0", arguments: invocations.map(\.line))
    func oneDocument(line: String) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            // .baseline needs a version to record; .restore a backup.
            if line.hasPrefix(".baseline") { _ = sqlite(db, "delete from Schema_Version where version = 5") }
            // A schema that is not version 5's: the differences are said, but not on stdout.
            if line.contains("--force") { _ = sqlite(db, "create table drift(x)") }
            if line.hasPrefix(".restore") { _ = try migsh(["-m", repositoryMigrations, db, ".backup"]) }
            let result = try migsh(["--json", "-m", repositoryMigrations, db, line])
            #expect(result.status == 0, "\(result)")
            let data = Data(result.stdout.utf8)
            let document = try? JSONSerialization.jsonObject(with: data)
            #expect(document is [String: Any] || document is [Any], "not one JSON object or array:\n\(result)")
            if line.contains("--force") { #expect(result.stderr.contains("drift"), "the differences are said on stderr:\n\(result)") }
        }
    }

    @Test("the list above names every migsh command of the CONTRACT, and each is in .help")
    func coversEveryCommand() throws {
        let help = try migsh([":memory:", ".help"])
        let contract = [".version", ".history", ".pending", ".apply", ".test", ".diff", ".backup", ".backups", ".restore",
                        ".baseline", ".check", ".lint", ".audit", ".repair", ".record", ".rebuild"]
        #expect(Set(Self.invocations.map(\.name)) == Set(contract))
        for name in contract {
            #expect(help.stdout.split(separator: "\n").contains { $0.hasPrefix(name + " ") }, "\(name) not in .help:\n\(help)")
        }
    }
}

/// The spec's §7.2 hints after a failed migration, chosen by SQLite's result code.
@Suite("A failed migration names the spec's cause")
struct MigrationFailureHintTests {
    static let cases: [(body: String, cause: String)] = [
        ("ALTER TABLE Users ADD COLUMN email TEXT;", "Cause: the migration was partially applied before."),
        ("ALTER TABLE No_Such_Table ADD COLUMN x TEXT;", "Cause: a previous migration did not complete."),
    ]

    @Test("duplicate column → partially applied before; no such table → a previous migration did not complete; exit 4",
          arguments: cases.indices)
    func cause(index: Int) throws {
        let c = Self.cases[index]
        try withTemporaryDirectory { dir in
            let folder = dir + "/migrations"
            try ReliabilityKit.migrationsFolder(folder, adding: ["009_fails.sql": Data(ReliabilityKit.migrationText(9, body: c.body).utf8)])
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let result = try migsh(["-m", folder, db, ".apply --yes"])
            #expect(result.status == 4, "\(result)")
            #expect(result.stderr.contains(c.cause), "\(result)")
            #expect(schemaVersion(db) == "8")
            // The hint is followed as written: .diff, never a restore that would throw away
            // what the application writes after the failure.
            #expect(result.stderr.contains("Solution: ") && result.stderr.contains("run .diff"), "\(result)")
            #expect(!result.stderr.contains("Solution: restore from backup"), "\(result)")
            _ = sqlite(db, "insert into Users (username, full_name) values ('written after the failure', 'x')")
            let diff = try migsh(["-m", folder, db, ".diff"])
            #expect(diff.status == 0 && diff.stdout.contains("the live schema matches version 8 exactly"), "\(diff)")
            #expect(sqlite(db, "select count(*) from Users where username = 'written after the failure'") == "1")
        }
    }
}

@Suite(".baseline asks like .apply and .restore")
struct BaselineConfirmationTests {
    @Test(".baseline 5 in batch mode without --yes: refused (exit 1, 'add --yes'), Schema_Version unchanged; with --yes it records 5")
    func baselineWithoutYes() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            _ = sqlite(db, "delete from Schema_Version where version = 5")
            let refused = try migsh(["-m", repositoryMigrations, db, ".baseline 5"])
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr.contains("confirmation needed") && refused.stderr.contains("add --yes"), "\(refused)")
            #expect(refused.stdout == "", "\(refused)")
            #expect(schemaVersion(db) == "4")
            let done = try migsh(["-m", repositoryMigrations, db, ".baseline 5 --yes"])
            #expect(done.status == 0, "\(done)")
            #expect(schemaVersion(db) == "5")
        }
    }
}
