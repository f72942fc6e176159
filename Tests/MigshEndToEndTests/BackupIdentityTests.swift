import Foundation
import Testing

// Issue 21: one rule says which backups are this database's, for `.backups`, `--latest`,
// `--version` and `.restore FILE` alike. A file moved with `mv` keeps its backups; a file
// copied with `cp` is not the original (its backups are not the copy's) and becomes its own
// database the first time migsh writes to it. The oracle: the backups folder as listed by the
// file system, and sqlite3 reading the identity table and the rows.
@Suite("Which backups are this database's: mv keeps them, cp makes another database")
struct BackupIdentityTests {
    /// A database at version 7 with pre-apply backups taken by migsh, in `dir`.
    func databaseWithBackups(_ dir: String) throws -> (db: String, backups: [String]) {
        let db = dir + "/db.sqlite"
        try makeDemoDatabase(db, version: 7)
        let backups = fileNames(in: dir + "/snapshots").filter { $0.hasSuffix(".sqlite") }.sorted()
        #expect(!backups.isEmpty)
        return (db, backups)
    }

    @Test("after mv, .backups lists the database's backups and .restore --latest restores the newest")
    func movedDatabaseKeepsItsBackups() throws {
        try withTemporaryDirectory { dir in
            let (db, backups) = try databaseWithBackups(dir)
            let moved = dir + "/moved.sqlite"
            try FileManager.default.moveItem(atPath: db, toPath: moved)

            let list = try migsh([moved, ".backups"])
            #expect(list.status == 0, "\(list)")
            for name in backups { #expect(list.stdout.contains(name), "\(name) not listed: \(list.stdout)") }

            let newest = dir + "/snapshots/" + backups.last!
            let restore = try migsh(["--yes", moved, ".restore --latest"])
            #expect(restore.status == 0, "\(restore)")
            #expect(restore.stdout.contains("restored \(newest)"), "\(restore)")
            #expect(sqlite(moved, "select count(*) from Projects") == sqlite(newest, "select count(*) from Projects"))
        }
    }

    @Test("after cp, the copy has none of the original's backups and refuses to restore one without --from-other")
    func copyIsAnotherDatabase() throws {
        try withTemporaryDirectory { dir in
            let (db, backups) = try databaseWithBackups(dir)
            let copy = dir + "/copy.sqlite"
            try FileManager.default.copyItem(atPath: db, toPath: copy)

            let list = try migsh([copy, ".backups"])
            #expect(list.status == 0, "\(list)")
            for name in backups { #expect(!list.stdout.contains(name), "\(name) listed for the copy: \(list.stdout)") }

            let before = dump(copy)
            let restore = try migsh(["--yes", copy, ".restore \(backups.last!)"])
            #expect(restore.status == 1, "\(restore)")
            #expect(restore.stderr.contains("the backup belongs to another database"), "\(restore.stderr)")
            #expect(dump(copy) == before)
            let latest = try migsh(["--yes", copy, ".restore --latest"])
            #expect(latest.status == 1 && latest.stderr.contains("no backup of this database"), "\(latest)")
        }
    }

    @Test("a copy becomes its own database at migsh's first write: a new identity, and the original's backups stay the original's even once it is gone")
    func copyGetsItsOwnIdentityAtFirstWrite() throws {
        try withTemporaryDirectory { dir in
            let (db, backups) = try databaseWithBackups(dir)
            let copy = dir + "/copy.sqlite"
            try FileManager.default.copyItem(atPath: db, toPath: copy)
            let original = sqlite(db, "select id from migsh_database")
            #expect(sqlite(copy, "select id from migsh_database") == original)

            let apply = try migsh(["--yes", "-m", repositoryMigrations, copy, ".apply"])
            #expect(apply.status == 0, "\(apply)")
            let mine = sqlite(copy, "select id from migsh_database")
            #expect(mine != original && !mine.isEmpty)
            #expect(sqlite(copy, "select path from migsh_database") == copy)
            #expect(sqlite(db, "select id from migsh_database") == original)

            try FileManager.default.removeItem(atPath: db)
            let list = try migsh([copy, ".backups"])
            for name in backups { #expect(!list.stdout.contains(name), "\(name) listed for the copy: \(list.stdout)") }
            #expect(fileNames(in: dir + "/snapshots").contains { $0.hasPrefix("copy-migration_backup_") }, "the copy's own pre-apply backup")
            #expect(list.stdout.contains("copy-migration_backup_"), "\(list.stdout)")
        }
    }
}
