import Foundation
import Testing
@testable import MigshCore

@Suite("The migrations folder")
struct MigrationFolderTests {
    @Test("the repository's migrations load without problems, 001 to 008, checksums matching")
    func repositoryFolder() throws {
        let folder = try MigrationFolder.load(repositoryMigrations)
        #expect(folder.errors.isEmpty, "\(folder.errors)")
        #expect(folder.warnings.isEmpty, "\(folder.warnings)")
        #expect(folder.migrations.keys.sorted() == Array(1...8))
        #expect(try folder.appVersions.schemaVersion(forApp: "1.6.0") == 5)
        #expect(try folder.appVersions.schemaVersion(forApp: "1.3.0") == 3)
        for m in folder.sorted {
            let script = MigrationScript(m)
            #expect(script.errors.isEmpty, "\(m.fileName): \(script.errors)")
        }
    }

    @Test("a gap, a duplicate version and misnamed files are each reported by name",
          arguments: ["01_x.sql", "1_x.sql", "001-x.sql", "001_Add_Thing.sql", "0001_x.sql"])
    func misnamed(_ badName: String) throws {
        try withTemporaryDirectory { dir in
            try write(migrationText(1), to: dir + "/001_first.sql")
            try write(migrationText(2), to: dir + "/" + badName)
            let folder = try MigrationFolder.load(dir)
            #expect(folder.errors.contains { $0.file == badName && $0.message.contains("misnamed") })
        }
    }

    @Test("a missing version in the sequence is an error naming it")
    func gap() throws {
        try withTemporaryDirectory { dir in
            try write(migrationText(1), to: dir + "/001_a.sql")
            try write(migrationText(3), to: dir + "/003_c.sql")
            let folder = try MigrationFolder.load(dir)
            #expect(folder.errors.contains { $0.message.contains("missing migration file for version 002") })
            #expect(throws: MigshError.self) { try MigrationPlan(folder: folder, currentVersion: 0, requiredVersion: 3) }
        }
    }

    @Test("two files with one version are an error and neither is used")
    func duplicate() throws {
        try withTemporaryDirectory { dir in
            try write(migrationText(1), to: dir + "/001_a.sql")
            try write(migrationText(1), to: dir + "/001_b.sql")
            let folder = try MigrationFolder.load(dir)
            #expect(folder.errors.contains { $0.message.contains("two files with version 001") })
            #expect(folder.migrations[1] == nil)
        }
    }

    @Test("a non-UTF-8 file is an error")
    func nonUTF8() throws {
        try withTemporaryDirectory { dir in
            try Data([0x2d, 0x2d, 0x20, 0xff, 0xfe, 0x0a]).write(to: URL(fileURLWithPath: dir + "/001_a.sql"))
            let folder = try MigrationFolder.load(dir)
            #expect(folder.errors.contains { $0.message.contains("UTF-8") })
        }
    }

    @Test("an edited file no longer matching migsh.sum is an error naming both hashes")
    func editedAfterRecording() throws {
        try withTemporaryDirectory { dir in
            try write(migrationText(1), to: dir + "/001_a.sql")
            let original = try MigrationFolder.load(dir).migrations[1]!.sha256
            try write("\(original)  001_a.sql\n", to: dir + "/migsh.sum")
            try write(migrationText(1, body: "CREATE TABLE changed(x);"), to: dir + "/001_a.sql")
            let folder = try MigrationFolder.load(dir)
            let error = try #require(folder.errors.first { $0.file == "001_a.sql" })
            #expect(error.message.contains(original))
            #expect(error.message.contains(folder.migrations[1]!.sha256))
        }
    }

    @Test("a missing folder is a clear error")
    func missingFolder() {
        #expect(throws: MigshError.self) { try MigrationFolder.load("/nonexistent/migrations") }
    }

    @Test("the plan lists versions current+1 through required; newer databases are detected")
    func planning() throws {
        let folder = try MigrationFolder.load(repositoryMigrations)
        let plan = try MigrationPlan(folder: folder, currentVersion: 3, requiredVersion: 5)
        #expect(plan.pending.map(\.version) == [4, 5])
        #expect(plan.status == .pending(2))
        #expect(try MigrationPlan(folder: folder, currentVersion: 6, requiredVersion: 5).status == .databaseNewer)
        #expect(try MigrationPlan(folder: folder, currentVersion: 5, requiredVersion: 5).pending.isEmpty)
        #expect(try MigrationPlan.requiredVersion(folder: folder, target: nil, appVersion: "1.2.0") == 2)
        #expect(try MigrationPlan.requiredVersion(folder: folder, target: nil, appVersion: nil) == 8)
        #expect(throws: MigshError.self) { try MigrationPlan.requiredVersion(folder: folder, target: nil, appVersion: "9.9.9") }
        #expect(throws: MigshError.self) { try MigrationPlan.requiredVersion(folder: folder, target: 99, appVersion: nil) }
    }
}
