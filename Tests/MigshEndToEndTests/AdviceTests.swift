import Foundation
import Testing

// migsh's advice, followed as an administrator follows it: the state is made by hand with
// SQLite itself (statements cut by SQLite's own completeness rule, `Tests/Oracle`), the
// recommended way out is run exactly as `.diff --json` prints it, then `.apply`, and the
// rows are compared with a clean apply of the same starting data.

/// Runs statements of `version`'s migration file on `db` by hand: "1,2,5", "all",
/// "except-version" (all but the Schema_Version insert) or "version-only".
func runByHand(_ db: String, version: Int, _ which: String, migrations: String = repositoryMigrations,
               sourceLocation: SourceLocation = #_sourceLocation) throws {
    let file = try migrationFile(version, in: migrations)
    let result = try runProcess("/usr/bin/env", ["python3", repositoryRoot + "/Tests/Oracle/run_statements.py", db, file, which])
    if result.status != 0 {
        Issue.record("running \(which) of \(file) by hand failed: \(result)", sourceLocation: sourceLocation)
    }
}

/// Every user table's rows, as sqlite3 prints them sorted: what a migration must keep.
/// Schema_Version without its applied_date; Database_Snapshots without the rows migsh adds
/// for its own backups; migsh's bookkeeping tables left out.
func comparableRows(_ db: String) -> [String: String] {
    var rows: [String: String] = [:]
    for table in userTables(db) {
        switch table {
        case "Schema_Version":
            rows[table] = sqlite(db, "select version, applied_by, description from Schema_Version order by version")
        case "Database_Snapshots":
            rows[table] = sqlite(db, "select snapshot_type, snapshot_path, description from Database_Snapshots where snapshot_type <> 'MIGRATION_BACKUP' order by 1, 2")
        default:
            let columns = Int(sqlite(db, "select count(*) from pragma_table_info('\(table)')")) ?? 1
            rows[table] = sqlite(db, "select * from \"\(table)\" order by " + (1...max(1, columns)).map(String.init).joined(separator: ", "))
        }
    }
    return rows
}

/// The rows after a clean `.apply` of the demo data from `version` to the newest.
func cleanRows(from version: Int) throws -> [String: String] {
    try withTemporaryDirectory { dir in
        let db = dir + "/clean.sqlite"
        try makeDemoDatabase(db, version: version)
        let apply = try migsh(["-m", repositoryMigrations, db, ".apply --yes"])
        guard apply.status == 0 else { throw EndToEndError.failed("clean apply", apply) }
        return comparableRows(db)
    }
}

/// `.diff --json`'s verdict.
func verdict(_ db: String, migrations: String = repositoryMigrations, _ extra: [String] = []) throws -> [String: Any] {
    let result = try migsh(["--json", "-m", migrations] + extra + [db, ".diff"])
    guard let verdict = jsonObject(result.stdout)?["verdict"] as? [String: Any] else {
        throw EndToEndError.failed(".diff --json gave no verdict", result)
    }
    return verdict
}

/// The recommended option's commands: the first way out, when it assumes and loses nothing.
func recommendedCommands(_ verdict: [String: Any]) -> [String]? {
    guard let first = (verdict["way_out"] as? [[String: Any]])?.first,
          first["assumes"] as? String == "", first["loses"] as? String == "" else { return nil }
    return first["commands"] as? [String]
}

/// Runs the recommended commands verbatim (with --yes), then `.apply --yes`.
func followAdvice(_ db: String, _ verdict: [String: Any], migrations: String = repositoryMigrations,
                  sourceLocation: SourceLocation = #_sourceLocation) throws {
    let commands = try #require(recommendedCommands(verdict), "no recommended way out: \(verdict)", sourceLocation: sourceLocation)
    for command in commands {
        let result = try migsh(["--yes", "-m", migrations, db, command])
        #expect(result.status == 0, "\(command): \(result)", sourceLocation: sourceLocation)
    }
    let apply = try migsh(["--yes", "-m", migrations, db, ".apply"])
    #expect(apply.status == 0, ".apply after the advice: \(apply)", sourceLocation: sourceLocation)
}

@Suite("Advice followed: every way out keeps the data of a clean run")
struct AdviceTests {
    // MARK: 1. Data-only statements

    @Test("004 run by hand without its final UPDATE: not baselined; the advice runs the UPDATE and every vendor gets its tier")
    func dataOnlyTailIsNotBaselined() throws {
        let clean = try cleanRows(from: 3)
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 3)
            try runByHand(db, version: 4, "1,2,3,4,5,6,7")
            let v = try verdict(db)
            #expect(v["matches_version"] as? Int == 4, "\(v)")
            #expect(recommendedCommands(v) == [".apply --resume"], "\(v)")

            let before = dump(db)
            let baseline = try migsh(["-m", repositoryMigrations, db, ".baseline 4 --yes"])
            #expect(baseline.status == 1, "\(baseline)")
            #expect(baseline.stderr.contains("statement 8 of 004_add_supplier_diversity.sql"), "\(baseline)")
            #expect(dump(db) == before, "a refused .baseline changed the database")

            try followAdvice(db, v)
            #expect(sqlite(db, "select count(*) from Technology_Vendors where supplier_tier is null") == "0")
            #expect(comparableRows(db) == clean)
        }
    }

    @Test("007 run by hand without its UPDATE: .baseline 7 refused; the advice copies every commercial operation date before 008 drops cod")
    func skippedCopyOf007() throws {
        let clean = try cleanRows(from: 6)
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 6)
            let dates = sqlite(db, "select count(*) from Projects where cod is not null")
            try runByHand(db, version: 7, "1,3")  // the ALTER and the index; the UPDATE skipped
            let baseline = try migsh(["-m", repositoryMigrations, db, ".baseline 7 --yes"])
            #expect(baseline.status == 1, "\(baseline)")

            let v = try verdict(db)
            #expect(recommendedCommands(v) == [".apply --resume"], "\(v)")
            try followAdvice(db, v)
            #expect(sqlite(db, "select count(*) from Projects where commercial_operation_date is not null") == dates)
            #expect(comparableRows(db) == clean)
        }
    }

    @Test("a migration of CREATE TABLE, INSERT…SELECT and UPDATE stopped after the CREATE: the copy runs, nothing is baselined")
    func createThenCopyThenUpdate() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/migrations"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try migrationFileText(1, "CREATE TABLE Schema_Version (version INTEGER PRIMARY KEY, applied_date TEXT, applied_by TEXT, description TEXT);\nCREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT);")
                .write(toFile: folder + "/001_people.sql", atomically: true, encoding: .utf8)
            try migrationFileText(2, "CREATE TABLE names (id INTEGER PRIMARY KEY, name TEXT, upper_name TEXT);\nINSERT INTO names (id, name) SELECT id, name FROM people;\nUPDATE names SET upper_name = upper(name) WHERE upper_name IS NULL;")
                .write(toFile: folder + "/002_names.sql", atomically: true, encoding: .utf8)
            try regenerateChecksums(in: folder)
            func start(_ db: String) throws {
                let create = try migsh(["--create", "-m", folder, db, ".apply --to 1 --yes", "INSERT INTO people (name) VALUES ('ada'), ('grace'), ('edsger')"])
                guard create.status == 0 else { throw EndToEndError.failed("create", create) }
            }
            let clean = dir + "/clean.sqlite"
            try start(clean)
            #expect(try migsh(["--yes", "-m", folder, clean, ".apply"]).status == 0)

            let db = dir + "/db.sqlite"
            try start(db)
            try runByHand(db, version: 2, "1", migrations: folder)
            let v = try verdict(db, migrations: folder)
            #expect(v["matches_version"] as? Int == 2, "\(v)")
            #expect(recommendedCommands(v) == [".apply --resume"], "\(v)")
            try followAdvice(db, v, migrations: folder)
            #expect(sqlite(db, "select id, name, upper_name from names order by id") == "1|ada|ADA\n2|grace|GRACE\n3|edsger|EDSGER")
            #expect(comparableRows(db) == comparableRows(clean))
        }
    }

    // MARK: 2. A rebuild whose copy was skipped

    @Test("008 with only its CREATE TABLE and DROP VIEW run: the advice copies the projects before the rebuild; none is lost")
    func rebuildWithSkippedCopy() throws {
        let clean = try cleanRows(from: 7)
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 7)
            let projects = sqlite(db, "select count(*) from Projects")
            try runByHand(db, version: 8, "1,5")
            let v = try verdict(db)
            let partial = try #require(v["partial"] as? [String: Any], "\(v)")
            #expect(partial["statements_applied"] as? Int == 5, "\(partial)")
            #expect((partial["unverifiable"] as? [Int])?.contains(2) == true, "\(partial)")
            #expect(recommendedCommands(v) == [".apply --resume"], "\(v)")
            try followAdvice(db, v)
            #expect(sqlite(db, "select count(*) from Projects") == projects)
            #expect(comparableRows(db) == clean)
        }
    }

    // MARK: 3. Schema_Version dropped

    @Test("Schema_Version dropped from a database migsh migrated: the advice recreates its rows; no restore of an empty backup")
    func versionTableDropped() throws {
        let clean = try cleanRows(from: 8)
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            _ = sqlite(db, "DROP TABLE Schema_Version")
            let check = try migsh(["-m", repositoryMigrations, db, "--check"])
            #expect(check.status == 1, "\(check)")
            #expect(check.stderr.contains("no Schema_Version table"), "\(check)")

            let v = try verdict(db)
            #expect(v["state"] as? String == "version_table_missing", "\(v)")
            #expect(recommendedCommands(v) == [".baseline 8"], "\(v)")
            try followAdvice(db, v)
            #expect(comparableRows(db) == clean)
        }
    }

    // MARK: 4. A gap

    @Test("005 run by hand on version 3 leaves a gap: .apply, --check and .version refuse with exit 1 and change nothing")
    func gapIsRefused() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 3)
            try runByHand(db, version: 5, "all")
            let before = dump(db)
            for command in [".apply --yes", ".version", ".pending"] {
                let result = try migsh(["-m", repositoryMigrations, db, command])
                #expect(result.status == 1, "\(command): \(result)")
                #expect(result.stderr.contains("has no row for version 4"), "\(command): \(result)")
                #expect(result.stderr.contains(".diff"), "\(command): \(result)")
            }
            let check = try migsh(["-m", repositoryMigrations, db, "--check"])
            #expect(check.status == 1, "\(check)")
            #expect(dump(db) == before)
            let v = try verdict(db)
            #expect(v["state"] as? String == "version_rows_invalid", "\(v)")
            #expect(recommendedCommands(v) == nil, "\(v)")
            #expect((v["no_safe_option"] as? String)?.isEmpty == false, "\(v)")
        }
    }

    // MARK: 5. Drift on a database migsh migrated

    @Test("an index dropped from a database migsh migrated is drift, not a partial migration; .repair recreates it")
    func droppedIndexIsDrift() throws {
        let clean = try cleanRows(from: 7)
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 7)
            _ = sqlite(db, "DROP INDEX idx_projects_commercial_operation_date")
            let v = try verdict(db)
            #expect(v["state"] as? String == "drift", "\(v)")
            #expect(v["partial"] is NSNull, "\(v)")
            #expect(recommendedCommands(v) == [".repair"], "\(v)")

            let sql = try migsh(["-m", repositoryMigrations, db, ".diff --sql"])
            #expect(sql.status == 0, "\(sql)")
            #expect(sql.stdout.contains("CREATE INDEX idx_projects_commercial_operation_date ON Projects(commercial_operation_date);"), "\(sql)")

            try followAdvice(db, v)
            let after = try migsh(["-m", repositoryMigrations, db, ".diff"])
            #expect(after.status == 0, "\(after)")
            #expect(comparableRows(db) == clean)
        }
    }

    // MARK: 6. The replay reaches no file

    @Test("a migration that ATTACHes the live database is refused by validation; .diff, .lint and .baseline leave the table and the folder alone")
    func replayNeverTouchesFiles() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let rows = sqlite(db, "select count(*) from Project_Product_Relationships")
            try #require(rows != "0")
            let folder = dir + "/migrations"
            try copyRepositoryMigrations(to: folder)
            try migrationFileText(9, "ATTACH '\(db)' AS live;\nDELETE FROM live.Project_Product_Relationships;\nATTACH 'stray.sqlite' AS stray;\nVACUUM INTO 'vacuumed.sqlite';")
                .write(toFile: folder + "/009_attach_live.sql", atomically: true, encoding: .utf8)
            try regenerateChecksums(in: folder)
            let work = dir + "/cwd"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            for arguments in [["--readonly", db, ".diff"], [db, ".diff"], [db, ".lint"], [db, ".baseline 9 --force --yes"], [db, ".test"]] {
                _ = try migsh(["-m", folder] + arguments, cwd: work)
                #expect(sqlite(db, "select count(*) from Project_Product_Relationships") == rows, "\(arguments) emptied the table")
            }
            #expect(fileNames(in: work).isEmpty, "files appeared in the current folder: \(fileNames(in: work))")
            let lint = try migsh(["-m", folder, db, ".lint"], cwd: work)
            #expect(lint.stdout.contains("ATTACH cannot run inside a transaction"), "\(lint)")
        }
    }

    // MARK: 7. A TEMP Schema_Version

    @Test("a migration creating a TEMP Schema_Version is a validation error: nothing runs, main.Schema_Version and migsh's record agree")
    func tempSchemaVersionRefused() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let folder = dir + "/migrations"
            try copyRepositoryMigrations(to: folder)
            try migrationFileText(9, "CREATE TEMP TABLE Schema_Version (version INTEGER PRIMARY KEY, applied_date TEXT, applied_by TEXT, description TEXT);")
                .write(toFile: folder + "/009_temp_version.sql", atomically: true, encoding: .utf8)
            try regenerateChecksums(in: folder)
            let before = dump(db)
            let apply = try migsh(["-m", folder, db, ".apply --yes"])
            #expect(apply.status == 1, "\(apply)")
            #expect(apply.stderr.contains("TEMP table named Schema_Version"), "\(apply)")
            #expect(dump(db) == before)
            #expect(sqlite(db, "select max(version) from migsh_applied_migrations") == "8")
        }
    }

    // MARK: 8. Misreadings

    @Test("text versions in Schema_Version are named, row and value, and nothing plans from them")
    func textVersions() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 3)
            _ = sqlite(db, """
                CREATE TABLE sv (version TEXT, applied_date TEXT, applied_by TEXT, description TEXT);
                INSERT INTO sv SELECT CAST(version AS TEXT), applied_date, applied_by, description FROM Schema_Version;
                INSERT INTO sv VALUES ('v2-hotfix', NULL, 'admin', 'hotfix');
                DROP TABLE Schema_Version; ALTER TABLE sv RENAME TO Schema_Version;
                """)
            for arguments in [[".version"], [".apply --yes"], ["--check"]] {
                let result = try migsh(["-m", repositoryMigrations, db] + arguments)
                #expect(result.status == 1, "\(arguments): \(result)")
                #expect(result.stderr.contains("holds version '1' (text), not a whole number"), "\(arguments): \(result)")
                #expect(result.stderr.contains("'v2-hotfix'"), "\(arguments): \(result)")
            }
        }
    }

    @Test("a damaged Schema_Version page is reported as damage, exit 1, never as a database too new")
    func damagedIsNotTooNew() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let page = try #require(Int(sqlite(db, "select rootpage from sqlite_master where name = 'Schema_Version'")))
            let size = try #require(Int(sqlite(db, "pragma page_size")))
            // Overwrite the page's cells (its second half) with 0xEE bytes.
            let handle = try #require(FileHandle(forUpdatingAtPath: db))
            try handle.seek(toOffset: UInt64((page - 1) * size + size / 2))
            handle.write(Data(repeating: 0xEE, count: size / 2))
            try handle.close()
            for arguments in [["--check"], [".version"], [".apply --yes"]] {
                let result = try migsh(["-m", repositoryMigrations, db] + arguments)
                #expect(result.status == 1, "\(arguments): \(result)")
                #expect(!result.stdout.contains("Too New") && !result.stderr.contains("Too New"), "\(arguments): \(result)")
                #expect(result.stderr.lowercased().contains("damaged") || result.stderr.contains("malformed"), "\(arguments): \(result)")
            }
        }
    }

    @Test("a folder, a FIFO, a non-UTF-8 file or a misnamed 009_x.SQL among the migrations: --check, .version, .pending and .apply all refuse, exit 1",
          arguments: ["folder", "fifo", "non-utf8", "misnamed"])
    func folderProblemsAgree(kind: String) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let folder = dir + "/migrations"
            try copyRepositoryMigrations(to: folder)
            switch kind {
            case "folder": try FileManager.default.createDirectory(atPath: folder + "/009_x.sql", withIntermediateDirectories: false)
            case "fifo": #expect(mkfifo(folder + "/009_x.sql", 0o644) == 0)
            case "non-utf8": try Data([0x2d, 0x2d, 0x20, 0xff, 0xfe, 0x0a]).write(to: URL(fileURLWithPath: folder + "/009_x.sql"))
            default: try migrationFileText(9, "CREATE TABLE x (a);").write(toFile: folder + "/009_x.SQL", atomically: true, encoding: .utf8)
            }
            for arguments in [["--check"], [".version"], [".pending"], [".apply --yes"]] {
                let result = try migsh(["-m", folder, db] + arguments, timeout: 20)
                #expect(result.status == 1, "\(kind) \(arguments): \(result)")
                #expect(result.stderr.contains("009_x"), "\(kind) \(arguments): \(result)")
            }
        }
    }

    @Test("an empty statement (;;) is accepted everywhere, as sqlite3 accepts it: .lint passes and .apply applies")
    func emptyStatementAccepted() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let folder = dir + "/migrations"
            try copyRepositoryMigrations(to: folder)
            try migrationFileText(9, "CREATE TABLE Notes (id INTEGER PRIMARY KEY, body TEXT);;\n;")
                .write(toFile: folder + "/009_add_notes.sql", atomically: true, encoding: .utf8)
            try regenerateChecksums(in: folder)
            let lint = try migsh(["-m", folder, db, ".lint " + folder + "/009_add_notes.sql"])
            #expect(lint.status == 0, "\(lint)")
            let apply = try migsh(["-m", folder, db, ".apply --yes"])
            #expect(apply.status == 0, "\(apply)")
            #expect(schemaVersion(db) == "9")
        }
    }

    // MARK: 9. Version rows without their changes

    @Test("version rows 4 and 5 without their changes: the advice is .apply --resume, which runs both and keeps the data")
    func versionRowsWithoutChanges() throws {
        let clean = try cleanRows(from: 3)
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 3)
            try runByHand(db, version: 4, "version-only")
            try runByHand(db, version: 5, "version-only")
            let v = try verdict(db)
            #expect(v["state"] as? String == "version_rows_without_changes", "\(v)")
            #expect(recommendedCommands(v) == [".apply --resume"], "\(v)")
            try followAdvice(db, v)
            #expect(comparableRows(db) == clean)
        }
    }
}

/// A migration file following the spec's template, with `body` between BEGIN and the
/// Schema_Version insert.
func migrationFileText(_ version: Int, _ body: String) -> String {
    """
    -- Description: test migration \(version)
    -- Version: \(version)
    -- Date: 2026-12-01
    -- Author: tests
    -- Rollback: restore the backup

    BEGIN TRANSACTION;

    \(body)

    INSERT INTO Schema_Version (version, applied_date, applied_by, description)
    VALUES (\(version), datetime('now'), 'system', 'test migration \(version)');

    COMMIT;
    """
}
