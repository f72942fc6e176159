import Foundation
import Testing

/// Spec §4.2: nothing is applied without a yes. Scripts can't be asked, so they must say
/// `--yes`; `--dry-run` shows what would run and touches nothing.
@Suite("Confirmation and dry run")
struct ApplyConfirmationTests {
    @Test(".apply without --yes in batch mode is refused", arguments: [false, true])
    func applyWithoutYes(viaStandardInput: Bool) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 3)
            let before = dump(db)
            let backupsBefore = fileNames(in: dir + "/snapshots")

            let result = viaStandardInput
                ? try migsh(["-m", repositoryMigrations, db], script: ".apply\n")
                : try migsh(["-m", repositoryMigrations, db, ".apply"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("--yes"), "\(result)")
            #expect(schemaVersion(db) == "3")
            #expect(dump(db) == before)
            #expect(fileNames(in: dir + "/snapshots") == backupsBefore, "a refused .apply took a backup")
        }
    }

    @Test(".apply --dry-run prints the pending statements and changes nothing")
    func dryRun() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 3)
            let before = dump(db)
            let backupsBefore = fileNames(in: dir + "/snapshots")

            let result = try migsh(["-m", repositoryMigrations, db, ".apply --dry-run"])

            #expect(result.status == 0, "\(result)")
            #expect(!result.stderr.contains("Error"), "\(result)")
            for statement in [
                "ALTER TABLE Technology_Vendors ADD COLUMN is_small_business",  // 004
                "CREATE TABLE Products_new",  // 006
                "ALTER TABLE Projects ADD COLUMN commercial_operation_date DATE",  // 007
                "ALTER TABLE Projects_new RENAME TO Projects",  // 008
            ] {
                #expect(result.stdout.contains(statement), "the dry run does not show \(statement):\n\(result)")
            }
            #expect(!result.stdout.contains("CREATE TABLE Users"), "the dry run shows 001, already applied")

            #expect(dump(db) == before, "the dry run changed the database")
            #expect(schemaVersion(db) == "3")
            #expect(fileNames(in: dir + "/snapshots") == backupsBefore, "the dry run took a backup")
        }
    }
}
