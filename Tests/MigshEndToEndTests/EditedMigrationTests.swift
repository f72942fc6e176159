import Foundation
import Testing

// Issue 21, case 9: `.diff` says when an applied migration file was edited after migsh applied
// it. The expected schemas are built from the files as they are now, so no way out built on
// them is recommended; the edit is named with both checksums (the recorded one is compared
// with `sha256sum`'s, an independent oracle).
@Suite(".diff names an applied migration file edited since")
struct EditedMigrationTests {
    @Test("001 edited after it was applied, an index dropped by hand: the verdict names the file, .repair is offered but not recommended")
    func editedFileIsNamed() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/migrations"
            try copyRepositoryMigrations(to: folder)
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let applied = try #require(try sha256sums(in: folder)["001_initial_schema.sql"])
            let file = folder + "/001_initial_schema.sql"
            let text = try String(contentsOfFile: file, encoding: .utf8)
            try text.replacingOccurrences(of: "CREATE INDEX idx_projects_status ", with: "CREATE INDEX idx_projects_status_x ")
                .write(toFile: file, atomically: true, encoding: .utf8)
            let now = try #require(try sha256sums(in: folder)["001_initial_schema.sql"])
            #expect(now != applied)
            _ = sqlite(db, "drop index idx_products_vendor")

            let result = try migsh(["-m", folder, db, ".diff"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.contains("verdict: applied migration file EDITED since migsh applied it: 001_initial_schema.sql (sha256 \(applied.prefix(12))… when applied, \(now.prefix(12))… now)"), "\(result.stdout)")
            #expect(!result.stdout.contains("recommended"), "\(result.stdout)")
            #expect(result.stderr == "")

            let v = try verdict(db, migrations: folder)
            #expect((v["edited_files"] as? [String])?.count == 1)
            #expect(recommendedCommands(v) == nil, "\(v)")
            let repair = try #require((v["way_out"] as? [[String: Any]])?.first { ($0["commands"] as? [String]) == [".repair"] })
            #expect(repair["assumes"] as? String == "the edited file describes what was applied")
        }
    }

    @Test("the same drift with the file as it was applied: .repair is recommended")
    func untouchedFileKeepsTheRecommendation() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            _ = sqlite(db, "drop index idx_products_vendor")
            let v = try verdict(db)
            #expect((v["edited_files"] as? [String]) == [])
            #expect(recommendedCommands(v) == [".repair"], "\(v)")
        }
    }
}
