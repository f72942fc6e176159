import Foundation
import Testing

/// Opening DATABASE: what isn't an SQLite database is refused and left untouched; a missing
/// one is created only with `--create` (contract: "no stray empty files from a typo").
@Suite("Opening the database")
struct OpeningTests {
    @Test("a file that is not an SQLite database is refused and not modified")
    func nonDatabaseFile() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/notes.txt"
            let original = Data(String(repeating: "not a database, just some notes\n", count: 200).utf8)
            try original.write(to: URL(fileURLWithPath: path))

            let result = try migsh(["-m", repositoryMigrations, path, ".version"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("not an SQLite database"), "\(result)")
            #expect(result.stderr.contains("notes.txt"), "\(result)")
            #expect(contents(of: path) == original, "the file was modified")
            #expect(!fileExists(path + "-journal") && !fileExists(path + "-wal"))
        }
    }

    @Test("a missing database without --create is an error and creates no file, not even an audit log")
    func missingDatabase() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/nukeworks_typo.sqlite"

            let result = try migsh(["-m", repositoryMigrations, path, ".version"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("nukeworks_typo.sqlite"), "\(result)")
            #expect(result.stderr.contains("--create"), "\(result)")
            #expect(!fileExists(path), "migsh created the database without --create")
            #expect(fileNames(in: dir).isEmpty, "stray files: \(fileNames(in: dir).sorted())")
        }
    }

    @Test(".open of a missing file names .open --new (not the command line's --create), and following it creates and opens it")
    func openMissingNamesOpenNew() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            _ = try runProcess("/usr/bin/sqlite3", [db, "create table t(a)"])
            let refused = try migsh(["--noinit", db, ".open typo.sqlite"], cwd: dir)
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr == "Error: database not found: typo.sqlite\n  Use .open --new typo.sqlite to make a new database (migsh never creates one from a typo).\n", "\(refused)")
            #expect(!fileExists(dir + "/typo.sqlite"))
            // The hint, run as it says.
            let followed = try migsh(["--noinit", db, ".open --new typo.sqlite", "create table made(x)", ".tables"], cwd: dir)
            #expect(followed.status == 0, "\(followed)")
            #expect(followed.stdout == "made\n", "\(followed)")
            let tables = try runProcess("/usr/bin/sqlite3", [dir + "/typo.sqlite", ".tables"])
            #expect(tables.stdout == "made\n", "\(tables)")
        }
    }

    /// sqlite3's `.open --new FILE` deletes FILE first; migsh refuses a FILE that holds
    /// anything (a script that expected an empty database would add to the old rows), says
    /// so, and the file and the session's database stay as they were.
    @Test(".open --new of an existing database is refused and deletes nothing; an empty file opens")
    func openNewRefusesExistingDatabase() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            _ = try runProcess("/usr/bin/sqlite3", [db, "create table t(a)"])
            _ = try runProcess("/usr/bin/sqlite3", [dir + "/old.db", "create table kept(x); insert into kept values (1)"])
            let before = try Data(contentsOf: URL(fileURLWithPath: dir + "/old.db"))
            let refused = try migsh(["--noinit", "--no-bail", db, ".open --new old.db", ".tables"], cwd: dir)
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr == "Error: .open --new: old.db already exists and is not empty; sqlite3 would delete it first, migsh never deletes a database\n  Remove it first if it may go (.shell rm old.db), or .open it without --new to keep it.\n", "\(refused)")
            #expect(refused.stdout == "t\n", "the session's database stays open: \(refused)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/old.db")) == before)
            // An empty file is what sqlite3's --new would leave: it opens.
            _ = FileManager.default.createFile(atPath: dir + "/empty.db", contents: Data())
            let opened = try migsh(["--noinit", db, ".open --new empty.db", "create table made(x)", ".tables"], cwd: dir)
            #expect(opened.status == 0, "\(opened)")
            #expect(opened.stdout == "made\n", "\(opened)")
        }
    }

    @Test("a folder given as DATABASE is refused with a clear message")
    func folderAsDatabase() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/data"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)

            let result = try migsh(["-m", repositoryMigrations, folder, ".version"])

            #expect(result.status == 1, "\(result)")
            let message = result.stderr.lowercased()
            #expect(message.contains("folder") || message.contains("directory"), "\(result)")
            #expect(result.stderr.contains("data"), "\(result)")
            #expect(fileNames(in: folder).isEmpty, "migsh wrote into the folder")
        }
    }
}
