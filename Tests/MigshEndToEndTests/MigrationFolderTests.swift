import Foundation
import Testing

/// A migrations folder with a gap, a misnamed file or an edited, already-deployed file is
/// refused before anything is applied (spec §3.1, §5.1; contract: the checksum file).
@Suite("Refusing a broken migrations folder")
struct MigrationFolderTests {
    /// Builds a demo database at 3 and a copy of the migrations that `breakFolder` damages,
    /// runs `.apply --yes` against it, and checks that the database did not change.
    func applyWithBrokenFolder(_ breakFolder: (String) throws -> Void) throws -> ProcessResult {
        try withTemporaryDirectory { dir in
            let migrations = dir + "/migrations"
            try copyRepositoryMigrations(to: migrations)
            try breakFolder(migrations)
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 3)
            let before = dump(db)
            let backupsBefore = fileNames(in: dir + "/snapshots")

            let result = try migsh(["-m", migrations, db, ".apply --yes"])

            #expect(dump(db) == before, "the database changed although the folder was refused")
            #expect(schemaVersion(db) == "3")
            #expect(fileNames(in: dir + "/snapshots") == backupsBefore, "a refused .apply took a backup")
            return result
        }
    }

    @Test("a missing migration file (a gap at 004) is refused")
    func missingFile() throws {
        let result = try applyWithBrokenFolder { folder in
            try FileManager.default.removeItem(atPath: try migrationFile(4, in: folder))
        }
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("missing migration file for version 004"), "\(result)")
    }

    @Test("a misnamed migration file is refused and named")
    func misnamedFile() throws {
        let result = try applyWithBrokenFolder { folder in
            try "SELECT 1;\n".write(toFile: folder + "/04_x.sql", atomically: true, encoding: .utf8)
        }
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("04_x.sql"), "\(result)")
    }

    @Test("an edited migration (one byte changed, migsh.sum not regenerated) is refused")
    func editedFile() throws {
        let result = try applyWithBrokenFolder { folder in
            let path = try migrationFile(5, in: folder)
            var bytes = try #require(contents(of: path))
            // The first line is a comment (`-- migrations/005_…`); change one letter in it.
            let index = try #require(bytes.firstIndex(of: UInt8(ascii: "m")))
            bytes[index] = UInt8(ascii: "M")
            try bytes.write(to: URL(fileURLWithPath: path))
        }
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("005_enhance_personnel.sql"), "\(result)")
        #expect(result.stderr.contains("sha256"), "\(result)")
    }
}
