import Foundation
import Testing

/// Spec §11, manual rollback: `.restore` puts a verified backup back, after backing up the
/// current state so that the restore itself can be undone.
@Suite(".restore")
struct RestoreTests {
    @Test("restore to 3 from a file, then back to 8 with --version 8")
    func restoreAndUndo() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            let snapshots = dir + "/snapshots"
            try makeDemoDatabase(db, version: 3)
            let dumpAt3 = dump(db)

            let backup = try migsh(["-m", repositoryMigrations, db, ".backup b3.sqlite"], cwd: dir)
            #expect(backup.status == 0, "\(backup)")
            #expect(sqlite(dir + "/b3.sqlite", "select max(version) from Schema_Version") == "3")

            let apply = try migsh(["-m", repositoryMigrations, db, ".apply --yes"])
            #expect(apply.status == 0, "\(apply)")
            #expect(schemaVersion(db) == "8")
            let dumpAt8 = dump(db)
            let preRestoreBefore = fileNames(in: snapshots).filter { $0.hasPrefix("nukeworks_db-pre_restore_backup_") }
            #expect(preRestoreBefore.isEmpty)

            let restore = try migsh(["-m", repositoryMigrations, db, ".restore b3.sqlite --yes"], cwd: dir)

            #expect(restore.status == 0, "\(restore)")
            #expect(!restore.stderr.contains("Error"), "\(restore)")
            #expect(restore.stdout.contains("b3.sqlite"), "\(restore)")
            #expect(schemaVersion(db) == "3")
            #expect(dump(db) == dumpAt3, "the restored database differs from the one backed up")
            let preRestore = fileNames(in: snapshots)
                .filter { $0.hasPrefix("nukeworks_db-pre_restore_backup_") && $0.hasSuffix(".sqlite") }
            #expect(preRestore.count == 1, "pre-restore backups: \(preRestore.sorted())")
            for name in preRestore {
                #expect(restore.stdout.contains(name), "the undo backup \(name) is not shown:\n\(restore)")
                #expect(sqlite(snapshots + "/" + name, "select max(version) from Schema_Version") == "8")
            }

            // The undo it prints, run verbatim.
            let printed = try #require(firstMatch(of: #"undo with \.restore [^)]+"#, in: restore.stdout), "\(restore)")
            let undo = try migsh(["--yes", "-m", repositoryMigrations, db, String(printed.dropFirst("undo with ".count))], cwd: dir)

            #expect(undo.status == 0, "\(undo)")
            #expect(schemaVersion(db) == "8")
            #expect(dump(db) == dumpAt8, "the printed undo did not bring back the state before the restore")
            #expect(sqlite(db, "PRAGMA integrity_check") == "ok")

            // And by version: this database's newest backup at 3 (the one the undo took).
            let byVersion = try migsh(["-m", repositoryMigrations, db, ".restore --version 3 --yes"], cwd: dir)
            #expect(byVersion.status == 0, "\(byVersion)")
            #expect(dump(db) == dumpAt3)
        }
    }

    @Test("a file that is not an SQLite database is not restored")
    func restoreNonDatabase() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 3)
            let before = dump(db)
            try "hello, I am text\n".write(toFile: dir + "/junk.txt", atomically: true, encoding: .utf8)

            let result = try migsh(["-m", repositoryMigrations, db, ".restore junk.txt --yes"], cwd: dir)

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("not an SQLite database"), "\(result)")
            #expect(result.stderr.contains("junk.txt"), "\(result)")
            #expect(dump(db) == before)
            #expect(schemaVersion(db) == "3")
        }
    }

    @Test(".restore without --yes in batch mode is refused")
    func restoreWithoutYes() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 3)
            #expect(try migsh(["-m", repositoryMigrations, db, ".backup b3.sqlite"], cwd: dir).status == 0)
            #expect(try migsh(["-m", repositoryMigrations, db, ".apply --yes"]).status == 0)
            let before = dump(db)
            let backupsBefore = fileNames(in: dir + "/snapshots")

            let result = try migsh(["-m", repositoryMigrations, db, ".restore b3.sqlite"], cwd: dir)

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("--yes"), "\(result)")
            #expect(schemaVersion(db) == "8")
            #expect(dump(db) == before)
            #expect(fileNames(in: dir + "/snapshots") == backupsBefore, "a refused .restore took a backup")
        }
    }
}
