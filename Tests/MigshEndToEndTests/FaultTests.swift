import Foundation
import MigshTestSupport
import Testing

// Faults from outside migsh's control: SQLite rolling a transaction back by itself, foreign-key
// cascades during table rebuilds, other processes writing or holding a WAL, a writer that
// crashed and left a hot journal, a full disk. migsh must end in a state that is either the old
// one or the new one, say which, and never hang.

@Suite("Faults: self-rollbacks, cascades, concurrent writers, WAL, hot journals, full disks")
struct FaultTests {
    // MARK: SQLite rolls the transaction back by itself

    /// A 009 whose 2nd body statement makes SQLite roll back by itself, followed by a statement
    /// that would, if migsh carried on, run outside any transaction (in autocommit mode).
    static let selfRollbacks: [(label: String, body: String)] = [
        ("INSERT OR ROLLBACK hits a UNIQUE constraint", """
            CREATE TABLE before_rollback(x);
            INSERT OR ROLLBACK INTO Users(user_id, username) VALUES (1, 'dup');
            CREATE TABLE after_rollback(x);
            """),
        ("a trigger does SELECT RAISE(ROLLBACK, 'no')", """
            CREATE TRIGGER trg_refuse_users BEFORE INSERT ON Users
            BEGIN
                SELECT RAISE(ROLLBACK, 'no');
            END;
            INSERT INTO Users(username) VALUES ('newcomer');
            CREATE TABLE after_rollback(x);
            """),
    ]

    @Test("SQLite rolls back by itself mid-migration: exit 4, no later statement runs, the database as before",
          arguments: selfRollbacks.map(\.label))
    func selfRollbackStopsTheMigration(label: String) throws {
        let body = try #require(Self.selfRollbacks.first { $0.label == label }).body
        try withTemporaryDirectory { dir in
            let folder = dir + "/migrations"
            let text = ReliabilityKit.migrationText(9, description: "self rollback", body: body)
            try ReliabilityKit.migrationsFolder(folder, adding: ["009_self_rollback.sql": Data(text.utf8)])
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let before = dump(db)

            let result = try migsh(["-m", folder, db, ".apply --yes"])

            #expect(result.status == 4, "\(result)")
            #expect(result.stderr.contains("009_self_rollback.sql"), "\(result)")
            #expect(result.stderr.contains("rolled the transaction back"), "the session should say SQLite rolled back:\n\(result)")
            #expect(sqlite(db, "select count(*) from sqlite_master where name in ('after_rollback', 'before_rollback', 'trg_refuse_users')") == "0",
                    "a statement ran outside the migration's transaction")
            #expect(dump(db) == before)
            #expect(schemaVersion(db) == "8")
            #expect(sqlite(db, "PRAGMA integrity_check") == "ok")
        }
    }

    // MARK: Rebuilds under PRAGMA foreign_keys=ON

    @Test("006/008 rebuild parents with ON DELETE CASCADE children, foreign_keys=ON from --init: no child row lost")
    func rebuildKeepsCascadingChildren() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let rc = dir + "/migshrc"
            try "PRAGMA foreign_keys=ON;\n".write(toFile: rc, atomically: true, encoding: .utf8)
            // Schema_Version gains the applied versions and Database_Snapshots the pre-apply backup.
            let tables = userTables(db).filter { $0 != "Schema_Version" && $0 != "Database_Snapshots" }
            let before = rowCounts(db, tables: tables)
            let children = sqlite(db, "select count(*) from Project_Product_Relationships")
            #expect((Int(children) ?? 0) > 0, "the demo data should have product relationships")

            // Not through `migsh(...)`, which adds --noinit.
            let result = try runProcess(migshBinary, ["--init", rc, "-m", repositoryMigrations, db,
                                                      "PRAGMA foreign_keys", ".apply --yes", "PRAGMA foreign_keys"])

            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.hasPrefix("1\n"), "foreign_keys should be on in the session:\n\(result)")
            #expect(result.stdout.hasSuffix("\n1\n"), "foreign_keys should be back on after .apply:\n\(result)")
            #expect(schemaVersion(db) == "8")
            #expect(sqlite(db, "select count(*) from Project_Product_Relationships") == children)
            #expect(rowCounts(db, tables: tables) == before)
            #expect(sqlite(db, "PRAGMA foreign_key_check") == "")
            #expect(sqlite(db, "PRAGMA integrity_check") == "ok")
        }
    }

    // MARK: Other processes

    /// The writer of `backupUnderConcurrentWriter`: commits one INSERT every few ms until
    /// `stop` exists (or 10 s passed), then prints how many it committed.
    static let writerScript = """
        import os, sqlite3, sys, time
        db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
        db.execute("PRAGMA busy_timeout=10000")
        deadline = time.time() + 10
        n = 0
        while time.time() < deadline and not os.path.exists(sys.argv[2]):
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO ticks(payload) VALUES (randomblob(64))")
            db.execute("COMMIT")
            n += 1
            time.sleep(0.003)
        print(n)
        """

    @Test("another process commits every few ms during .backup: a consistent snapshot, or a clean failure; never a hang",
          .enabled(if: shouldRun(needing: ReliabilityKit.python3 != nil), "python3 is not installed"))
    func backupUnderConcurrentWriter() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            _ = sqlite(db, """
                PRAGMA journal_mode=WAL;
                CREATE TABLE filler(id INTEGER PRIMARY KEY, blob BLOB);
                WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20000)
                INSERT INTO filler(blob) SELECT randomblob(200) FROM c;
                CREATE TABLE ticks(id INTEGER PRIMARY KEY, payload BLOB);
                """)
            let size = (try FileManager.default.attributesOfItem(atPath: db)[.size] as? NSNumber)?.intValue ?? 0
            #expect(size > 4_000_000, "the database should be several MB, is \(size) bytes")
            let script = dir + "/writer.py"
            try Self.writerScript.write(toFile: script, atomically: true, encoding: .utf8)
            let stop = dir + "/stop"

            let writer = try StartedProcess(try #require(ReliabilityKit.python3), [script, db, stop])
            defer {
                FileManager.default.createFile(atPath: stop, contents: Data())
                writer.child.wait(timeout: 30)
            }

            // Let the writer get going.
            let started = Date()
            while (Int(sqlite(db, "select count(*) from ticks")) ?? 0) < 20 && Date().timeIntervalSince(started) < 10 {
                Thread.sleep(forTimeInterval: 0.02)
            }
            let low = try #require(Int(sqlite(db, "select count(*) from ticks")))
            #expect(low >= 20, "the writer did not start")

            let out = dir + "/out.sqlite"
            let result = try migsh(["-m", repositoryMigrations, db, ".backup " + out], timeout: 30)
            let high = try #require(Int(sqlite(db, "select count(*) from ticks")))
            FileManager.default.createFile(atPath: stop, contents: Data())
            let written = try writer.finish(timeout: 30)
            #expect(written.status == 0, "the writer failed: \(written)")
            #expect(high > low, "the writer made no progress while migsh ran (\(low) → \(high))")

            if result.status == 0 {
                #expect(sqlite(out, "PRAGMA integrity_check") == "ok")
                let rows = try #require(Int(sqlite(out, "select count(*) from ticks")))
                #expect((low...high).contains(rows), "the backup has \(rows) ticks; the writer had committed \(low) to \(high)")
                #expect(sqlite(out, "select count(*) from filler") == "20000")
                #expect(sqlite(out, "select max(version) from Schema_Version") == "8")
                #expect(!fileExists(out + ".partial"))
            } else {
                #expect(result.status == 1, "\(result)")
                #expect(result.stderr.contains("backup"), "\(result)")
                #expect(!fileExists(out) && !fileExists(out + ".partial"), "a failed backup left files behind")
            }
        }
    }

    @Test("WAL with uncheckpointed commits held by another process: .backup keeps every row")
    func backupIncludesUncheckpointedWAL() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            _ = sqlite(db, "PRAGMA journal_mode=WAL; CREATE TABLE ticks(id INTEGER PRIMARY KEY, payload TEXT);")
            let out = dir + "/out.sqlite"

            try withSQLiteSession(db) { session in
                try session.run("PRAGMA wal_autocheckpoint=0;")
                try session.run("""
                    WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 500)
                    INSERT INTO ticks(payload) SELECT 'row ' || i FROM c;
                    INSERT INTO Users(username) VALUES ('only-in-the-wal');
                    """)
                let wal = (try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? NSNumber)?.intValue ?? 0
                #expect(wal > 0, "the commits should still be in the -wal file")

                let result = try migsh(["-m", repositoryMigrations, db, ".backup " + out])

                #expect(result.status == 0, "\(result)")
            }
            #expect(sqlite(out, "select count(*) from ticks") == "500")
            #expect(sqlite(out, "select count(*) from Users where username = 'only-in-the-wal'") == "1")
            #expect(sqlite(out, "PRAGMA integrity_check") == "ok")
        }
    }

    @Test(".restore into a WAL database whose -wal holds newer commits: afterwards exactly the backup's rows")
    func restoreOverLiveWAL() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            _ = sqlite(db, """
                PRAGMA journal_mode=WAL;
                CREATE TABLE ticks(id INTEGER PRIMARY KEY, payload TEXT);
                INSERT INTO ticks(payload) VALUES ('one'), ('two'), ('three');
                """)
            let backup = dir + "/older.sqlite"
            let made = try migsh(["-m", repositoryMigrations, db, ".backup " + backup])
            #expect(made.status == 0, "\(made)")
            let expected = dump(backup)

            var undo: String?
            try withSQLiteSession(db) { session in
                try session.run("PRAGMA wal_autocheckpoint=0;")
                try session.run("""
                    WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 100)
                    INSERT INTO ticks(payload) SELECT 'newer ' || i FROM c;
                    DELETE FROM Contact_Log;
                    """)
                let wal = (try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? NSNumber)?.intValue ?? 0
                #expect(wal > 0, "the newer commits should still be in the -wal file")

                let result = try migsh(["-m", repositoryMigrations, db, ".restore " + backup + " --yes"])

                #expect(result.status == 0, "\(result)")
                undo = firstMatch(of: #"\S*pre_restore_backup_\S+\.sqlite"#, in: result.stdout + result.stderr)
                try session.run("SELECT 'holder sees ' || count(*) FROM ticks;")
                #expect(session.transcript.contains("holder sees 3"),
                        "the other connection should see the restored rows:\n\(session.transcript)")
            }
            // Every connection is closed now: nothing in a -wal may bring the newer rows back.
            #expect(sqlite(db, "select count(*) from ticks") == "3")
            #expect(dump(db) == expected)
            #expect(sqlite(db, "PRAGMA integrity_check") == "ok")
            if let undo {
                #expect(sqlite(undo, "select count(*) from ticks") == "103", "the pre-restore backup should hold the newer rows")
            } else {
                Issue.record("no pre-restore backup was named")
            }
        }
    }

    @Test("a hot journal left by a crashed writer: .backup has no trace of the uncommitted change",
          .enabled(if: shouldRun(needing: ReliabilityKit.python3 != nil), "python3 is not installed"))
    func backupAfterCrashedWriter() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            _ = sqlite(db, """
                PRAGMA journal_mode=DELETE;
                CREATE TABLE filler(id INTEGER PRIMARY KEY, x TEXT);
                WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 5000)
                INSERT INTO filler(x) SELECT 'committed' FROM c;
                """)
            let committed = dump(db)
            let crash = try runProcess(try #require(ReliabilityKit.python3), ["-c", """
                import os, sqlite3, sys
                db = sqlite3.connect(sys.argv[1], isolation_level=None)
                db.execute("PRAGMA journal_mode=DELETE")
                db.execute("PRAGMA cache_size=1")
                db.execute("BEGIN")
                db.execute("UPDATE filler SET x = 'uncommitted ' || hex(randomblob(40))")
                db.execute("UPDATE Users SET username = username || ' (uncommitted)'")
                os._exit(9)
                """, db])
            #expect(crash.status == 9, "\(crash)")
            let journal = (try? FileManager.default.attributesOfItem(atPath: db + "-journal")[.size] as? NSNumber)?.intValue ?? 0
            #expect(journal > 0, "the crashed writer should have left a hot journal")

            let out = dir + "/out.sqlite"
            let result = try migsh(["-m", repositoryMigrations, db, ".backup " + out])

            #expect(result.status == 0, "\(result)")
            #expect(sqlite(out, "PRAGMA integrity_check") == "ok")
            #expect(sqlite(out, "select count(*) from filler where x <> 'committed'") == "0")
            #expect(sqlite(out, "select count(*) from Users where username like '%(uncommitted)'") == "0")
            #expect(dump(out) == committed)
            #expect(dump(db) == committed, "the live database should be rolled back to its last commit")
        }
    }

    // MARK: Full disk

    @Test(".backup with a 64 KiB file-size limit: exit 1, says the backup failed, no OUT and no OUT.partial")
    func backupOnFullDisk() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let size = (try FileManager.default.attributesOfItem(atPath: db)[.size] as? NSNumber)?.intValue ?? 0
            #expect(size > 64 * 1024)
            try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: false)
            let out = dir + "/out/full.sqlite"
            let before = dump(db)

            let result = try ReliabilityKit.migshWithFileSizeLimit(kib: 64, ["-m", repositoryMigrations, db, ".backup " + out])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("backup failed"), "\(result)")
            #expect(fileNames(in: dir + "/out").isEmpty, "left behind: \(fileNames(in: dir + "/out"))")
            #expect(dump(db) == before)
            #expect(!result.stderr.contains(dir + "/snapshots"), "\(result)")
            #expect(result.stderr.contains(dir + "/out"), "\(result)")
        }
    }

    @Test(".apply --yes with a 64 KiB file-size limit: exit 1 before applying, version unchanged, no partial backup")
    func applyOnFullDisk() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let before = dump(db)
            let snapshots = fileNames(in: dir + "/snapshots")

            let result = try ReliabilityKit.migshWithFileSizeLimit(kib: 64, ["-m", repositoryMigrations, db, ".apply --yes"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("backup failed"), "\(result)")
            ReliabilityKit.expectNoMigrationRan(result)
            #expect(schemaVersion(db) == "5")
            #expect(dump(db) == before)
            #expect(fileNames(in: dir + "/snapshots") == snapshots,
                    "new files in snapshots/: \(fileNames(in: dir + "/snapshots").subtracting(snapshots))")
        }
    }
}
