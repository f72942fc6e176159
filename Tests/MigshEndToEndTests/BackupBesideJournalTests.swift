import Foundation
import Testing

/// `.backup FILE` with a stale `FILE-journal` (or `FILE-wal`) beside it: SQLite takes a hot
/// journal beside a database file as that file's own and rolls it back into the file when it
/// is first opened, so the verified copy would be corrupted right after migsh said
/// "integrity ok". Refused, nothing written.
@Suite(".backup FILE beside a stale journal")
struct BackupBesideJournalTests {
    /// `db.sqlite` (1000 rows in `u`) and a hot journal left by a process killed in the middle
    /// of a write transaction on another database (python's sqlite3, the independent writer).
    func makeFixtures(_ dir: String) throws {
        let result = try runProcess("/usr/bin/python3", ["-c", """
            import sqlite3, os
            c = sqlite3.connect('other.sqlite'); c.execute('create table t(a)')
            c.executemany('insert into t values (?)', [('x' * 500,) for i in range(3000)]); c.commit(); c.close()
            c = sqlite3.connect('db.sqlite'); c.execute('create table u(b)')
            c.executemany('insert into u values (?)', [(i,) for i in range(1000)]); c.commit(); c.close()
            pid = os.fork()
            if pid == 0:
                c = sqlite3.connect('other.sqlite', isolation_level=None); c.execute('pragma cache_size=1')
                c.execute('begin'); c.execute("update t set a = a || 'y'")
                os._exit(0)   # killed mid-transaction: its journal stays, hot
            os.waitpid(pid, 0)
            c = sqlite3.connect('wal.sqlite', isolation_level=None); c.execute('pragma journal_mode=wal')
            c.execute('create table w(c)'); c.execute('insert into w values (1)')
            import shutil; shutil.copy('wal.sqlite-wal', 'saved-wal')
            """], cwd: dir)
        #expect(result.status == 0, "\(result)")
        #expect(fileExists(dir + "/other.sqlite-journal"), "the fixture has a hot journal")
    }

    @Test(".backup FILE refuses while FILE-journal or FILE-wal lies beside it", arguments: ["-journal", "-wal"])
    func refusedBesideJournal(suffix: String) throws {
        try withTemporaryDirectory { dir in
            try makeFixtures(dir)
            let target = dir + "/copy.sqlite"
            let stale = target + suffix
            try FileManager.default.copyItem(atPath: dir + (suffix == "-journal" ? "/other.sqlite-journal" : "/saved-wal"), toPath: stale)
            let staleBytes = contents(of: stale)

            let result = try migsh([dir + "/db.sqlite", ".backup \(target)"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(result.stderr.hasPrefix("Error: \(stale) lies beside \(target): SQLite would roll it into the copy"), "\(result)")
            #expect(!fileExists(target) && !fileExists(target + ".partial"), "\(fileNames(in: dir).sorted())")
            #expect(contents(of: stale) == staleBytes, "the journal is the user's to remove, untouched")

            // Once it is removed, the same command gives a sound copy (checked by sqlite3).
            try FileManager.default.removeItem(atPath: stale)
            let again = try migsh([dir + "/db.sqlite", ".backup \(target)"])
            #expect(again.status == 0, "\(again)")
            #expect(sqlite(target, "pragma integrity_check") == "ok")
            #expect(sqlite(target, "select count(*), sum(b) from u") == "1000|499500")
        }
    }
}
