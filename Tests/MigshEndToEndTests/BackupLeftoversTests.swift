import Foundation
import MigshTestSupport
import Testing

/// A `.backup` killed mid-copy leaves a full-size `NAME.partial` in the backups folder. The
/// next backup removes such leftovers — but never the `.partial` of a backup another live
/// process is writing: a writer holds an exclusive `flock` on its `.partial`, so a leftover is
/// one whose lock can be taken.
@Suite("Leftovers of killed backups")
struct BackupLeftoversTests {
    /// A database of about `megabytes` MB, written by python's sqlite3.
    func makeDatabase(_ db: String, megabytes: Int) throws {
        let result = try runProcess("/usr/bin/python3", ["-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            c.execute('create table t(a)')
            c.executemany('insert into t values (?)', (('x' * 1000,) for _ in range(int(sys.argv[2]) * 1000)))
            c.commit()
            """, db, String(megabytes)])
        #expect(result.status == 0, "\(result)")
    }

    func partials(_ folder: String) -> [String] {
        fileNames(in: folder).filter { $0.contains(".partial") }.sorted()
    }

    @Test("a .backup killed with SIGKILL mid-copy leaves a .partial; the next .backup removes it")
    func killedBackupLeftoverRemoved() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDatabase(db, megabytes: 120)
            let snapshots = dir + "/snapshots"
            let child = try ChildProcess(executable: migshBinary, arguments: ["--noinit", db, ".backup"],
                                         environment: ProcessInfo.processInfo.environment)
            // Kill it once the copy has begun (its .partial has pages in it).
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline && child.isRunning {
                if let name = partials(snapshots).first(where: { $0.hasSuffix(".partial") }),
                   let size = try? FileManager.default.attributesOfItem(atPath: snapshots + "/" + name)[.size] as? Int, size > 0 { break }
                usleep(2_000)
            }
            try #require(child.isRunning, "the backup finished before it could be killed; a larger database is needed")
            child.kill()
            let leftovers = partials(snapshots)
            #expect(leftovers.contains { $0.hasSuffix(".sqlite.partial") }, "\(leftovers)")

            let next = try migsh([db, ".backup"])
            #expect(next.status == 0, "\(next)")
            #expect(next.stdout.hasPrefix("backup: \(snapshots)/db-migration_backup_"), "\(next)")
            #expect(partials(snapshots).isEmpty, "left: \(partials(snapshots))")
            let backups = fileNames(in: snapshots).filter { $0.hasSuffix(".sqlite") }
            #expect(backups.count == 1, "\(backups)")
            if let backup = backups.first {
                #expect(sqlite(snapshots + "/" + backup, "pragma integrity_check") == "ok")
                #expect(sqlite(snapshots + "/" + backup, "select count(*) from t") == sqlite(db, "select count(*) from t"))
            }
        }
    }

    @Test("a .partial another process holds locked is kept; an unlocked one (and its journal) is removed")
    func liveBackupKept() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            _ = sqlite(db, "create table t(a); insert into t values (1), (2);")
            let snapshots = dir + "/snapshots"
            try FileManager.default.createDirectory(atPath: snapshots, withIntermediateDirectories: true)
            let live = snapshots + "/other-migration_backup_20300101_000000.sqlite.partial"
            let dead = snapshots + "/db-migration_backup_20200101_000000.sqlite.partial"
            for path in [live, dead] { try FileManager.default.copyItem(atPath: db, toPath: path) }
            FileManager.default.createFile(atPath: dead + "-journal", contents: Data("hot".utf8))

            // The "other process": python holding flock(LOCK_EX) on `live` until its stdin closes.
            let ready = dir + "/locked"
            let input = RawPipe()
            let holder = try ChildProcess(executable: "/usr/bin/python3", arguments: ["-c", """
                import fcntl, sys
                f = open(sys.argv[1], 'rb')
                fcntl.flock(f, fcntl.LOCK_EX)
                open(sys.argv[2], 'w').close()
                sys.stdin.read()
                """, live, ready], environment: ProcessInfo.processInfo.environment, stdin: .descriptor(input.readEnd))
            input.closeRead()
            defer { input.closeWrite(); _ = holder.wait(timeout: 10) }
            let deadline = Date().addingTimeInterval(10)
            while !fileExists(ready) && Date() < deadline { usleep(5_000) }
            try #require(fileExists(ready), "the lock holder did not start")

            let result = try migsh([db, ".backup"])
            #expect(result.status == 0, "\(result)")
            #expect(fileExists(live), "the live backup's .partial was removed")
            #expect(!fileExists(dead) && !fileExists(dead + "-journal"), "\(partials(snapshots))")
        }
    }

    @Test("a second .backup while the first is copying leaves the first's .partial alone: both finish")
    func concurrentBackups() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDatabase(db, megabytes: 120)
            let snapshots = dir + "/snapshots"
            let run = try StartedProcess(migshBinary, ["--noinit", db, ".backup"])
            let first = run.child
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline && first.isRunning && !partials(snapshots).contains(where: { $0.hasSuffix(".partial") }) { usleep(2_000) }
            try #require(first.isRunning, "the first backup finished before the second started")

            let second = try migsh([db, ".backup"])
            #expect(second.status == 0, "\(second)")
            let firstResult = try run.finish(timeout: 60)
            let text = firstResult.description
            #expect(firstResult.status == 0, "\(text)")
            let backups = fileNames(in: snapshots).filter { $0.hasSuffix(".sqlite") }.sorted()
            #expect(backups.count == 2, "\(backups) \(text)")
            for backup in backups {
                #expect(sqlite(snapshots + "/" + backup, "select count(*) from t") == "120000")
            }
            #expect(partials(snapshots).isEmpty)
        }
    }
}
