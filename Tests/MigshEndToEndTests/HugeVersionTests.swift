import Foundation
import Testing

/// A `Schema_Version` row far above the migrations (a typo, or a damaged page read as a huge
/// rowid) once made migsh allocate an array as long as the version and abort. Any 64-bit
/// value is handled in time and memory that do not grow with it: a version above the
/// folder's last one is "newer" (exit 3), whatever lies between.
@Suite("A huge version number in Schema_Version")
struct HugeVersionTests {
    /// Runs migsh under a 2 GB address-space limit, so that work proportional to the version
    /// fails fast (abort) instead of swapping until the test times out.
    func migshLimited(_ arguments: [String], cwd: String? = nil) throws -> ProcessResult {
        let quoted = (["--noinit"] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        return try runProcess("/bin/sh", ["-c", "ulimit -v 2000000; exec '\(migshBinary)' " + quoted.joined(separator: " ")],
                              cwd: cwd, timeout: 60)
    }

    /// A database at version 8 (every migration applied by migsh) with one more row, `version`.
    func makeDatabase(_ db: String, extraVersion: String) throws {
        let create = try migsh(["--create", "-m", repositoryMigrations, db, ".apply --yes"])
        guard create.status == 0 else { throw EndToEndError.failed("creating \(db)", create) }
        _ = sqlite(db, "insert into Schema_Version(version, applied_date, description) values (\(extraVersion), '2030-01-01', 'from the future')")
        #expect(sqlite(db, "select max(version) from Schema_Version") == extraVersion)
    }

    @Test(".version, --check, .diff and .apply on version 4294967296: newer (exit 3), nothing changed", arguments: ["4294967296", "843870756510", "9223372036854775807"])
    func hugeVersionIsNewer(version: String) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/app.sqlite"
            try makeDatabase(db, extraVersion: version)
            let before = dump(db)
            let backupsBefore = fileNames(in: dir + "/snapshots")
            let tooNew = "Database Version Too New: this database (version \(version)) is newer than this application version (requires version 8)"

            let status = try migshLimited(["-m", repositoryMigrations, db, ".version"])
            #expect(status.status == 0, "\(status)")
            #expect(status.stdout.contains("current schema version:  \(version)"), "\(status)")
            #expect(status.stdout.contains("status: database newer than application"), "\(status)")
            #expect(status.stderr.isEmpty, "\(status)")

            let check = try migshLimited(["-m", repositoryMigrations, db, "--check"])
            #expect(check.status == 3, "\(check)")
            #expect((check.stdout + check.stderr).contains(tooNew), "\(check)")

            let diff = try migshLimited(["-m", repositoryMigrations, db, ".diff"])
            #expect(diff.status == 3, "\(diff)")
            #expect(diff.stderr.contains("Error: " + tooNew), "\(diff)")
            #expect(diff.stdout.contains("Schema_Version says \(version), but the migrations here produce versions 0 to 8"), "\(diff)")

            let apply = try migshLimited(["-m", repositoryMigrations, db, ".apply --yes"])
            #expect(apply.status == 3, "\(apply)")
            #expect(apply.stderr.contains("Error: " + tooNew), "\(apply)")
            #expect(!apply.stderr.contains("MIGRATION FAILED"), "\(apply)")

            #expect(dump(db) == before)
            #expect(fileNames(in: dir + "/snapshots") == backupsBefore, "no backup for a refused .apply")
        }
    }

    @Test("a huge version with gaps below it is newer too, and only the rows' own count is work")
    func hugeVersionWithGapsBelow() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/app.sqlite"
            try makeDatabase(db, extraVersion: "4294967296")
            _ = sqlite(db, "delete from Schema_Version where version in (3, 4)")
            let check = try migshLimited(["-m", repositoryMigrations, db, "--check"])
            #expect(check.status == 3, "\(check)")
            #expect(check.stdout.contains("this database (version 4294967296) is newer"), "\(check)")
        }
    }

    @Test("a gap below the folder's last version still makes Schema_Version untrustworthy (exit 1)")
    func gapWithinTheMigrations() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/app.sqlite"
            try makeDatabase(db, extraVersion: "4294967296")
            _ = sqlite(db, "delete from Schema_Version where version in (4294967296, 4)")
            let before = dump(db)
            let check = try migshLimited(["-m", repositoryMigrations, db, "--check"])
            #expect(check.status == 1, "\(check)")
            #expect(check.stderr.contains("Schema_Version records version 8 but has no row for version 4"), "\(check)")
            #expect(dump(db) == before)
        }
    }

    @Test("--each … --check: one database with version 4294967296 does not abort the fleet run")
    func fleetCheckSurvives() throws {
        try withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(atPath: dir + "/sites", withIntermediateDirectories: true)
            try makeDatabase(dir + "/sites/a.sqlite", extraVersion: "4294967296")
            let b = try migsh(["--create", "-m", repositoryMigrations, dir + "/sites/b.sqlite", ".apply --to 5 --yes"])
            #expect(b.status == 0, "\(b)")
            let c = try migsh(["--create", "-m", repositoryMigrations, dir + "/sites/c.sqlite", ".apply --yes"])
            #expect(c.status == 0, "\(c)")

            let run = try migshLimited(["-m", repositoryMigrations, "--jobs", "1", "--each", dir + "/sites/*.sqlite", "--check", "--json"])
            #expect(run.status == 3, "the most severe code: 3 (newer) over 5 (pending); \(run)")
            let report = try #require(jsonObject(run.stdout), "one JSON document: \(run)")
            let databases = try #require(report["databases"] as? [[String: Any]])
            var byName: [String: Int] = [:]
            for d in databases {
                byName[((d["path"] as? String ?? "") as NSString).lastPathComponent] = d["exit_code"] as? Int ?? -1
            }
            #expect(byName == ["a.sqlite": 3, "b.sqlite": 5, "c.sqlite": 0], "\(run)")
        }
    }
}
