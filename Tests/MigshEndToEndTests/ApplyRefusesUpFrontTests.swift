import Foundation
import MigshTestSupport
import Testing

/// What would make `.apply` fail half-way is found before anything runs: a database folder
/// SQLite cannot create its journal in, a backups folder no backup can be written to, another
/// process's open transaction. These used to run the migrations and then fail as
/// "MIGRATION FAILED" (exit 4); now they are refused up front (exit 1), no backup taken.
@Suite(".apply refuses up front")
struct ApplyRefusesUpFrontTests {
    @Test("a read-only database folder (0555, the file itself writable): exit 1 before any backup, unchanged",
          .enabled(if: shouldRun(needing: ReliabilityKit.canTestPermissions),
                   "running as root without a working /usr/bin/setpriv: root ignores chmod, so this would prove nothing"))
    func readOnlyDatabaseFolder() throws {
        try #require(ReliabilityKit.canTestPermissions, "root without a working setpriv cannot test file permissions")
        try withTemporaryDirectory { dir in
            let site = dir + "/site"
            try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
            let db = site + "/db.sqlite"
            try makeDemoDatabase(db, version: 3)
            let backups = dir + "/backups"
            try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: true)
            try ReliabilityKit.chmod(dir, 0o777)
            try ReliabilityKit.chmod(backups, 0o777)
            for name in fileNames(in: site) where !name.hasPrefix("snapshots") { try ReliabilityKit.chmod(site + "/" + name, 0o666) }
            try ReliabilityKit.chmod(site, 0o555)
            defer { try? ReliabilityKit.chmod(site, 0o755) }
            let before = dump(db)

            let result = try ReliabilityKit.migshUnprivileged(["-m", repositoryMigrations, "--backups", backups, db, ".apply --yes"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("Error: the database's folder \(site) is not writable (Permission denied): SQLite must create db.sqlite-journal there"), "\(result)")
            #expect(!result.stderr.contains("MIGRATION FAILED"), "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(schemaVersion(db) == "3")
            #expect(dump(db) == before)
            #expect(fileNames(in: backups).isEmpty, "a backup was taken before finding out nothing could be changed")
        }
    }

    @Test("another process's open read transaction (rollback journal): exit 1 'locked' before any backup, unchanged")
    func readerHoldsTheDatabase() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 3)
            #expect(sqlite(db, "pragma journal_mode") == "delete")
            let before = dump(db)
            let snapshots = dir + "/snapshots"
            let backupsBefore = fileNames(in: snapshots)

            let result = try withSQLiteSession(db, finalSQL: "COMMIT;") { reader in
                try reader.run("BEGIN;\nSELECT count(*) FROM Users;")
                return try migsh(["-m", repositoryMigrations, "--busy-timeout", "300", db, ".apply --yes"], timeout: 30)
            }

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("Error: database is locked: another process holds it open in a transaction (reading or writing; waited 300 ms); nothing was changed"), "\(result)")
            #expect(!result.stderr.contains("MIGRATION FAILED"), "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(schemaVersion(db) == "3")
            #expect(dump(db) == before)
            #expect(fileNames(in: snapshots) == backupsBefore, "no backup for a refused .apply")

            // The reader gone, the same command applies.
            let again = try migsh(["-m", repositoryMigrations, db, ".apply --yes"])
            #expect(again.status == 0, "\(again)")
            #expect(schemaVersion(db) == "8")
        }
    }
}
