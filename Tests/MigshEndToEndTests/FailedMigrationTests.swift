import Foundation
import Testing

/// Spec §4.3 and §11: a migration that fails in the middle of a batch leaves the database
/// exactly as it was before `.apply`, says where it failed, and shows the backup (exit 4).
@Suite("A migration failing in the middle of a batch")
struct FailedMigrationTests {
    /// A copy of the shipped migrations whose 007 fails at its second body statement;
    /// `migsh.sum` is regenerated, so the folder itself is valid. Returns the failing line.
    func makeFolderWithBrokenMigration007(_ folder: String) throws -> Int {
        try copyRepositoryMigrations(to: folder)
        let path = try migrationFile(7, in: folder)
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let copyStatement = "UPDATE Projects SET commercial_operation_date = cod WHERE cod IS NOT NULL;"
        let broken = "UPDATE No_Such_Table SET x = 1;"
        guard original.contains(copyStatement) else {
            throw EndToEndError.missingFixture("007 no longer contains \(copyStatement)")
        }
        let text = original.replacingOccurrences(of: copyStatement, with: broken)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try regenerateChecksums(in: folder)
        let lines = text.components(separatedBy: "\n")
        let index = try #require(lines.firstIndex { $0.contains(broken) })
        return index + 1
    }

    @Test("007 fails after 006 succeeded: exit 4, the error located, the database as before")
    func failureRestoresTheDatabase() throws {
        try withTemporaryDirectory { dir in
            let migrations = dir + "/migrations"
            let failingLine = try makeFolderWithBrokenMigration007(migrations)
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let before = dump(db)
            #expect(schemaVersion(db) == "5")

            let result = try migsh(["-m", migrations, db, ".apply --yes"])

            #expect(result.status == 4, "\(result)")
            #expect(result.stderr.contains("007_add_commercial_operation_date.sql"), "\(result)")
            #expect(result.stderr.contains("line \(failingLine)"), "\(result)")
            #expect(result.stderr.lowercased().contains("no such table"), "\(result)")
            let location = firstMatch(of: #"Backup location: *\S+"#, in: result.stderr)
            #expect(location != nil, "no 'Backup location:' in stderr:\n\(result)")
            if let location {
                let backup = String(location.dropFirst("Backup location:".count))
                    .trimmingCharacters(in: .whitespaces)
                #expect(fileExists(backup), "the backup \(backup) does not exist")
                #expect(sqlite(backup, "select max(version) from Schema_Version") == "5")
                #expect(sqlite(backup, "PRAGMA integrity_check") == "ok")
            }

            #expect(dump(db) == before, "the database changed although the batch failed")
            #expect(schemaVersion(db) == "5")
            #expect(sqlite(db, "PRAGMA integrity_check") == "ok")
        }
    }
}
