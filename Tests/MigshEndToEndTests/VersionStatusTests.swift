import Foundation
import Testing

/// Spec §4.1: the startup check — up to date, pending, or "Database Version Too New" — as
/// `--check`, `--target`, `--app-version` and `.version` report it.
@Suite("Version status")
struct VersionStatusTests {
    @Test("a database newer than --target is refused with exit 3 and left alone")
    func databaseTooNew() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let before = dump(db)

            let apply = try migsh(["-m", repositoryMigrations, "--target", "5", db, ".apply --yes"])
            #expect(apply.status == 3, "\(apply)")
            #expect(apply.stderr.contains("Database Version Too New"), "\(apply)")
            #expect(apply.stderr.contains("this database (version 8) is newer than this application version (requires version 5)"), "\(apply)")

            let check = try migsh(["-m", repositoryMigrations, "--target", "5", "--check", db])
            #expect(check.status == 3, "\(check)")
            #expect((check.stdout + check.stderr).contains("Database Version Too New"), "\(check)")

            #expect(dump(db) == before)
            #expect(schemaVersion(db) == "8")
        }
    }

    @Test("--check: 0 when up to date, 5 with pending migrations, per --app-version")
    func checkExitCodes() throws {
        try withTemporaryDirectory { dir in
            let db8 = dir + "/v8.sqlite"
            try makeDemoDatabase(db8, version: 8)
            let upToDate = try migsh(["-m", repositoryMigrations, "--check", db8])
            #expect(upToDate.status == 0, "\(upToDate)")
            #expect(upToDate.stdout.contains("up to date"), "\(upToDate)")
            #expect(schemaVersion(db8) == "8")

            let db3 = dir + "/v3.sqlite"
            try makeDemoDatabase(db3, version: 3)
            let before = dump(db3)
            let pending = try migsh(["-m", repositoryMigrations, "--check", db3])
            #expect(pending.status == 5, "\(pending)")
            #expect(pending.stdout.contains("pending"), "\(pending)")
            #expect(pending.stdout == "5 pending: schema version 3, required 8\n", "\(pending)")

            // app_versions.json maps 1.3.0 → 3 and 1.6.0 → 5.
            let app130 = try migsh(["-m", repositoryMigrations, "--app-version", "1.3.0", "--check", db3])
            #expect(app130.status == 0, "\(app130)")
            #expect(app130.stdout.contains("up to date"), "\(app130)")
            let app160 = try migsh(["-m", repositoryMigrations, "--app-version", "1.6.0", "--check", db3])
            #expect(app160.status == 5, "\(app160)")
            #expect(app160.stdout.contains("pending"), "\(app160)")

            #expect(dump(db3) == before, "--check changed the database")
        }
    }

    @Test(".version --json prints one JSON document with the version status")
    func versionAsJSON() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 3)
            let before = dump(db)

            let result = try migsh(["-m", repositoryMigrations, "--json", db, ".version"])

            #expect(result.status == 0, "\(result)")
            #expect(result.stderr.isEmpty, "\(result)")
            let document = try #require(jsonObject(result.stdout), "stdout is not one JSON object:\n\(result)")
            #expect(document["current_version"] as? Int == 3)
            #expect(document["required_version"] as? Int == 8)
            #expect(document["status"] is String)
            #expect(dump(db) == before)
        }
    }

    @Test(".apply --yes with --json prints one JSON document with from_version and to_version")
    func applyAsJSON() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 3)

            let result = try migsh(["-m", repositoryMigrations, "--json", db, ".apply --yes"])

            #expect(result.status == 0, "\(result)")
            let document = try #require(jsonObject(result.stdout), "stdout is not one JSON object:\n\(result)")
            #expect(document["from_version"] as? Int == 3)
            #expect(document["to_version"] as? Int == 8)
            #expect(schemaVersion(db) == "8")
            #expect(sqlite(db, "PRAGMA integrity_check") == "ok")
        }
    }
}
