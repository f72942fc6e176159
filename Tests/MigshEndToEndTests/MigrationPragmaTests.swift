import Foundation
import Testing

/// `.apply` runs migration files on the session's connection. What their PRAGMAs set on that
/// connection (not in the file) must end with the migration: the user's later SQL in the same
/// session behaves as in sqlite3 on the same database, where no migration ran.
@Suite("A migration's PRAGMAs do not stay set in the session")
struct MigrationPragmaTests {
    /// The user's SQL after `.apply`: reads of the settings, and what they change.
    static let laterSQL = """
        PRAGMA recursive_triggers;
        SELECT 'a' LIKE 'A', 'a' GLOB 'a';
        PRAGMA cache_size;
        PRAGMA reverse_unordered_selects;
        PRAGMA defer_foreign_keys;
        CREATE TEMP TABLE n (x);
        CREATE TEMP TRIGGER n_next AFTER INSERT ON n WHEN new.x < 5 BEGIN INSERT INTO n VALUES (new.x + 1); END;
        INSERT INTO n VALUES (1);
        SELECT count(*) FROM n;

        """

    @Test("recursive_triggers, case_sensitive_like, cache_size, reverse_unordered_selects set by a migration: the session's SQL after .apply sees sqlite3's values")
    func pragmasEndWithTheMigration() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/migrations"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try """
                -- Migration 001: Start
                BEGIN TRANSACTION;
                CREATE TABLE Schema_Version (version INTEGER PRIMARY KEY, applied_date DATETIME NOT NULL, applied_by TEXT, description TEXT);
                INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (1, CURRENT_TIMESTAMP, 'system', 'Start');
                COMMIT;
                """.write(toFile: folder + "/001_start.sql", atomically: true, encoding: .utf8)
            try """
                -- Migration 002: Chain
                BEGIN TRANSACTION;
                PRAGMA recursive_triggers = ON;
                PRAGMA case_sensitive_like = ON;
                PRAGMA cache_size = 77;
                PRAGMA reverse_unordered_selects = ON;
                PRAGMA defer_foreign_keys = ON;
                CREATE TABLE Chain (x);
                CREATE TRIGGER Chain_next AFTER INSERT ON Chain WHEN new.x < 5 BEGIN INSERT INTO Chain VALUES (new.x + 1); END;
                INSERT INTO Chain VALUES (1);
                INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (2, CURRENT_TIMESTAMP, 'system', 'Chain');
                COMMIT;
                """.write(toFile: folder + "/002_chain.sql", atomically: true, encoding: .utf8)
            let db = dir + "/db.sqlite"
            let made = try migsh(["--create", "-m", folder, db, ".apply --to 1 --yes"])
            #expect(made.status == 0, "\(made)")
            // The oracle: sqlite3 on the same database, no migration run.
            let reference = try runProcess(sqlite3Binary, ["-batch", "-init", "/dev/null", db], stdin: Data(Self.laterSQL.utf8))
            #expect(reference.status == 0, "\(reference)")

            let result = try migsh(["-m", folder, db], script: ".apply --yes\n.print ===\n" + Self.laterSQL)
            #expect(result.status == 0, "\(result)")
            #expect(schemaVersion(db) == "2")
            // The PRAGMA took effect in the migration itself: its trigger recursed.
            #expect(sqlite(db, "select count(*) from Chain") == "5")
            let after = result.stdout.components(separatedBy: "===\n").dropFirst().joined(separator: "===\n")
            #expect(after == reference.stdout, "migsh after .apply:\n\(after)\nsqlite3:\n\(reference.stdout)")
        }
    }
}
