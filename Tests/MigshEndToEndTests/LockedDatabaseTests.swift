import Foundation
import Testing

/// Another process holding the write lock: migsh waits `--busy-timeout`, then fails with a
/// clear "locked" message, changes nothing and leaves no half-written backup behind.
@Suite("A database locked by another process")
struct LockedDatabaseTests {
    /// Runs `command` while a `sqlite3` process holds an open write transaction on a demo
    /// database at 3; then releases the lock and checks nothing changed.
    func runWhileLocked(_ command: String) throws -> ProcessResult {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 3)
            let before = dump(db)
            let snapshots = dir + "/snapshots"
            let backupsBefore = fileNames(in: snapshots)

            let result = try withSQLiteSession(db, finalSQL: "ROLLBACK;") { locker in
                try locker.run("BEGIN IMMEDIATE;\nINSERT INTO Users(username) VALUES('locker');")
                let result = try migsh(["-m", repositoryMigrations, "--busy-timeout", "300", db, command],
                                       timeout: 20)
                #expect(!locker.transcript.lowercased().contains("error"), "the locker failed: \(locker.transcript)")
                return result
            }

            #expect(result.duration < 5, "migsh waited \(result.duration) s for a 300 ms busy timeout")
            #expect(schemaVersion(db) == "3")
            #expect(sqlite(db, "select count(*) from Users where username = 'locker'") == "0")
            #expect(dump(db) == before)
            let backupsAfter = fileNames(in: snapshots)
            #expect(backupsAfter.allSatisfy { !$0.contains(".partial") }, "left behind: \(backupsAfter.sorted())")
            for name in backupsAfter.subtracting(backupsBefore) where name.hasSuffix(".sqlite") {
                #expect(sqlite(snapshots + "/" + name, "PRAGMA integrity_check") == "ok",
                        "incomplete backup \(name) left behind")
            }
            return result
        }
    }

    @Test(".apply fails fast with 'locked' while another process writes")
    func applyWhileLocked() throws {
        let result = try runWhileLocked(".apply --yes")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("locked"), "\(result)")
    }

    @Test(".restore --latest fails fast with 'locked' while another process writes")
    func restoreWhileLocked() throws {
        let result = try runWhileLocked(".restore --latest --yes")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("locked"), "\(result)")
    }
}
