import Foundation
import Testing

// Databases left in odd states by hand, with the reference sqlite3, as an administrator finds
// them: half a migration run, migration files run without migsh, an orphan row, an edited
// migration file. migsh's investigation commands must name the state and the way out.

/// The text of `version`'s migration file between `BEGIN TRANSACTION;` and the end of the
/// line holding `through` (inclusive): the first statements of its body, as written.
private func bodyPrefix(of version: Int, through lastStatement: String) throws -> String {
    let text = try String(contentsOfFile: try migrationFile(version), encoding: .utf8)
    let begin = try #require(text.range(of: "BEGIN TRANSACTION;"), "no BEGIN TRANSACTION; in migration \(version)")
    let end = try #require(text.range(of: lastStatement), "no \(lastStatement) in migration \(version)")
    return String(text[begin.upperBound..<end.upperBound]) + "\n"
}

/// Runs the migration files 1…`version` on `db` with sqlite3, as a person without migsh would.
private func runMigrationFilesWithSQLite(_ db: String, through version: Int) throws {
    for v in 1...version {
        let file = try migrationFile(v)
        let result = try runProcess("/bin/sh", ["-c", "\(sqlite3Binary) -batch -bail \"$1\" < \"$2\"", "sh", db, file])
        guard result.status == 0, result.stderr.isEmpty else { throw EndToEndError.failed("sqlite3 \(db) < \(file)", result) }
    }
}

/// SHA-256 of a file, by the reference `sha256sum`.
private func sha256(of path: String) throws -> String {
    let result = try runProcess("/usr/bin/env", ["sha256sum", path])
    guard result.status == 0 else { throw EndToEndError.failed("sha256sum \(path)", result) }
    return String(result.stdout.prefix(64))
}

private func modificationDate(of path: String) throws -> Date? {
    try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
}

/// The audit log's entries (one JSON object per line).
private func auditEntries(_ path: String) throws -> [[String: Any]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return text.split(separator: "\n").compactMap { jsonObject(String($0)) }
}

@Suite("Investigating a database: .diff, .baseline, .check, .lint, .test")
struct InvestigationTests {
    /// Tables whose row count migrations change on purpose (a version row, a snapshot row per backup).
    static let growingTables: Set = ["Schema_Version", "Database_Snapshots"]
    static let crmMigration = "003_add_crm_features.sql"

    // MARK: .diff and .apply --resume

    @Test("a second .diff reads the expected schemas from the cache and says the same; a damaged cache entry changes nothing")
    func cachedExpectedSchemasGiveTheSameVerdict() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 2)
            _ = sqlite(db, try bodyPrefix(of: 3, through: "ALTER TABLE Owners_Developers ADD COLUMN client_priority TEXT;"))
            let cache = dir + "/xdg-cache"
            let env = ["XDG_CACHE_HOME": cache]
            // A copy of the folder, so the cache key is this test's own (and a first run is a miss).
            let folder = dir + "/migrations"
            try copyRepositoryMigrations(to: folder)
            let args = ["-m", folder, db, ".diff"]

            let reference = try migsh(args, environment: ["MIGSH_NO_CACHE": "1", "XDG_CACHE_HOME": cache])
            #expect(reference.status == 1 && reference.stdout.contains("through statement 5 of"), "\(reference)")
            #expect(!fileExists(cache + "/migsh") || fileNames(in: cache + "/migsh").isEmpty, "MIGSH_NO_CACHE=1 wrote a cache entry")

            let first = try migsh(args, environment: env)
            let entries = fileNames(in: cache + "/migsh").filter { $0.hasPrefix("expected-") && !$0.hasSuffix(".partial") }
            #expect(entries.count == 1, "\(entries)")
            #expect(fileMode(cache + "/migsh") == 0o700)
            let second = try migsh(args, environment: env)
            for run in [first, second] {
                #expect(run.status == reference.status && run.stdout == reference.stdout && run.stderr == reference.stderr, "\(run)")
            }

            // Damage the entry: one byte in the middle. The next run replays and says the same.
            let entry = cache + "/migsh/" + entries.first!
            var bytes = try #require(contents(of: entry))
            bytes[bytes.count / 2] ^= 0xff
            try bytes.write(to: URL(fileURLWithPath: entry))
            let afterDamage = try migsh(args, environment: env)
            #expect(afterDamage.status == reference.status && afterDamage.stdout == reference.stdout && afterDamage.stderr == reference.stderr,
                    "\(afterDamage)")

            // An edited migration is a new key: the verdict follows the new text at once.
            let crm = folder + "/" + Self.crmMigration
            let text = try String(contentsOfFile: crm, encoding: .utf8)
            try text.replacingOccurrences(of: "ADD COLUMN client_priority TEXT;", with: "ADD COLUMN client_priority_level TEXT;")
                .write(toFile: crm, atomically: true, encoding: .utf8)
            let edited = try migsh(args, environment: env)
            let editedReference = try migsh(args, environment: ["MIGSH_NO_CACHE": "1"])
            #expect(!edited.stdout.contains("through statement 5 of"), "\(edited)")
            #expect(edited.status == editedReference.status && edited.stdout == editedReference.stdout, "\(edited)\n\(editedReference)")
        }
    }

    @Test(".diff names a migration stopped after statement 5; .apply --resume finishes it with the data intact")
    func partialMigrationIsNamedAndResumed() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 2)
            let tables = userTables(db).filter { !Self.growingTables.contains($0) }
            let counts = rowCounts(db, tables: tables)
            #expect((counts["Projects"] ?? 0) > 0, "the demo data did not load")

            // 003's first 5 statements: two CREATE TABLE, three of its four ALTER TABLE.
            let prefix = try bodyPrefix(of: 3, through: "ALTER TABLE Owners_Developers ADD COLUMN client_priority TEXT;")
            _ = sqlite(db, prefix)
            try #require(sqlite(db, "select count(*) from pragma_table_info('Owners_Developers') where name = 'client_priority'") == "1")
            try #require(sqlite(db, "select count(*) from pragma_table_info('Owners_Developers') where name = 'client_status'") == "0")
            #expect(schemaVersion(db) == "2")

            let diff = try migsh(["-m", repositoryMigrations, db, ".diff"])
            #expect(diff.status == 1, "\(diff)")
            #expect(diff.stdout.contains("matches \(Self.crmMigration) through statement 5 of"), "\(diff)")
            #expect(diff.stdout.contains("way out:\n  1. .apply --resume   (recommended: assumes nothing, loses nothing)"), "\(diff)")
            #expect(diff.stdout.contains("+ table Contact_Log"), "\(diff)")

            let json = try migsh(["--json", "-m", repositoryMigrations, db, ".diff"])
            #expect(json.status == 1, "\(json)")
            let document = try #require(jsonObject(json.stdout), "not one JSON object:\n\(json)")
            let verdict = try #require(document["verdict"] as? [String: Any], "no verdict in \(json.stdout)")
            #expect(verdict["recorded_version"] as? Int == 2, "\(verdict)")
            // No version matches: the field is null.
            #expect(!(verdict["matches_version"] is Int), "\(verdict)")
            #expect(verdict["matches_version"] is NSNull, "\(verdict)")
            let partial = try #require(verdict["partial"] as? [String: Any], "no partial in \(verdict)")
            #expect(partial["statements_applied"] as? Int == 5, "\(partial)")
            #expect(partial["version"] as? Int == 3, "\(partial)")
            #expect(partial["file"] as? String == Self.crmMigration, "\(partial)")
            #expect(document["equal"] as? Bool == false, "\(document)")

            let resume = try migsh(["-m", repositoryMigrations, db, ".apply --resume --yes"])
            #expect(resume.status == 0, "\(resume)")
            #expect(schemaVersion(db) == "8", "\(resume)")
            #expect(sqlite(db, "select group_concat(version, ',') from (select version from Schema_Version order by version)")
                    == "1,2,3,4,5,6,7,8")
            #expect(sqlite(db, "PRAGMA integrity_check") == "ok")
            #expect(sqlite(db, "PRAGMA foreign_key_check") == "")

            let after = try migsh(["-m", repositoryMigrations, db, ".diff"])
            #expect(after.status == 0, "\(after)")
            #expect(rowCounts(db, tables: tables) == counts, "the demo data changed")
        }
    }

    @Test(".apply --resume finishes a partial 003 whose version row was already inserted")
    func resumeWithVersionRow() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 2)
            let tables = userTables(db).filter { !Self.growingTables.contains($0) }
            let counts = rowCounts(db, tables: tables)
            _ = sqlite(db, try bodyPrefix(of: 3, through: "ALTER TABLE Owners_Developers ADD COLUMN client_priority TEXT;"))
            _ = sqlite(db, "INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (3, datetime('now'), 'system', 'by hand')")

            let diff = try migsh(["--json", "-m", repositoryMigrations, db, ".diff"])
            #expect(diff.status == 1, "\(diff)")
            let verdict = try #require(jsonObject(diff.stdout)?["verdict"] as? [String: Any], "\(diff)")
            #expect(verdict["recorded_version"] as? Int == 3, "\(verdict)")
            let partial = try #require(verdict["partial"] as? [String: Any], "\(verdict)")
            #expect(partial["version"] as? Int == 3, "\(partial)")
            #expect(partial["statements_applied"] as? Int == 5, "\(partial)")

            let resume = try migsh(["-m", repositoryMigrations, db, ".apply --resume --yes"])
            #expect(resume.status == 0, "\(resume)")
            #expect(sqlite(db, "select group_concat(version, ',') from (select version from Schema_Version order by version)")
                    == "1,2,3,4,5,6,7,8")
            let after = try migsh(["-m", repositoryMigrations, db, ".diff"])
            #expect(after.status == 0, "\(after)")
            #expect(rowCounts(db, tables: tables) == counts, "the demo data changed")
        }
    }

    /// A demo database at 5 with the first statements of 006 (the Products rebuild) run by
    /// sqlite3, through the end of the line holding `through`.
    func makePartial006(_ db: String, through: String) throws -> [String: Int] {
        try makeDemoDatabase(db, version: 5)
        let tables = userTables(db).filter { !Self.growingTables.contains($0) }
        let counts = rowCounts(db, tables: tables)
        try #require((counts["Products"] ?? 0) > 0, "no demo products")
        _ = sqlite(db, try bodyPrefix(of: 6, through: through))
        return counts
    }

    /// After 006's CREATE TABLE Products_new, statements 2–4 (the copy and two sqlite_sequence
    /// updates) change no schema: the data settles them — Products_new, which 006 creates and
    /// only the copy fills, is empty — so resuming runs the copy once, and no product is lost.
    @Test(".apply --resume finishes 006 stopped after CREATE TABLE Products_new: the copy runs once, every product kept")
    func resumeBeforeCopy() throws {
        let clean = try cleanRows(from: 5)
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            let counts = try makePartial006(db, through: "FOREIGN KEY (modified_by) REFERENCES Users(user_id)\n);")
            #expect(sqlite(db, "select count(*) from Products_new") == "0")

            let diff = try migsh(["-m", repositoryMigrations, db, ".diff"])
            #expect(diff.status == 1, "\(diff)")
            #expect(diff.stdout.contains("matches 006_change_capacity_precision.sql through statement 1 of"), "\(diff)")
            #expect(diff.stdout.contains("statement 2: INSERT INTO Products_new (line 46): not run — products_new, which this migration creates and only this statement fills, is empty"), "\(diff)")

            let resume = try migsh(["-m", repositoryMigrations, db, ".apply --resume --yes"])
            #expect(resume.status == 0, "\(resume)")
            #expect(sqlite(db, "select count(*) from Products") == "\(counts["Products"] ?? -1)")
            #expect(comparableRows(db) == clean)
        }
    }

    @Test(".apply --resume finishes 006 stopped after its copy statement: the copy is not run again, no product doubled")
    func resumeAfterCopy() throws {
        let clean = try cleanRows(from: 5)
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            let counts = try makePartial006(db, through: "INSERT INTO Products_new SELECT * FROM Products;")
            #expect(sqlite(db, "select count(*) from Products_new") == "\(counts["Products"] ?? -1)")

            let diff = try migsh(["-m", repositoryMigrations, db, ".diff"])
            #expect(diff.stdout.contains("statement 2: INSERT INTO Products_new (line 46): effect present — products_new, which this migration creates and only this statement fills, holds exactly what the copy gives from the data as it is now"), "\(diff)")

            let resume = try migsh(["-m", repositoryMigrations, db, ".apply --resume --yes"])
            #expect(resume.status == 0, "\(resume)")
            #expect(schemaVersion(db) == "8")
            #expect(sqlite(db, "select count(*) from Products") == "\(counts["Products"] ?? -1)")
            #expect(comparableRows(db) == clean)
        }
    }

    // MARK: .baseline

    /// Migrations 001–004 run with sqlite3, then the version rows 2–4 deleted: the schema is
    /// version 4's, Schema_Version says 1.
    func makeHandMigratedDatabase(_ db: String) throws {
        try runMigrationFilesWithSQLite(db, through: 4)
        _ = sqlite(db, "DELETE FROM Schema_Version WHERE version BETWEEN 2 AND 4")
        try #require(schemaVersion(db) == "1")
    }

    @Test(".baseline 4 records versions 2–4 when the live schema is version 4's")
    func baselineAccepted() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeHandMigratedDatabase(db)
            let user = "baseline-tester"

            let diff = try migsh(["-m", repositoryMigrations, db, ".diff"], environment: ["USER": user])
            #expect(diff.stdout.contains(".baseline 4"), "the verdict does not point to .baseline 4:\n\(diff)")

            let result = try migsh(["-m", repositoryMigrations, db, ".baseline 4 --yes"], environment: ["USER": user])
            #expect(result.status == 0, "\(result)")
            #expect(schemaVersion(db) == "4")
            #expect(sqlite(db, "select group_concat(version, ',') from (select version from Schema_Version order by version)")
                    == "1,2,3,4")
            // The rows are the ones the files' own inserts write; who recorded them is in
            // migsh's own table (and the audit log).
            let fileRows = sqlite(db, "select applied_by, description from Schema_Version where version between 2 and 4 order by version")
            #expect(fileRows == "system|Added US domestic content tracking\nsystem|Added CRM features (Contact_Log, Roundtable_History)\nsystem|Added supplier diversity tracking", "\(fileRows)")
            let recordedBy = sqlite(db, "select applied_by, mode from migsh_applied_migrations where version between 2 and 4 order by version")
                .split(separator: "\n").map(String.init)
            #expect(recordedBy.count == 3, "\(recordedBy)")
            #expect(recordedBy.allSatisfy { $0 == "\(user) (baseline: not run by migsh)|baseline" }, "\(recordedBy)")
            let check = try migsh(["-m", repositoryMigrations, db, ".diff"])
            #expect(check.status == 0, "\(check)")
        }
    }

    @Test(".baseline 4 is refused when the schema has an extra column; --force --yes records it, audited as forced")
    func baselineRefusedThenForced() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            let audit = db + "-audit.jsonl"
            try makeHandMigratedDatabase(db)
            _ = sqlite(db, "ALTER TABLE Projects ADD COLUMN extra_notes TEXT")
            let before = dump(db)

            let refused = try migsh(["-m", repositoryMigrations, db, ".baseline 4 --yes"])
            #expect(refused.status == 1, "\(refused)")
            #expect((refused.stdout + refused.stderr).contains("extra_notes"), "the refusal does not show the difference:\n\(refused)")
            #expect(schemaVersion(db) == "1")
            #expect(dump(db) == before, "a refused .baseline changed the database")
            let refusedEntries = fileExists(audit) ? try auditEntries(audit) : []
            #expect(!refusedEntries.contains { $0["event"] as? String == "baseline" }, "a refused baseline was audited as done")

            let forced = try migsh(["-m", repositoryMigrations, db, ".baseline 4 --force --yes"])
            #expect(forced.status == 0, "\(forced)")
            #expect(sqlite(db, "select group_concat(version, ',') from (select version from Schema_Version order by version)")
                    == "1,2,3,4")
            let entries = try auditEntries(audit)
            let baselines = entries.filter { $0["event"] as? String == "baseline" }
            #expect(baselines.count == 1, "\(baselines)")
            #expect(baselines.first?["forced"] as? Bool == true, "\(baselines)")
            #expect(baselines.first?["version_before"] as? Int == 1, "\(baselines)")
            #expect(baselines.first?["version_after"] as? Int == 4, "\(baselines)")
        }
    }

    // MARK: .check

    @Test(".check passes on a healthy database")
    func checkHealthy() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let result = try migsh(["-m", repositoryMigrations, db, ".check"])
            #expect(result.status == 0, "\(result)")
        }
    }

    @Test(".check fails on an orphan child row and names its table")
    func checkOrphanRow() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 8)
            _ = sqlite(db, """
                PRAGMA foreign_keys=OFF;
                INSERT INTO Supplier_Certifications (vendor_id, certification_type) VALUES (987654, 'NQA-1');
                """)
            try #require(sqlite(db, "PRAGMA foreign_key_check") != "")

            let result = try migsh(["-m", repositoryMigrations, db, ".check"])
            #expect(result.status == 1, "\(result)")
            #expect((result.stdout + result.stderr).contains("Supplier_Certifications"), "\(result)")
        }
    }

    @Test(".check fails when an applied migration file was edited, naming the file and both hashes")
    func checkEditedMigration() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/migrations"
            try copyRepositoryMigrations(to: folder)
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 8, migrations: folder)
            let name = "003_add_crm_features.sql"
            let appliedHash = try #require(try sha256sums(in: folder)[name])

            let path = folder + "/" + name
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try text.replacingOccurrences(of: "-- Create Contact_Log table", with: "-- Create the Contact_Log table (edited)")
                .write(toFile: path, atomically: true, encoding: .utf8)
            try regenerateChecksums(in: folder)
            let editedHash = try #require(try sha256sums(in: folder)[name])
            try #require(editedHash != appliedHash)

            let result = try migsh(["-m", folder, db, ".check"])
            #expect(result.status == 1, "\(result)")
            let output = result.stdout + result.stderr
            #expect(output.contains(name), "\(result)")
            #expect(output.contains(appliedHash), "the applied hash is not shown:\n\(result)")
            #expect(output.contains(editedHash), "the file's hash is not shown:\n\(result)")
        }
    }

    // MARK: .lint

    @Test(".lint passes on the repository's folder")
    func lintRepository() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/lint.sqlite"
            let result = try migsh(["--create", "-m", repositoryMigrations, db, ".lint"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("8 file(s): 0 error(s)"), "\(result)")
        }
    }

    @Test(".lint fails on a bad file given as argument, naming the rule and line")
    func lintBadFile() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/lint.sqlite"
            let bad = dir + "/009_add_required_column.sql"
            try """
                -- Description: add a required column
                -- Version: 9
                -- Date: 2025-11-01
                -- Author: Tests
                -- Rollback: restore the backup
                BEGIN TRANSACTION;
                ALTER TABLE Projects ADD COLUMN region TEXT NOT NULL;
                INSERT INTO Schema_Version (version, applied_date, applied_by, description)
                VALUES (9, datetime('now'), 'system', 'add a required column');
                COMMIT;

                """.write(toFile: bad, atomically: true, encoding: .utf8)
            let result = try migsh(["--create", "-m", repositoryMigrations, db, ".lint \(bad)"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.contains("009_add_required_column.sql:7: error"), "\(result)")
            #expect(result.stdout.contains("[not-null-without-default]"), "\(result)")
        }
    }

    // MARK: .test

    @Test(".test rehearses 004–008 on a copy; the live file is untouched")
    func rehearsalLeavesLiveFileUntouched() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 3)
            let hashBefore = try sha256(of: db)
            let bytesBefore = contents(of: db)
            let dateBefore = try modificationDate(of: db)
            let namesBefore = fileNames(in: dir).filter { $0.hasPrefix("nukeworks_db.sqlite") && !$0.hasSuffix("-audit.jsonl") }
            // A write during the rehearsal would move the modification date past this second.
            Thread.sleep(forTimeInterval: 1.1)

            let result = try migsh(["-m", repositoryMigrations, db, ".test"])
            #expect(result.status == 0, "\(result)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            for version in 4...8 {
                let file = URL(fileURLWithPath: try migrationFile(version)).lastPathComponent
                let line = lines.first { $0.contains(file) }
                #expect(line?.hasPrefix("ok") == true, "\(file) is not reported ok:\n\(result)")
            }

            #expect(try sha256(of: db) == hashBefore, "the live file's content changed")
            #expect(contents(of: db) == bytesBefore)
            #expect(try modificationDate(of: db) == dateBefore, "the live file's modification date changed")
            #expect(schemaVersion(db) == "3")
            let namesAfter = fileNames(in: dir).filter { $0.hasPrefix("nukeworks_db.sqlite") && !$0.hasSuffix("-audit.jsonl") }
            #expect(namesAfter == namesBefore, "files appeared beside the database: \(namesAfter.subtracting(namesBefore))")
        }
    }
}
