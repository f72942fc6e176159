import Foundation
import Testing

// Issue 21: a database keeps living. Between a failed or half-run migration and the
// investigation the application keeps writing; the evidence must describe the data as it is
// now, and the recommended way out must reach what a clean run of the same writes reaches.
// The state is made by hand (python's sqlite3 for the migration's statements, sqlite3 for the
// application's writes); the reference is a clean `.apply` of the same start plus the same
// writes, compared row by row through sqlite3.

/// The application's writes after 006 was half run: a new product, an edit, a deletion.
private let productWrites = """
    insert into Products (product_id, product_name, vendor_id, notes) values (500, 'written after the hand run', 1, 'new');
    update Products set notes = 'edited after the hand run' where product_id = 1;
    delete from Products where product_id = 21;
    """

/// Rows of every user table, with timestamps written today (triggers' CURRENT_TIMESTAMP)
/// masked: the state and the clean run are made seconds apart.
private func rowsMaskingToday(_ db: String) -> [String: String] {
    let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
    let pattern = try! NSRegularExpression(pattern: NSRegularExpression.escapedPattern(for: today) + " [0-9:]{8}")
    return comparableRows(db).mapValues { text in
        pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "<today>")
    }
}

private func evidence(_ verdict: [String: Any], version: Int, statement: Int) -> [String: Any]? {
    let migrations = verdict["evidence"] as? [[String: Any]] ?? []
    let statements = migrations.first { $0["version"] as? Int == version }?["statements"] as? [[String: Any]] ?? []
    return statements.first { $0["statement"] as? Int == statement }
}

@Suite("A database that kept living: advice on the data as it is now")
struct LivingDatabaseTests {
    @Test("006's copy ran, then the application wrote to Products: the copy is stale, the resume copies again and keeps every write")
    func staleCopyIsRedone() throws {
        let clean = try withTemporaryDirectory { dir -> [String: String] in
            let db = dir + "/clean.sqlite"
            try makeDemoDatabase(db, version: 5)
            _ = sqlite(db, productWrites)
            let apply = try migsh(["-m", repositoryMigrations, db, ".apply --yes"])
            #expect(apply.status == 0, "\(apply)")
            return rowsMaskingToday(db)
        }
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            try runByHand(db, version: 6, "1,2")  // CREATE TABLE Products_new; the copy
            _ = sqlite(db, productWrites)

            let text = try migsh(["-m", repositoryMigrations, db, ".diff"])
            #expect(text.status == 1, "\(text)")
            #expect(text.stdout.contains("statement 2: INSERT INTO Products_new (line 46): STALE"), "\(text.stdout)")
            #expect(text.stdout.contains("3 rows (1 changed, 1 added, 1 removed): product_id 1; product_id 500; product_id 21"), "\(text.stdout)")
            #expect(text.stderr == "")

            let v = try verdict(db)
            let copy = try #require(evidence(v, version: 6, statement: 2))
            #expect(copy["state"] as? String == "stale")
            #expect(copy["refills"] as? String == "products_new")
            // The rows it drops or changes (product_id 1, 21) are what the copy made from
            // the backup `.apply --to 5` took: the application's doing, not hand edits.
            #expect((copy["reason"] as? String)?.contains("the 2 rows it drops or changes are exactly what the copy made from the verified backup taken") == true, "\(copy)")
            #expect(recommendedCommands(v) == [".apply --resume"], "\(v)")

            try followAdvice(db, v)
            #expect(sqlite(db, "select product_id, notes from Products where product_id in (1, 21, 500) order by 1")
                    == "1|edited after the hand run\n500|new")
            #expect(rowsMaskingToday(db) == clean)
        }
    }

    @Test("006's copy ran, then the application wrote to Products, and no backup is left: the rows the resume would drop or change are named, and it is not recommended")
    func staleCopyWithoutBackupIsNotResumedBlindly() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            try FileManager.default.removeItem(atPath: dir + "/snapshots")
            try runByHand(db, version: 6, "1,2")
            _ = sqlite(db, productWrites)

            let v = try verdict(db)
            let copy = try #require(evidence(v, version: 6, statement: 2))
            #expect(copy["state"] as? String == "stale")
            #expect((copy["reason"] as? String)?.contains("but 2 rows of Products_new (product_id 1; product_id 21) are not what the copy gives now, and no verified backup from before this migration shows they are what the copy made when it ran") == true, "\(copy)")
            #expect(recommendedCommands(v) == nil, "\(v)")
            let resume = try #require((v["way_out"] as? [[String: Any]])?.first)
            #expect(resume["commands"] as? [String] == [".apply --resume"])
            #expect((resume["loses"] as? String)?.hasPrefix("2 rows of Products_new (1 changed, 1 removed): product_id 1; product_id 21, which emptying Products_new") == true, "\(resume)")
        }
    }

    @Test("006's copy ran, then an admin added and corrected rows of Products_new by hand: the verdict names them, recommends nothing that loses them, and its hint keeps both")
    func handEditsOfTheStaleCopyAreNamed() throws {
        let adminToSource = """
            insert into Products (product_id, product_name, vendor_id, notes) values (600, 'added by hand', 1, 'admin');
            update Products set notes = 'corrected by hand' where product_id = 2;
            """
        // The clean run: the application's writes and the admin's changes, then 006 onwards.
        let clean = try withTemporaryDirectory { dir -> [String: String] in
            let db = dir + "/clean.sqlite"
            try makeDemoDatabase(db, version: 5)
            _ = sqlite(db, productWrites)
            _ = sqlite(db, adminToSource)
            let apply = try migsh(["-m", repositoryMigrations, db, ".apply --yes"])
            #expect(apply.status == 0, "\(apply)")
            return rowsMaskingToday(db)
        }
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            try runByHand(db, version: 6, "1,2")
            _ = sqlite(db, productWrites)
            _ = sqlite(db, """
                insert into Products_new (product_id, product_name, vendor_id, notes) values (600, 'added by hand', 1, 'admin');
                update Products_new set notes = 'corrected by hand' where product_id = 2;
                """)

            let text = try migsh(["-m", repositoryMigrations, db, ".diff"])
            #expect(text.status == 1, "\(text)")
            #expect(!text.stdout.contains("recommended"), "\(text.stdout)")
            #expect(!text.stdout.contains("the resume loses nothing"), "\(text.stdout)")
            #expect(text.stdout.contains("but 2 rows of Products_new (product_id 2; product_id 600) are neither what the copy gives now nor what it made from the verified backup taken"), "\(text.stdout)")
            #expect(text.stderr == "")

            let v = try verdict(db)
            #expect(recommendedCommands(v) == nil, "\(v)")
            let noSafe = try #require(v["no_safe_option"] as? String)
            #expect(noSafe.contains("losing 2 rows of Products_new (1 changed, 1 removed): product_id 2; product_id 600"), "\(noSafe)")
            #expect(!noSafe.contains("product_id 1;") && !noSafe.contains("product_id 21"), "the application's writes are not hand edits: \(noSafe)")
            let resume = try #require((v["way_out"] as? [[String: Any]])?.first)
            #expect((resume["loses"] as? String)?.contains("product_id 2; product_id 600") == true, "\(resume)")

            // The hint, followed: the same changes to the table the copy reads, the rows out of
            // the half-done table, then .diff again.
            #expect(noSafe.contains("make the same changes to the table the copy reads (the resume copies it again), delete those rows from Products_new, and run .diff again"), "\(noSafe)")
            _ = sqlite(db, adminToSource + "delete from Products_new where product_id in (2, 600);")
            let again = try verdict(db)
            #expect(recommendedCommands(again) == [".apply --resume"], "\(again)")
            try followAdvice(db, again)
            #expect(sqlite(db, "select product_id, notes from Products where product_id in (2, 600) order by 1")
                    == "2|corrected by hand\n600|admin")
            #expect(rowsMaskingToday(db) == clean)
        }
    }

    @Test("006's copy ran, then an admin deleted a product from Products_new by hand: the resume, which would put it back, is not recommended; the hint, followed, keeps it deleted")
    func handDeletionFromTheStaleCopyIsNamed() throws {
        let clean = try withTemporaryDirectory { dir -> [String: String] in
            let db = dir + "/clean.sqlite"
            try makeDemoDatabase(db, version: 5)
            _ = sqlite(db, productWrites)
            _ = sqlite(db, "delete from Products where product_id = 7;")
            let apply = try migsh(["-m", repositoryMigrations, db, ".apply --yes"])
            #expect(apply.status == 0, "\(apply)")
            return rowsMaskingToday(db)
        }
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            try runByHand(db, version: 6, "1,2")
            _ = sqlite(db, productWrites)
            _ = sqlite(db, "delete from Products_new where product_id = 7;")

            let v = try verdict(db)
            let copy = try #require(evidence(v, version: 6, statement: 2))
            #expect((copy["reason"] as? String)?.contains("and 1 row of Products_new (product_id 7) that the copy made from the verified backup taken") == true, "\(copy)")
            #expect(recommendedCommands(v) == nil, "\(v)")
            let resume = try #require((v["way_out"] as? [[String: Any]])?.first)
            #expect((resume["loses"] as? String)?.hasPrefix("1 row of Products_new (1 added): product_id 7") == true, "\(resume)")

            _ = sqlite(db, "delete from Products where product_id = 7;")
            let again = try verdict(db)
            #expect(recommendedCommands(again) == [".apply --resume"], "\(again)")
            try followAdvice(db, again)
            #expect(sqlite(db, "select count(*) from Products where product_id = 7") == "0")
            #expect(rowsMaskingToday(db) == clean)
        }
    }

    @Test("006's copy ran and nothing was written since: its effect is present, and the resume does not copy again")
    func freshCopyIsPresent() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            try runByHand(db, version: 6, "1,2")
            let v = try verdict(db)
            let copy = try #require(evidence(v, version: 6, statement: 2))
            #expect(copy["state"] as? String == "present", "\(copy)")
            #expect(copy["refills"] == nil)
            #expect((copy["reason"] as? String)?.contains("holds exactly what the copy gives from the data as it is now (21 rows)") == true, "\(copy)")
            #expect(recommendedCommands(v) == [".apply --resume"], "\(v)")
        }
    }

    @Test("007's UPDATE ran, then a date was corrected by hand: no recommended rerun; the resume names the row it overwrites, the baseline keeps it")
    func correctedRowIsNotRerunSilently() throws {
        // The clean run: 007 applied, the correction made, then 008.
        let clean = try withTemporaryDirectory { dir -> [String: String] in
            let db = dir + "/clean.sqlite"
            try makeDemoDatabase(db, version: 6)
            #expect(try migsh(["-m", repositoryMigrations, db, ".apply --to 7 --yes"]).status == 0)
            _ = sqlite(db, "update Projects set commercial_operation_date = '2099-01-01' where project_id = 1")
            #expect(try migsh(["-m", repositoryMigrations, db, ".apply --yes"]).status == 0)
            return rowsMaskingToday(db)
        }
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 6)
            try runByHand(db, version: 7, "1,2,3")
            _ = sqlite(db, "update Projects set commercial_operation_date = '2099-01-01' where project_id = 1")

            let text = try migsh(["-m", repositoryMigrations, db, ".diff"])
            #expect(text.stdout.contains("statement 2: UPDATE Projects (line 22): WOULD CHANGE ROWS — running it now changes 1 row of Projects: project_id 1, in commercial_operation_date"), "\(text.stdout)")
            #expect(!text.stdout.contains("recommended"), "\(text.stdout)")

            let v = try verdict(db)
            #expect(recommendedCommands(v) == nil, "\(v)")
            #expect((v["no_safe_option"] as? String)?.contains("project_id 1") == true, "\(v)")
            let options = try #require(v["way_out"] as? [[String: Any]])
            #expect(options.first?["commands"] as? [String] == [".apply --resume"])
            #expect((options.first?["loses"] as? String)?.contains("the current values of 1 row of Projects: project_id 1, in commercial_operation_date") == true, "\(options)")
            let baseline = try #require(options.first { ($0["commands"] as? [String]) == [".baseline 7 --force"] }, "\(options)")
            #expect((baseline["assumes"] as? String)?.contains("statement 2 of 007_add_commercial_operation_date.sql") == true)

            // Following the option whose assumption is true keeps the correction.
            let follow = try migsh(["--yes", "-m", repositoryMigrations, db, ".baseline 7 --force"])
            #expect(follow.status == 0, "\(follow)")
            #expect(try migsh(["--yes", "-m", repositoryMigrations, db, ".apply"]).status == 0)
            #expect(sqlite(db, "select commercial_operation_date from Projects where project_id = 1") == "2099-01-01")
            #expect(rowsMaskingToday(db) == clean)
        }
    }

    @Test("007 run by hand without its UPDATE and nothing written since: the rerun replaces only the new column's defaults, so it stays recommended")
    func frozenStateStaysRecommended() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 6)
            try runByHand(db, version: 7, "1,3")
            let v = try verdict(db)
            #expect(recommendedCommands(v) == [".apply --resume"], "\(v)")
            let update = try #require(evidence(v, version: 7, statement: 2))
            #expect(update["state"] as? String == "absent")
            let rows = try #require((update["rows"] as? [[String: Any]])?.first)
            #expect(rows["lossless"] as? Bool == true)
            #expect(rows["changed"] as? Int == Int(sqlite(db, "select count(*) from Projects where cod is not null")))
        }
    }

    /// A hand run of a migration's statements, then a correction that puts a value back to
    /// the default of the column the migration added; the clean run: the migration applied,
    /// the same correction, then the rest. Following the verdict must keep the correction.
    private func correctionToDefault(version: Int, byHand: String, correction: String, check: String, expected: String,
                                     statement: Int, key: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let clean = try withTemporaryDirectory { dir -> [String: String] in
            let db = dir + "/clean.sqlite"
            try makeDemoDatabase(db, version: version - 1)
            #expect(try migsh(["-m", repositoryMigrations, db, ".apply --to \(version) --yes"]).status == 0, sourceLocation: sourceLocation)
            _ = sqlite(db, correction)
            #expect(try migsh(["-m", repositoryMigrations, db, ".apply --yes"]).status == 0, sourceLocation: sourceLocation)
            #expect(sqlite(db, check) == expected, "the clean run keeps the correction", sourceLocation: sourceLocation)
            return rowsMaskingToday(db)
        }
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: version - 1)
            try runByHand(db, version: version, byHand, sourceLocation: sourceLocation)
            _ = sqlite(db, correction)

            let text = try migsh(["-m", repositoryMigrations, db, ".diff"])
            #expect(text.status == 1 && text.stderr.isEmpty, "\(text)", sourceLocation: sourceLocation)
            #expect(text.stdout.contains("WOULD CHANGE ROWS — running it now changes 1 row of"), "\(text.stdout)", sourceLocation: sourceLocation)
            #expect(text.stdout.contains("so it ran, and those rows were written since"), "\(text.stdout)", sourceLocation: sourceLocation)
            #expect(!text.stdout.contains("(recommended"), "\(text.stdout)", sourceLocation: sourceLocation)

            let v = try verdict(db)
            #expect(recommendedCommands(v) == nil, "\(v)", sourceLocation: sourceLocation)
            let update = try #require(evidence(v, version: version, statement: statement), sourceLocation: sourceLocation)
            #expect(update["state"] as? String == "absent", "\(update)", sourceLocation: sourceLocation)
            let rows = try #require((update["rows"] as? [[String: Any]])?.first, sourceLocation: sourceLocation)
            #expect(rows["lossless"] as? Bool == false && rows["keys"] as? [String] == [key], "\(rows)", sourceLocation: sourceLocation)
            let options = try #require(v["way_out"] as? [[String: Any]], sourceLocation: sourceLocation)
            #expect((options.first?["loses"] as? String)?.contains(key) == true, "\(options)", sourceLocation: sourceLocation)

            // The option whose assumption holds (the UPDATE ran) keeps the correction.
            let baseline = try #require(options.first { ($0["commands"] as? [String]) == [".baseline \(version) --force"] }, "\(options)", sourceLocation: sourceLocation)
            for command in baseline["commands"] as? [String] ?? [] {
                #expect(try migsh(["--yes", "-m", repositoryMigrations, db, command]).status == 0, sourceLocation: sourceLocation)
            }
            #expect(try migsh(["--yes", "-m", repositoryMigrations, db, ".apply"]).status == 0, sourceLocation: sourceLocation)
            #expect(sqlite(db, check) == expected, sourceLocation: sourceLocation)
            #expect(rowsMaskingToday(db) == clean, sourceLocation: sourceLocation)
        }
    }

    @Test("007's UPDATE ran, then a date was corrected by hand to NULL (the new column's default): not 'not run', no recommended rerun")
    func correctionToNullIsNotRerun() throws {
        try correctionToDefault(version: 7, byHand: "1,2,3",
                                correction: "update Projects set commercial_operation_date = NULL where project_id = 1",
                                check: "select quote(commercial_operation_date) from Projects where project_id = 1", expected: "NULL",
                                statement: 2, key: "project_id 1")
    }

    @Test("005's UPDATE ran, then a person was reclassified by hand to 'External' (the new column's default): no recommended rerun")
    func correctionToDeclaredDefaultIsNotRerun() throws {
        let person = "(select min(personnel_id) from Personnel where organization_type = 'Internal')"
        try correctionToDefault(version: 5, byHand: "1,2,3,4,5,6,7,8",
                                correction: "update Personnel set personnel_type = 'External' where personnel_id = \(person)",
                                check: "select personnel_type from Personnel where personnel_id = \(person)", expected: "External",
                                statement: 7, key: "personnel_id 1")
    }

    @Test("004's UPDATE (WHERE supplier_tier IS NULL) ran, then a tier was cleared by hand: the rows it skipped now show it ran")
    func correctionOutsideTheRerunsRowsIsNotRerun() throws {
        try correctionToDefault(version: 4, byHand: "1,2,3,4,5,6,7,8",
                                correction: "update Technology_Vendors set supplier_tier = NULL where vendor_id = 1",
                                check: "select quote(supplier_tier) from Technology_Vendors where vendor_id = 1", expected: "NULL",
                                statement: 8, key: "vendor_id 1")
    }

    @Test("a UNIQUE index dropped by hand, then duplicates written: .repair (which would fail) is not recommended until the rows fit it")
    func repairThatFailsOnTheDataIsNotRecommended() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/migrations"
            try copyRepositoryMigrations(to: folder)
            try """
                -- Description: one account per e-mail address
                -- Version: 9
                BEGIN TRANSACTION;
                CREATE UNIQUE INDEX idx_users_email ON Users(email);
                INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (9, datetime('now'), 'system', 'unique e-mail');
                COMMIT;

                """.write(toFile: folder + "/009_unique_email.sql", atomically: true, encoding: .utf8)
            try regenerateChecksums(in: folder)
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            #expect(try migsh(["-m", folder, db, ".apply --yes"]).status == 0)
            _ = sqlite(db, "drop index idx_users_email; insert into Users (username, email) values ('dup1', 'same@example.org'), ('dup2', 'same@example.org');")

            let text = try migsh(["-m", folder, db, ".diff"])
            #expect(text.status == 1 && text.stderr.isEmpty, "\(text)")
            #expect(text.stdout.contains("no way out assumes and loses nothing: recreating them fails on the data as it is now (UNIQUE constraint failed: Users.email)"), "\(text.stdout)")
            #expect(!text.stdout.contains("(recommended"), "\(text.stdout)")
            let v = try verdict(db, migrations: folder)
            #expect(v["state"] as? String == "drift" && recommendedCommands(v) == nil, "\(v)")

            // The admin settles the duplicate; then the repair is proven on the data and recommended.
            _ = sqlite(db, "update Users set email = 'other@example.org' where username = 'dup2'")
            let fixed = try verdict(db, migrations: folder)
            #expect(recommendedCommands(fixed) == [".repair"], "\(fixed)")
            try followAdvice(db, fixed, migrations: folder)
            #expect(sqlite(db, "select count(*) from sqlite_master where name = 'idx_users_email'") == "1")
            #expect(sqlite(db, "select username, email from Users where username like 'dup%' order by 1") == "dup1|same@example.org\ndup2|other@example.org")
        }
    }

    @Test("a migration half run by hand, then duplicates written: the resume (whose CREATE UNIQUE INDEX would fail) is not recommended until the rows fit")
    func resumeThatFailsOnTheDataIsNotRecommended() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/migrations"
            try copyRepositoryMigrations(to: folder)
            try """
                -- Description: verified, unique e-mail addresses
                -- Version: 9
                BEGIN TRANSACTION;
                ALTER TABLE Users ADD COLUMN verified INTEGER DEFAULT 0;
                CREATE UNIQUE INDEX idx_users_email ON Users(email);
                INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (9, datetime('now'), 'system', 'unique e-mail');
                COMMIT;

                """.write(toFile: folder + "/009_unique_email.sql", atomically: true, encoding: .utf8)
            try regenerateChecksums(in: folder)
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            try runByHand(db, version: 9, "1", migrations: folder)
            _ = sqlite(db, "insert into Users (username, email) values ('dup1', 'same@example.org'), ('dup2', 'same@example.org');")

            let text = try migsh(["-m", folder, db, ".diff"])
            #expect(text.status == 1 && text.stderr.isEmpty, "\(text)")
            #expect(text.stdout.contains("no way out assumes and loses nothing: statement 2 of 009_unique_email.sql (CREATE UNIQUE INDEX idx_users_email, line 5) fails on the rows as they are now (UNIQUE constraint failed: Users.email)"), "\(text.stdout)")
            #expect(!text.stdout.contains("(recommended"), "\(text.stdout)")
            #expect(recommendedCommands(try verdict(db, migrations: folder)) == nil)

            _ = sqlite(db, "update Users set email = 'other@example.org' where username = 'dup2'")
            let fixed = try verdict(db, migrations: folder)
            #expect(recommendedCommands(fixed) == [".apply --resume"], "\(fixed)")
            try followAdvice(db, fixed, migrations: folder)
            #expect(schemaVersion(db) == "9")
            #expect(sqlite(db, "select username, email from Users where username like 'dup%' order by 1") == "dup1|same@example.org\ndup2|other@example.org")
        }
    }
}
