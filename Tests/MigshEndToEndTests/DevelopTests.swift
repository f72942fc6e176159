import Foundation
import MigshTestSupport
import Testing

/// Developers on test copies: scratch sessions that never write the original, `.record`,
/// `.new` from a session or a diff, `.rebuild` — and the spec's own migrations generated
/// rather than written by hand, each giving the schema (`.diff` equal) and the rows of the
/// hand-written one.
@Suite("Developing a migration: scratch, record, new, rebuild")
struct DevelopTests {
    static func modificationDate(of path: String) throws -> Date {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
    }

    /// A migrations folder holding the repository's migrations up to `version`.
    static func folder(upTo version: Int, in dir: String) throws -> String {
        let folder = dir + "/dev-migrations"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for v in 1...version {
            let file = try migrationFile(v)
            try FileManager.default.copyItem(atPath: file, toPath: folder + "/" + (file as NSString).lastPathComponent)
        }
        try FileManager.default.copyItem(atPath: repositoryMigrations + "/app_versions.json", toPath: folder + "/app_versions.json")
        try regenerateChecksums(in: folder)
        return folder
    }

    /// Every data table's rows, sorted, read by sqlite3 (Schema_Version and migsh's tables aside).
    static func rows(_ db: String) -> [String: String] {
        var result: [String: String] = [:]
        for table in userTables(db) where table != "Schema_Version" && !table.hasPrefix("migsh_") && !table.hasPrefix("sqlite_") {
            let columns = sqlite(db, "select group_concat(quote(name), ',') from pragma_table_info('\(table)') order by cid")
            result[table] = sqlite(db, "select \(columns) from \"\(table)\" order by 1")
        }
        return result
    }

    /// A schema's meaning as sqlite3's pragmas show it: each table's columns in order (type,
    /// not null, default, primary key), its indexes (unique, partial, columns) and foreign keys,
    /// and the views and triggers by name. migsh's own tables are left out.
    static func schemaMeaning(_ db: String) -> String {
        let tables = "select name from sqlite_schema where type = 'table' and name not like 'sqlite_%' and name not like 'migsh_%'"
        return [
            sqlite(db, "select m.name, p.cid, p.name, upper(p.type), p.\"notnull\", p.dflt_value, p.pk "
                       + "from sqlite_schema m, pragma_table_info(m.name) p where m.name in (\(tables)) order by m.name, p.cid"),
            sqlite(db, "select m.name, l.name, l.\"unique\", l.partial, (select group_concat(i.name) from pragma_index_info(l.name) i) "
                       + "from sqlite_schema m, pragma_index_list(m.name) l where m.name in (\(tables)) order by 1, 2"),
            sqlite(db, "select m.name, f.id, f.seq, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete "
                       + "from sqlite_schema m, pragma_foreign_key_list(m.name) f where m.name in (\(tables)) order by 1, 2, 3"),
            sqlite(db, "select type, name, tbl_name from sqlite_schema where type in ('view', 'trigger') order by 1, 2"),
        ].joined(separator: "\n--\n")
    }

    /// The database made by applying `file` (the generated migration) and the one made by the
    /// hand-written migration of the same version, each to a copy of `start`: `.diff` of the
    /// first has the second's schema and the same rows, both as sqlite3 reads them.
    static func expectSameAsHandWritten(generated file: String, version: Int, start: String, in dir: String,
                                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let mine = dir + "/generated-\(version).sqlite"
        let theirs = dir + "/hand-written-\(version).sqlite"
        try? FileManager.default.removeItem(atPath: mine)
        try? FileManager.default.removeItem(atPath: theirs)
        try FileManager.default.copyItem(atPath: start, toPath: mine)
        try FileManager.default.copyItem(atPath: start, toPath: theirs)
        let generatedFolder = dir + "/generated-folder-\(version)"
        try? FileManager.default.removeItem(atPath: generatedFolder)
        _ = try folder(upTo: version - 1, in: dir + "/tmp-\(version)")
        try FileManager.default.moveItem(atPath: dir + "/tmp-\(version)/dev-migrations", toPath: generatedFolder)
        try FileManager.default.copyItem(atPath: file, toPath: generatedFolder + "/" + (file as NSString).lastPathComponent)
        let applyMine = try migsh(["-m", generatedFolder, mine, ".apply --yes"])
        #expect(applyMine.status == 0, "the generated migration does not apply: \(applyMine)", sourceLocation: sourceLocation)
        let applyTheirs = try migsh(["-m", repositoryMigrations, "--target", "\(version)", theirs, ".apply --yes"])
        #expect(applyTheirs.status == 0, "\(applyTheirs)", sourceLocation: sourceLocation)
        // The generated database has the schema the hand-written migration gives, as sqlite3's
        // pragmas read it (not migsh's own .diff).
        #expect(schemaMeaning(mine) == schemaMeaning(theirs), "not the hand-written schema", sourceLocation: sourceLocation)
        #expect(rows(mine) == rows(theirs), "the rows differ from the hand-written migration's", sourceLocation: sourceLocation)
        #expect(sqlite(mine, "PRAGMA foreign_key_check") == "", sourceLocation: sourceLocation)
        let lint = try migsh(["-m", generatedFolder, mine, ".lint \(file)"])
        #expect(lint.status == 0 && lint.stdout.contains("0 error(s)"), "\(lint)", sourceLocation: sourceLocation)
    }

    @Test("002 from a recorded session and from a diff: the schema and rows of the hand-written 002")
    func addedColumns() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 1)
            let start = dir + "/start.sqlite"
            try FileManager.default.copyItem(atPath: db, toPath: start)
            let folder = try Self.folder(upTo: 1, in: dir)
            let statements = [
                "ALTER TABLE Projects ADD COLUMN us_domestic_content_pct REAL;",
                "ALTER TABLE Projects ADD COLUMN us_domestic_content_notes TEXT;",
            ]
            // From the session: .record, the statements, .new --from-session.
            let session = try migsh(["-m", folder, "--scratch", db, ".record on"] + statements
                                    + ["select count(*) from Projects;", ".new \"Add US domestic content tracking\" --from-session"], cwd: dir)
            #expect(session.status == 0, "\(session)")
            let file = folder + "/002_add_us_domestic_content_tracking.sql"
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(text.contains("-- Version: 2") && text.contains("BEGIN TRANSACTION;") && text.contains("VALUES (2, datetime('now'), 'system', 'Add US domestic content tracking');"), "\(text)")
            #expect(text.contains(statements[0]) && text.contains(statements[1]) && !text.contains("select count"), "\(text)")
            #expect(session.stdout.contains("rehearsal passed"), "\(session)")
            try Self.expectSameAsHandWritten(generated: file, version: 2, start: start, in: dir)
            // Again, now that the folder has 002: this database (at 1) has a pending migration.
            let again = try migsh(["-m", folder, "--scratch", db, ".record on"] + statements + [".new \"Add US domestic content tracking\" --from-session"], cwd: dir)
            #expect(again.status == 1 && again.stderr.contains("this database is at version 1 and the folder's latest migration is 2"), "\(again)")
            #expect(try String(contentsOfFile: file, encoding: .utf8) == text)

            // From the diff: the same changes made, not recorded.
            try FileManager.default.removeItem(atPath: file)
            let diff = try migsh(["-m", folder, "--scratch", db] + statements + [".new \"Add US domestic content tracking\" --from-diff"], cwd: dir)
            #expect(diff.status == 0, "\(diff)")
            let fromDiff = try String(contentsOfFile: file, encoding: .utf8)
            #expect(fromDiff.contains("ALTER TABLE Projects ADD COLUMN us_domestic_content_pct REAL;"), "\(fromDiff)")
            try Self.expectSameAsHandWritten(generated: file, version: 2, start: start, in: dir)
            // The original was never written.
            #expect(contents(of: db) == contents(of: start))
        }
    }

    @Test("006 from .rebuild Products --type thermal_capacity=DECIMAL(10,3): the schema and rows of the hand-written 006")
    func typeChangeRebuild() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let start = dir + "/start.sqlite"
            try FileManager.default.copyItem(atPath: db, toPath: start)
            let folder = try Self.folder(upTo: 5, in: dir)
            // Printed first: the twelve steps, proved on the schema.
            let printed = try migsh(["-m", folder, db, ".rebuild Products --type thermal_capacity=DECIMAL(10,3)"])
            #expect(printed.status == 0, "\(printed)")
            for piece in ["CREATE TABLE Products_new", "thermal_capacity DECIMAL(10,3)", "INSERT INTO Products_new (", "DROP VIEW IF EXISTS v_product_catalog;",
                          "DROP TABLE Products;", "ALTER TABLE Products_new RENAME TO Products;", "CREATE INDEX IF NOT EXISTS idx_products_vendor", "CREATE TRIGGER trg_products_modified",
                          "CREATE VIEW v_product_catalog", "INSERT INTO sqlite_sequence"] {
                #expect(printed.stdout.contains(piece), "missing \(piece):\n\(printed.stdout)")
            }
            #expect(contents(of: db) == contents(of: start), ".rebuild without --run changed the database")
            let session = try migsh(["-m", folder, "--scratch", db, ".record on", ".rebuild Products --type thermal_capacity=DECIMAL(10,3) --run",
                                     ".new \"Increase precision for thermal_capacity\" --from-session"], cwd: dir)
            #expect(session.status == 0, "\(session)")
            let file = folder + "/006_increase_precision_for_thermal_capacity.sql"
            try Self.expectSameAsHandWritten(generated: file, version: 6, start: start, in: dir)
        }
    }

    @Test("007–008's two-step rename: 007 recorded, applied to the copy, 008 a rebuild with the view and trigger rewritten")
    func twoStepRename() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 6)
            let start = dir + "/start.sqlite"
            try FileManager.default.copyItem(atPath: db, toPath: start)
            let folder = try Self.folder(upTo: 6, in: dir)
            let handWritten008 = try String(contentsOfFile: try migrationFile(8), encoding: .utf8)
            func between(_ a: String, _ b: String) -> String {
                let from = handWritten008.range(of: a)!.lowerBound
                let to = handWritten008.range(of: b, range: from..<handWritten008.endIndex)!.upperBound
                return String(handWritten008[from..<to])
            }
            let trigger = between("CREATE TRIGGER trg_projects_modified", "END;")
            let view = between("CREATE VIEW v_active_projects AS", "'Operating');")
            let order = "project_id,project_name,location,project_status,commercial_operation_date,capacity_mw,notes,created_by,created_date,modified_by,modified_date,us_domestic_content_pct,us_domestic_content_notes"
            let script = """
                .record on
                ALTER TABLE Projects ADD COLUMN commercial_operation_date DATE;
                UPDATE Projects SET commercial_operation_date = cod WHERE cod IS NOT NULL;
                CREATE INDEX IF NOT EXISTS idx_projects_commercial_operation_date ON Projects(commercial_operation_date);
                .new "Add commercial_operation_date column" --from-session
                .scratch reset
                .apply --yes
                .record clear
                DROP VIEW v_active_projects;
                DROP TRIGGER trg_projects_modified;
                .rebuild Projects --drop cod --column-order \(order) --run
                \(trigger)
                \(view)
                .new "Complete the cod rename" --from-session
                .scratch diff

                """
            let session = try migsh(["-m", folder, "--scratch", db], script: script, cwd: dir)
            #expect(session.status == 0, "\(session)")
            let file007 = folder + "/007_add_commercial_operation_date_column.sql"
            let file008 = folder + "/008_complete_the_cod_rename.sql"
            try Self.expectSameAsHandWritten(generated: file007, version: 7, start: start, in: dir)
            // 008 starts from 007 (the hand-written one: the same schema and rows).
            let at7 = dir + "/at7.sqlite"
            try FileManager.default.copyItem(atPath: start, toPath: at7)
            #expect(try migsh(["-m", repositoryMigrations, "--target", "7", at7, ".apply --yes"]).status == 0)
            try Self.expectSameAsHandWritten(generated: file008, version: 8, start: at7, in: dir)
            #expect(contents(of: db) == contents(of: start), "the original was written")
        }
    }

    @Test("rebuilding a parent with ON DELETE CASCADE children, a view and a trigger keeps every child row")
    func parentRebuildKeepsChildren() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/app.sqlite"
            let folder = dir + "/migrations"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try """
                -- Migration 001: parent and child
                BEGIN TRANSACTION;
                CREATE TABLE Schema_Version (version INTEGER PRIMARY KEY, applied_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP, applied_by TEXT, description TEXT);
                CREATE TABLE parent (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, size REAL);
                CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id) ON DELETE CASCADE, note TEXT);
                CREATE INDEX idx_parent_name ON parent(name);
                CREATE VIEW v_parent_children AS SELECT p.name, count(c.id) AS children FROM parent p LEFT JOIN child c ON c.parent_id = p.id GROUP BY p.id;
                CREATE TABLE audit (what TEXT);
                CREATE TRIGGER trg_parent_insert AFTER INSERT ON parent BEGIN INSERT INTO audit VALUES ('parent ' || NEW.name); END;
                INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (1, CURRENT_TIMESTAMP, 'system', 'parent and child');
                COMMIT;
                """.write(toFile: folder + "/001_parent_and_child.sql", atomically: true, encoding: .utf8)
            let made = try migsh(["-m", folder, "--create", db, ".apply --yes"])
            try #require(made.status == 0, "\(made)")
            _ = sqlite(db, """
                PRAGMA foreign_keys = ON;
                INSERT INTO parent (name, size) VALUES ('a', 1.5), ('b', 2.5), ('c', 3.5);
                INSERT INTO child (parent_id, note) VALUES (1, 'x'), (1, 'y'), (2, 'z'), (3, 'w');
                """)
            let children = sortedContent(db, table: "child")
            let session = try migsh(["-m", folder, "--scratch", db, ".record on",
                                     ".rebuild parent --type size=DECIMAL(8,2) --not-null size --run",
                                     "select count(*) from child;", ".new \"Size as decimal\" --from-session"], cwd: dir)
            #expect(session.status == 0, "\(session)")
            #expect(session.stdout.contains("\n4\n"), "children lost in the scratch copy:\n\(session.stdout)")
            // Applied for real (foreign keys enforced by the application): every child row is kept.
            let apply = try migsh(["-m", folder, db, ".apply --yes"])
            #expect(apply.status == 0, "\(apply)")
            #expect(sortedContent(db, table: "child") == children)
            #expect(sqlite(db, "select count(*) from v_parent_children") == "3")
            #expect(sqlite(db, "select sql from sqlite_schema where name = 'trg_parent_insert'").contains("AFTER INSERT ON parent"))
            #expect(sqlite(db, "select type from pragma_table_info('parent') where name = 'size'") == "DECIMAL(8,2)")
            #expect(sqlite(db, "select seq from sqlite_sequence where name = 'parent'") == "3")
            #expect(sqlite(db, "PRAGMA foreign_key_check") == "")
            _ = sqlite(db, "PRAGMA foreign_keys = ON; INSERT INTO parent (name, size) VALUES ('d', 4);")
            #expect(sqlite(db, "select count(*) from audit") == "4", "the trigger no longer fires (3 rows before, 1 now)")
        }
    }

    @Test(".record keeps only committed changes: rollbacks, a savepoint rolled back, and read-only statements are left out")
    func recordDropsRolledBackWork() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            _ = sqlite(db, "create table keep(x)")
            let result = try migsh(["--no-bail", db], script: """
                .record on
                create table a(x);
                begin; insert into a values (1); rollback;
                begin; insert into a values (2); savepoint s; insert into a values (3); rollback to s; release s; commit;
                savepoint outer; insert into a values (4); release outer;
                select * from a;
                pragma user_version = 3;
                begin; insert into a values (5); insert into nosuch values (1);
                rollback;
                .record off
                insert into a values (6);
                .record show

                """)
            #expect(result.stdout.hasSuffix("create table a(x);\ninsert into a values (2);\ninsert into a values (4);\n"), "\(result)")
        }
    }

    @Test("a scratch session never writes the original — after .apply, .restore, and kill -9 — and quitting removes the copy")
    func scratchLeavesOriginal() throws {
        try withTemporaryDirectory { dir in
            let tmp = dir + "/tmp"
            try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 5)
            _ = try? FileManager.default.removeItem(atPath: dir + "/snapshots")
            // A WAL database with a -wal file another process holds open.
            _ = sqlite(db, "PRAGMA journal_mode = WAL;")
            try withSQLiteSession(db) { other in
                try other.run("INSERT INTO Users (username) VALUES ('in the wal');")
                let before = (bytes: contents(of: db), wal: contents(of: db + "-wal"), mtime: try Self.modificationDate(of: db),
                              walTime: try Self.modificationDate(of: db + "-wal"))
                #expect(before.wal != nil && before.wal!.count > 0, "no -wal file")
                let env = ["TMPDIR": tmp]
                let result = try migsh(["-m", repositoryMigrations, "--scratch", db, ".apply --yes", "select count(*) from Users where username = 'in the wal';",
                                        ".restore --latest --yes", ".backups", ".scratch diff"], environment: env, cwd: dir)
                #expect(result.status == 0, "\(result)")
                #expect(result.stdout.contains("\n1\n"), "the copy does not see the WAL's row:\n\(result.stdout)")
                #expect(contents(of: db) == before.bytes && contents(of: db + "-wal") == before.wal)
                #expect(try Self.modificationDate(of: db) == before.mtime && Self.modificationDate(of: db + "-wal") == before.walTime)
                #expect(fileNames(in: tmp).isEmpty, "the copy was left behind: \(fileNames(in: tmp))")
                #expect(!fileExists(dir + "/snapshots"), "a scratch backup went beside the original")
                // The audit log is the original's; it says the session was a scratch copy.
                let audit = String(decoding: contents(of: db + "-audit.jsonl") ?? Data(), as: UTF8.self)
                #expect(audit.contains("\"scratch_of\":\"\(db)\""), "\(audit)")

                // kill -9 in the middle of an .apply on the copy.
                let child = try ChildProcess(executable: migshBinary, arguments: ["--noinit", "-m", repositoryMigrations, "--scratch", db, ".apply --yes"],
                                             environment: ProcessInfo.processInfo.environment.merging(env) { $1 }, cwd: dir)
                usleep(150_000)
                kill(child.pid, SIGKILL)
                child.wait(timeout: 10)
                #expect(contents(of: db) == before.bytes && contents(of: db + "-wal") == before.wal)
                #expect(try Self.modificationDate(of: db) == before.mtime)
                // The next scratch session clears the dead one's folder.
                let next = try migsh(["-m", repositoryMigrations, "--scratch", db, ".version"], environment: env, cwd: dir)
                #expect(next.status == 0, "\(next)")
                #expect(fileNames(in: tmp).isEmpty, "a killed session's copy was not cleared: \(fileNames(in: tmp))")
            }
        }
    }

    @Test(".scratch diff, keep and reset; keep never overwrites; .scratch outside a scratch session says how to start one")
    func scratchCommands() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let users = sqlite(db, "select count(*) from Users")
            let result = try migsh(["--scratch", db, "ALTER TABLE Projects ADD COLUMN review_date DATE;", "INSERT INTO Users (username) VALUES ('new');",
                                    ".scratch diff", ".scratch keep \(dir)/kept.sqlite", ".scratch reset", ".scratch diff"], cwd: dir)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("review_date"), "\(result.stdout)")
            #expect(result.stdout.contains("  Users: \(users) → \(Int(users)! + 1)\n"), "\(result.stdout)")
            #expect(result.stdout.hasSuffix("schema: as the original's\nrows: every table has as many rows as in the original\n"), "\(result.stdout)")
            #expect(sqlite(dir + "/kept.sqlite", "select count(*) from pragma_table_info('Projects') where name = 'review_date'") == "1")
            #expect(fileMode(dir + "/kept.sqlite") == 0o600)
            #expect(sqlite(db, "select count(*) from Users") == users)
            let again = try migsh(["--scratch", db, ".scratch keep \(dir)/kept.sqlite"], cwd: dir)
            #expect(again.status == 1 && again.stderr.contains("does not overwrite"), "\(again)")
            let notScratch = try migsh([db, ".scratch diff"])
            #expect(notScratch.status == 1 && notScratch.stderr.contains("migsh --scratch"), "\(notScratch)")
        }
    }

    @Test(".new writes a placeholder draft; .lint calls it a draft; .seal records its checksum and nothing else; --app-version maps it")
    func draftAndSeal() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let folder = try Self.folder(upTo: 8, in: dir)
            let sumBefore = try String(contentsOfFile: folder + "/migsh.sum", encoding: .utf8)
            let made = try migsh(["-m", folder, db, ".new \"Add review date\" --app-version 1.10.0"])
            #expect(made.status == 0, "\(made)")
            #expect(made.stdout.contains("not rehearsed: the body is a placeholder"), "\(made)")
            let file = folder + "/009_add_review_date.sql"
            #expect(fileExists(file))
            let map = try String(contentsOfFile: folder + "/app_versions.json", encoding: .utf8)
            #expect(map.contains("\"1.10.0\": 9"), "\(map)")
            let lint = try migsh(["-m", folder, db, ".lint 009_add_review_date.sql"])
            #expect(lint.stdout.contains("draft: not in migsh.sum yet; record its checksum with .seal"), "\(lint)")
            // An edited, recorded migration blocks .seal.
            let eighth = try migrationFile(8, in: folder)
            let original8 = try String(contentsOfFile: eighth, encoding: .utf8)
            try (original8 + "\n-- edited\n").write(toFile: eighth, atomically: true, encoding: .utf8)
            let refused = try migsh(["-m", folder, db, ".seal"])
            #expect(refused.status == 1 && refused.stderr.contains("008_complete_cod_rename.sql changed after migsh.sum recorded it"), "\(refused)")
            try original8.write(toFile: eighth, atomically: true, encoding: .utf8)
            let sealed = try migsh(["-m", folder, db, ".seal"])
            #expect(sealed.status == 0 && sealed.stdout == "sealed 009_add_review_date.sql\n", "\(sealed)")
            let sumAfter = try String(contentsOfFile: folder + "/migsh.sum", encoding: .utf8)
            let digest = try runProcess("/usr/bin/sha256sum", [file]).stdout.split(separator: " ").first.map(String.init) ?? ""
            #expect(sumAfter == sumBefore + "\(digest)  009_add_review_date.sql\n")
        }
    }

    @Test(".rebuild --run outside a scratch session is refused and changes nothing; the hint's scratch session then runs it")
    func rebuildRunNeedsScratch() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let before = contents(of: db)
            let refused = try migsh([db, ".rebuild Products --type thermal_capacity=REAL --run"], cwd: dir)
            #expect(refused.status == 1 && refused.stderr.contains("it runs in a scratch session (migsh --scratch DB)"), "\(refused)")
            #expect(contents(of: db) == before)
            // Following the hint: the same command in a scratch session runs, on the copy only.
            let followed = try migsh(["--scratch", db, ".rebuild Products --type thermal_capacity=REAL --run",
                                      "select type from pragma_table_info('Products') where name = 'thermal_capacity';"], cwd: dir)
            #expect(followed.status == 0 && followed.stdout.hasSuffix("REAL\n"), "\(followed)")
            #expect(contents(of: db) == before)
        }
    }
}
