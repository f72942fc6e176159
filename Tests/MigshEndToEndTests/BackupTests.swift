import Foundation
import Testing

/// `.backup`: an online backup, consistent in WAL mode with commits not yet checkpointed,
/// integrity-checked, private (0600), and never over an existing file.
@Suite(".backup")
struct BackupTests {
    @Test("a WAL database's uncheckpointed commits are in the backup")
    func walCommitsAreBackedUp() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/w.sqlite"
            #expect(sqlite(db, "PRAGMA journal_mode=WAL") == "wal")

            let result = try withSQLiteSession(db, cwd: dir) { writer in
                try writer.run("""
                    PRAGMA wal_autocheckpoint=0;
                    CREATE TABLE w(x);
                    INSERT INTO w VALUES (1),(2),(3);
                    """)
                // The writer stays open, so its commits live only in the -wal file.
                #expect((contents(of: db + "-wal")?.count ?? 0) > 0, "the commits are not in w.sqlite-wal")
                return try migsh(["-m", repositoryMigrations, "w.sqlite", ".backup OUT.sqlite"], cwd: dir)
            }

            #expect(result.status == 0, "\(result)")
            #expect(!result.stderr.contains("Error"), "\(result)")
            #expect(result.stdout.contains("OUT.sqlite"), "\(result)")
            let out = dir + "/OUT.sqlite"
            #expect(fileExists(out))
            #expect(sqlite(out, "select count(*) from w") == "3")
            #expect(sqlite(out, "PRAGMA integrity_check") == "ok")
            #expect(fileMode(out) == 0o600, "OUT.sqlite has mode \(String(fileMode(out) ?? 0, radix: 8))")
            #expect(sqlite(db, "select count(*) from w") == "3", "the source lost its rows")
        }
    }

    @Test("a backup over an existing file is refused and the file left as it was")
    func existingFileIsNotOverwritten() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 3)
            let before = dump(db)
            let existing = dir + "/OUT.sqlite"
            let original = Data("precious, not a database\n".utf8)
            try original.write(to: URL(fileURLWithPath: existing))

            let result = try migsh(["-m", repositoryMigrations, db, ".backup OUT.sqlite"], cwd: dir)

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("OUT.sqlite"), "\(result)")
            #expect(contents(of: existing) == original, "the existing file was changed")
            #expect(dump(db) == before)
        }
    }
}
