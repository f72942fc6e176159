import Foundation
import MigshTestSupport
import Testing

// Bad input of every kind: unusable database files, broken migration folders, bad options and
// arguments, unusable backups, symlinks and unwritable places. Every case checks three things:
// a message on standard error naming the problem, the contract's exit code (1 error, 2 usage,
// 3 too new, 4 migration failed and restored), and that nothing changed — the database's dump
// and/or bytes are as before and no stray file was left behind.


// MARK: - The tests

@Suite("Bad input: unusable files, broken folders, bad options, refused paths")
struct BadInputTests {
    // MARK: The database file

    static let openingCommands = [".version", ".apply --yes", ".check", ".backup out.sqlite", "select count(*) from Users"]

    @Test("a DATABASE that is a folder: exit 1, says it is a folder, nothing created", arguments: openingCommands)
    func databaseIsAFolder(command: String) throws {
        try withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(atPath: dir + "/db.sqlite", withIntermediateDirectories: false)
            let before = ReliabilityKit.tree(dir)

            let result = try migsh(["-m", repositoryMigrations, "db.sqlite", command], cwd: dir)

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("db.sqlite") && result.stderr.lowercased().contains("folder"), "\(result)")
            ReliabilityKit.expectUnchanged(before, dir)
        }
    }

    @Test("a DATABASE that is a text file: exit 1, 'not an SQLite database', bytes unchanged", arguments: openingCommands)
    func databaseIsNotSQLite(command: String) throws {
        try withTemporaryDirectory { dir in
            try "name,value\nalpha,1\nbeta,2\n".write(toFile: dir + "/db.sqlite", atomically: true, encoding: .utf8)
            let before = ReliabilityKit.tree(dir)

            let result = try migsh(["-m", repositoryMigrations, "db.sqlite", command], cwd: dir)

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("not an SQLite database") || result.stderr.contains("file is not a database"),
                    "\(result)")
            ReliabilityKit.expectUnchanged(before, dir)
        }
    }

    @Test("a truncated database (its first 1000 bytes): exit 1, 'malformed', bytes unchanged", arguments: openingCommands)
    func truncatedDatabase(command: String) throws {
        try withTemporaryDirectory { dir in
            let full = dir + "/full.sqlite"
            try makeDemoDatabase(full, version: 5)
            let db = dir + "/case/db.sqlite"
            try FileManager.default.createDirectory(atPath: dir + "/case", withIntermediateDirectories: false)
            try (try #require(contents(of: full))).prefix(1000).write(to: URL(fileURLWithPath: db))
            let before = ReliabilityKit.tree(dir + "/case")

            let result = try migsh(["-m", repositoryMigrations, "db.sqlite", command], cwd: dir + "/case")

            #expect(result.status == 1, "\(result)")
            let message = result.stderr.lowercased()
            #expect(message.contains("malformed") || message.contains("not a database") || message.contains("corrupt"),
                    "\(result)")
            // A damaged database opens (so that it can be investigated and restored): the
            // audit log records the attempt and its error; the database's bytes are unchanged.
            ReliabilityKit.expectUnchanged(before, dir + "/case", allowing: ["db.sqlite-audit.jsonl"])
            let logged = String(decoding: contents(of: dir + "/case/db.sqlite-audit.jsonl") ?? Data(), as: UTF8.self)
            #expect(logged.contains("\"outcome\":\"error\""), "\(logged)")
        }
    }

    /// The b-trees whose root page gets corrupted: a table, an index, and tables the foreign-key
    /// check reads (so that it fails too, after the integrity check).
    static let corruptedObjects = ["Users", "idx_projects_status", "Database_Snapshots", "Projects"]

    @Test("a corrupted multi-page database: .apply and .backup refuse (exit 1), .check reports the damage (exit 1)",
          arguments: corruptedObjects)
    func corruptedDatabase(object: String) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            try FileManager.default.removeItem(atPath: dir + "/snapshots")
            try FileManager.default.removeItem(atPath: dir + "/" + ReliabilityKit.auditName("db.sqlite"))
            #expect(Int(sqlite(db, "PRAGMA page_count")) ?? 0 > 40, "the demo database should span many pages")
            let page = try ReliabilityKit.corruptRootPage(of: object, in: db)
            let before = ReliabilityKit.tree(dir)
            let audit: Set = [ReliabilityKit.auditName("db.sqlite")]

            let apply = try migsh(["-m", repositoryMigrations, db, ".apply --yes"])
            #expect(apply.status == 1, "\(apply)")
            #expect(apply.stderr.contains("backup failed") && apply.stderr.contains("nothing was changed"), "\(apply)")
            ReliabilityKit.expectNoMigrationRan(apply)
            ReliabilityKit.expectUnchanged(before, dir, allowing: audit, ".apply --yes")

            let backup = try migsh(["-m", repositoryMigrations, db, ".backup " + dir + "/out.sqlite"])
            #expect(backup.status == 1, "\(backup)")
            #expect(backup.stderr.contains("backup failed"), "\(backup)")
            #expect(!fileExists(dir + "/out.sqlite") && !fileExists(dir + "/out.sqlite.partial"))
            ReliabilityKit.expectUnchanged(before, dir, allowing: audit, ".backup")

            let check = try migsh(["-m", repositoryMigrations, db, ".check"])
            #expect(check.status == 1, "\(check)")
            // Fixed while these tests were written: .check used to throw the integrity report away
            // when the foreign-key check then hit the damage (all but Users).
            #expect(check.stdout.contains("integrity_check:") && check.stdout.contains("On tree page \(page)"),
                    ".check should print integrity_check's findings for page \(page):\n\(check)")
            ReliabilityKit.expectUnchanged(before, dir, allowing: audit, ".check")
        }
    }

    @Test("an empty (0-byte) file is an empty database: .version says 0, .apply --to 1 builds version 1")
    func emptyFileIsAnEmptyDatabase() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            #expect(FileManager.default.createFile(atPath: db, contents: Data()))

            let version = try migsh(["-m", repositoryMigrations, db, ".version"])
            #expect(version.status == 0, "\(version)")
            #expect(firstMatch(of: #"current schema version: *0\b"#, in: version.stdout) != nil, "\(version)")
            #expect(version.stdout.contains("8 pending"), "\(version)")
            #expect(contents(of: db)?.count == 0, ".version must not write to the empty file")

            let apply = try migsh(["-m", repositoryMigrations, db, ".apply --to 1 --yes"])
            #expect(apply.status == 0, "\(apply)")
            #expect(schemaVersion(db) == "1")
            #expect(sqlite(db, "PRAGMA integrity_check") == "ok")
        }
    }

    // MARK: Permissions (chmod means nothing to root: run migsh as nobody, or skip)

    @Test("a read-only database file (0444): .apply fails with a 'readonly' message, exit 1, unchanged",
          .enabled(if: shouldRun(needing: ReliabilityKit.canTestPermissions),
                   "running as root without a working /usr/bin/setpriv: root ignores chmod, so this would prove nothing"))
    func readOnlyDatabaseFile() throws {
        try #require(ReliabilityKit.canTestPermissions, "root without a working setpriv cannot test file permissions")
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            try FileManager.default.removeItem(atPath: dir + "/snapshots")
            try FileManager.default.removeItem(atPath: dir + "/" + ReliabilityKit.auditName("db.sqlite"))
            try ReliabilityKit.chmod(dir, 0o777)
            try ReliabilityKit.chmod(db, 0o444)
            let before = dump(db)
            let bytes = contents(of: db)

            let result = try ReliabilityKit.migshUnprivileged(["-m", repositoryMigrations, db, ".apply --yes"])

            #expect(result.stderr.lowercased().contains("readonly") || result.stderr.lowercased().contains("read-only"),
                    "\(result)")
            #expect(dump(db) == before)
            #expect(contents(of: db) == bytes)
            #expect(schemaVersion(db) == "5")
            // Fixed while these tests were written: it used to take a backup, fail at 006's first
            // statement and exit 4.
            #expect(result.status == 1, "\(result)")
            #expect(fileNames(in: dir + "/snapshots").isEmpty, "a backup was taken before finding out the file is read-only")
        }
    }

    @Test("a read-only --backups folder (0555): .apply fails before applying, exit 1, version unchanged",
          .enabled(if: shouldRun(needing: ReliabilityKit.canTestPermissions),
                   "running as root without a working /usr/bin/setpriv: root ignores chmod, so this would prove nothing"))
    func readOnlyBackupsFolder() throws {
        try #require(ReliabilityKit.canTestPermissions, "root without a working setpriv cannot test file permissions")
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let backups = dir + "/locked"
            try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: false)
            try ReliabilityKit.chmod(dir, 0o777)
            try ReliabilityKit.chmod(db, 0o666)
            try ReliabilityKit.chmod(dir + "/" + ReliabilityKit.auditName("db.sqlite"), 0o666)
            try ReliabilityKit.chmod(backups, 0o555)
            let before = dump(db)

            let result = try ReliabilityKit.migshUnprivileged(["-m", repositoryMigrations, "--backups", backups, db, ".apply --yes"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains(backups) && result.stderr.lowercased().contains("permission denied"), "\(result)")
            ReliabilityKit.expectNoMigrationRan(result)
            #expect(schemaVersion(db) == "5")
            #expect(dump(db) == before)
            #expect(fileNames(in: backups).isEmpty)
        }
    }

    // MARK: The migrations folder

    @Test("a missing migrations folder: exit 1, names the folder, unchanged",
          arguments: [".version", ".apply --yes", ".pending", ".check"])
    func missingMigrationsFolder(command: String) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            let result = try migsh(["-m", dir + "/no-such-folder", db, command])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("migrations folder not found") && result.stderr.contains(dir + "/no-such-folder"),
                    "\(result)")
            #expect(dump(db) == before)
            ReliabilityKit.expectUnchanged(tree, dir, allowing: [ReliabilityKit.auditName("db.sqlite")])
        }
    }

    /// An empty folder means "the application requires version 0": a database at 5 is newer
    /// than the application (`.version` says so, exit 0; `.apply` refuses it, exit 3), and an
    /// empty database is up to date.
    @Test("an empty migrations folder: nothing is applied; the status is stated, not guessed")
    func emptyMigrationsFolder() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/empty-migrations"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let before = dump(db)
            let snapshots = fileNames(in: dir + "/snapshots")

            let version = try migsh(["-m", folder, db, ".version"])
            #expect(version.status == 0, "\(version)")
            #expect(version.stdout.contains("status: database newer than application"), "\(version)")
            #expect(version.stdout.contains("required schema version: 0"), "\(version)")

            let apply = try migsh(["-m", folder, db, ".apply --yes"])
            #expect(apply.status == 3, "\(apply)")
            #expect(!apply.stderr.isEmpty, "\(apply)")
            ReliabilityKit.expectNoMigrationRan(apply)
            #expect(dump(db) == before)
            #expect(fileNames(in: dir + "/snapshots") == snapshots, "no backup for a batch that does nothing")

            let empty = dir + "/empty.sqlite"
            #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
            let fresh = try migsh(["-m", folder, empty, ".version"])
            #expect(fresh.status == 0, "\(fresh)")
            #expect(fresh.stdout.contains("up to date"), "\(fresh)")
        }
    }

    @Test("a gap in the versions (007 missing): exit 1, names version 007, nothing applied")
    func gapInVersions() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/migrations"
            try ReliabilityKit.migrationsFolder(folder, removing: [7])
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            let result = try migsh(["-m", folder, db, ".apply --yes"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("007") && result.stderr.lowercased().contains("missing"), "\(result)")
            ReliabilityKit.expectNoMigrationRan(result)
            #expect(dump(db) == before)
            ReliabilityKit.expectUnchanged(tree, dir, allowing: [ReliabilityKit.auditName("db.sqlite")])
        }
    }

    @Test("two files with the same version: exit 1, names both files, nothing applied")
    func duplicateVersions() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/migrations"
            let copy = try #require(contents(of: try migrationFile(7)))
            try ReliabilityKit.migrationsFolder(folder, adding: ["007_add_cod_again.sql": copy])
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            let result = try migsh(["-m", folder, db, ".apply --yes"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("two files with version 007"), "\(result)")
            #expect(result.stderr.contains("007_add_commercial_operation_date.sql") && result.stderr.contains("007_add_cod_again.sql"),
                    "\(result)")
            #expect(dump(db) == before)
            ReliabilityKit.expectUnchanged(tree, dir, allowing: [ReliabilityKit.auditName("db.sqlite")])
            #expect(!result.stderr.contains("missing"), "both files are there:\n\(result)")
        }
    }

    @Test("a misnamed migration file: exit 1, names the file, nothing applied",
          arguments: ["01_x.sql", "1_x.sql", "001-x.sql", "009-add_thing.sql", "009_Add_Thing.sql"])
    func misnamedMigrationFile(name: String) throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/migrations"
            let text = ReliabilityKit.migrationText(9, body: "CREATE TABLE misnamed(x);")
            try ReliabilityKit.migrationsFolder(folder, adding: [name: Data(text.utf8)])
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            let result = try migsh(["-m", folder, db, ".apply --yes"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains(name) && result.stderr.contains("misnamed"), "\(result)")
            ReliabilityKit.expectNoMigrationRan(result)
            #expect(dump(db) == before)
            ReliabilityKit.expectUnchanged(tree, dir, allowing: [ReliabilityKit.auditName("db.sqlite")])
            // sha256sum's [0-9][0-9][0-9]_*.sql glob puts 009_Add_Thing.sql into migsh.sum; it is
            // still in the folder.
            #expect(!result.stderr.contains("missing from the folder"), "\(name) is in the folder:\n\(result)")
        }
    }

    /// A migration 009 that validation must reject, with what stderr must say about it.
    struct BrokenMigration: Sendable, CustomTestStringConvertible {
        var label: String
        var bytes: Data
        var expected: [String]
        var testDescription: String { label }
    }

    static let brokenMigrations: [BrokenMigration] = [
        BrokenMigration(
            label: "no COMMIT",
            bytes: Data(ReliabilityKit.migrationText(9, body: "CREATE TABLE no_commit(x);", commit: false).utf8),
            expected: ["009_broken.sql", "COMMIT"]),
        BrokenMigration(
            label: "the version insert names version 10",
            bytes: Data(ReliabilityKit.migrationText(9, body: "CREATE TABLE wrong_version(x);", insertedVersion: 10).utf8),
            expected: ["009_broken.sql", "version 10", "version 9"]),
        BrokenMigration(
            label: "an unterminated string at end of input",
            bytes: Data((ReliabilityKit.migrationText(9, body: "CREATE TABLE t9(x);") + "INSERT INTO t9 VALUES ('oops);\n").utf8),
            expected: ["009_broken.sql", "incomplete statement"]),
        BrokenMigration(
            label: "an unterminated trigger at end of input",
            bytes: Data((ReliabilityKit.migrationText(9, body: "CREATE TABLE t9(x);", commit: false)
                + "CREATE TRIGGER trg_t9 AFTER INSERT ON t9 BEGIN\n    UPDATE t9 SET x = 1;\n").utf8),
            expected: ["009_broken.sql", "incomplete statement"]),
    ]

    @Test("a migration that fails validation: exit 1, names the file and the problem, nothing applied",
          arguments: brokenMigrations)
    func invalidMigration(broken: BrokenMigration) throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/migrations"
            try ReliabilityKit.migrationsFolder(folder, adding: ["009_broken.sql": broken.bytes])
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            let result = try migsh(["-m", folder, db, ".apply --yes"])

            #expect(result.status == 1, "\(result)")
            for text in broken.expected {
                #expect(result.stderr.contains(text), "stderr should mention \(text.debugDescription):\n\(result)")
            }
            ReliabilityKit.expectNoMigrationRan(result)
            #expect(dump(db) == before)
            #expect(schemaVersion(db) == "8")
            ReliabilityKit.expectUnchanged(tree, dir, allowing: [ReliabilityKit.auditName("db.sqlite")])
        }
    }

    @Test("non-UTF-8 bytes in a migration: exit 1, 'not valid UTF-8', nothing applied")
    func nonUTF8Migration() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/migrations"
            var bytes = Data(ReliabilityKit.migrationText(9, body: "CREATE TABLE latin1(x);\nINSERT INTO latin1 VALUES ('caf\u{1}');").utf8)
            // Replace the \u{1} by a lone Latin-1 é (0xE9): not valid UTF-8.
            let index = try #require(bytes.firstIndex(of: 0x01))
            bytes[index] = 0xE9
            try ReliabilityKit.migrationsFolder(folder, adding: ["009_latin1_text.sql": bytes])
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            let result = try migsh(["-m", folder, db, ".apply --yes"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("009_latin1_text.sql") && result.stderr.contains("UTF-8"), "\(result)")
            #expect(dump(db) == before)
            ReliabilityKit.expectUnchanged(tree, dir, allowing: [ReliabilityKit.auditName("db.sqlite")])
            #expect(!result.stderr.contains("missing from the folder"), "the file is in the folder:\n\(result)")
        }
    }

    @Test("a 50 MB migration applies (its time is printed; speed is measured in scripts/bench)", .timeLimit(.minutes(15)))
    func fiftyMegabyteMigration() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/migrations"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
            try FileManager.default.copyItem(atPath: try migrationFile(1), toPath: folder + "/001_initial_schema.sql")
            let path = folder + "/002_load_big_table.sql"
            #expect(FileManager.default.createFile(atPath: path, contents: nil))
            let handle = try #require(FileHandle(forWritingAtPath: path))
            let header = ReliabilityKit.migrationText(2, description: "big table", body: "CREATE TABLE big(id INTEGER PRIMARY KEY, payload TEXT);")
            let split = try #require(header.range(of: "INSERT INTO Schema_Version"))
            let head = String(header[..<split.lowerBound])
            let tail = String(header[split.lowerBound...])
            try handle.write(contentsOf: Data(head.utf8))
            let padding = String(repeating: "x", count: 80)
            var rows = 0
            var written = 0
            while written < 50 * 1024 * 1024 {
                var chunk = ""
                chunk.reserveCapacity(1 << 20)
                for _ in 0..<8192 {
                    rows += 1
                    chunk += "INSERT INTO big VALUES (\(rows), '\(padding)');\n"
                }
                let data = Data(chunk.utf8)
                written += data.count
                try handle.write(contentsOf: data)
            }
            try handle.write(contentsOf: Data(tail.utf8))
            try handle.close()
            try regenerateChecksums(in: folder)
            let db = dir + "/big.sqlite"

            let result = try migsh(["--create", "-m", folder, db, ".apply --yes"], timeout: 900)

            #expect(result.status == 0, "\(result)")
            #expect(schemaVersion(db) == "2")
            #expect(sqlite(db, "select count(*) from big") == "\(rows)")
            print("50 MB migration (\(rows) rows, \(written) bytes): migsh took \(String(format: "%.1f", result.duration)) s")
        }
    }

    // MARK: Commands and options

    @Test("an unknown dot-command: exit 1, names it, nothing changed",
          arguments: [".frobnicate", ".applyy --yes", ".APPLY --yes", ".backupp out.sqlite", ".restore-all"])
    func unknownDotCommand(command: String) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            let result = try migsh(["-m", repositoryMigrations, db, command])

            let name = String(command.split(separator: " ")[0])
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr == "Error: unknown command or invalid arguments:  \"\(name.dropFirst())\". Enter \".help\" for help\n", "\(result)")
            #expect(dump(db) == before)
            ReliabilityKit.expectUnchanged(tree, dir, allowing: [ReliabilityKit.auditName("db.sqlite")])
        }
    }

    @Test("an unknown dot-command in a script stops it (bail): exit 1, sqlite3's line, later lines not run")
    func unknownDotCommandInScript() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let before = dump(db)

            let result = try migsh(["-m", repositoryMigrations, db],
                                   script: "select 1;\n.nosuch thing\nINSERT INTO Users(username) VALUES ('after');\n")

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr == "Error: unknown command or invalid arguments:  \"nosuch\". Enter \".help\" for help\n", "\(result)")
            #expect(result.stdout == "1\n", "\(result)")
            #expect(dump(db) == before)
        }
    }

    @Test("an unknown option: exit 2, names it, nothing runs",
          arguments: [["--frobnicate"], ["-Z"], ["--migration", "x"], ["--yes-please"], ["--readonly=maybe"]])
    func unknownOption(option: [String]) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            let result = try migsh(option + ["-m", repositoryMigrations, db, ".apply --yes"])

            #expect(result.status == 2, "\(result)")
            let name = String(option[0].split(separator: "=")[0])
            #expect(result.stderr.contains(name), "\(result)")
            #expect(result.stderr.contains("Usage"), "\(result)")
            #expect(dump(db) == before)
            ReliabilityKit.expectUnchanged(tree, dir)
        }
    }

    struct BadValue: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var mentions: String
        var exitCodes: Set<Int32>
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let badValues: [BadValue] = [
        BadValue(arguments: ["--busy-timeout", "-5"], mentions: "--busy-timeout", exitCodes: [2]),
        BadValue(arguments: ["--busy-timeout=-5"], mentions: "--busy-timeout", exitCodes: [2]),
        BadValue(arguments: ["--busy-timeout", "soon"], mentions: "--busy-timeout", exitCodes: [2]),
        BadValue(arguments: ["--target", "-1"], mentions: "--target", exitCodes: [2]),
        BadValue(arguments: ["--target=-1"], mentions: "--target", exitCodes: [2]),
        BadValue(arguments: ["--target", "eight"], mentions: "--target", exitCodes: [2]),
        BadValue(arguments: ["--target", "99"], mentions: "99", exitCodes: [1, 2]),
        BadValue(arguments: ["--mode", "bogus"], mentions: "bogus", exitCodes: [2]),
        BadValue(arguments: ["--app-version", "9.9.9"], mentions: "9.9.9", exitCodes: [1, 2]),
        BadValue(arguments: ["--app-version", "banana"], mentions: "banana", exitCodes: [2]),
    ]

    @Test("a bad option value: exit 2 (or 1), names the option or value, nothing runs", arguments: badValues)
    func badOptionValue(bad: BadValue) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            let result = try migsh(bad.arguments + ["-m", repositoryMigrations, db, ".apply --yes"])

            #expect(bad.exitCodes.contains(result.status), "\(result)")
            #expect(result.stderr.contains(bad.mentions), "\(result)")
            ReliabilityKit.expectNoMigrationRan(result)
            #expect(dump(db) == before)
            ReliabilityKit.expectUnchanged(tree, dir, allowing: [ReliabilityKit.auditName("db.sqlite")])
        }
    }

    @Test("--app-version that is not X.Y.Z is a usage error (exit 2)")
    func malformedAppVersionIsUsage() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)

            let result = try migsh(["--app-version", "banana", "-m", repositoryMigrations, db, ".version"])

            #expect(result.stderr.contains("X.Y.Z"), "\(result)")
            #expect(result.status == 2, "\(result)")
        }
    }

    @Test(".apply --to beyond the last migration: exit 1, names the range, nothing applied",
          arguments: [".apply --to 99", ".apply --to 99 --yes", ".apply --to 9 --yes"])
    func applyBeyondLastMigration(command: String) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            let result = try migsh(["-m", repositoryMigrations, db, command])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains(".apply --to \(command.split(separator: " ")[2]): the migrations go from 1 to 8"), "\(result)")
            #expect(dump(db) == before)
            ReliabilityKit.expectUnchanged(tree, dir, allowing: [ReliabilityKit.auditName("db.sqlite")])
        }
    }

    @Test(".apply --to a version below the database's: refused, nothing changed")
    func applyBelowCurrentVersion() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            let result = try migsh(["-m", repositoryMigrations, db, ".apply --to 3 --yes"])

            #expect(result.status != 0, "\(result)")
            #expect(dump(db) == before)
            ReliabilityKit.expectUnchanged(tree, dir, allowing: [ReliabilityKit.auditName("db.sqlite")])
            #expect(result.status == 1, "\(result)")
            #expect(!result.stderr.contains("Please update the application"),
                    "the application (migrations up to 8) is not older than the database:\n\(result)")
            #expect(result.stderr.contains("already at version 5"), "\(result)")
            // No backup at 3: no way back is named.
            #expect(result.stderr.contains("No backup of this database at version 3 exists"), "\(result)")

            // With one, the way back it names works as written.
            #expect(try migsh(["-m", repositoryMigrations, db, ".restore --version 1 --yes"]).status == 0)
            #expect(try migsh(["-m", repositoryMigrations, db, ".apply --to 3 --yes"]).status == 0)
            #expect(try migsh(["-m", repositoryMigrations, db, ".apply --yes"]).status == 0)
            let again = try migsh(["-m", repositoryMigrations, db, ".apply --to 3 --yes"])
            #expect(again.status == 1, "\(again)")
            let named = try #require(firstMatch(of: #"\.restore --version 3"#, in: again.stderr), "\(again)")
            let back = try migsh(["--yes", "-m", repositoryMigrations, db, named])
            #expect(back.status == 0, "\(back)")
            #expect(schemaVersion(db) == "3")
        }
    }

    // MARK: Restore

    @Test(".restore of another database's backup in batch mode: refused, exit 1, unchanged — it needs --from-other, and then --yes")
    func restoreForeignBackupNeedsConfirmation() throws {
        try withTemporaryDirectory { dir in
            let other = dir + "/other/other.sqlite"
            try FileManager.default.createDirectory(atPath: dir + "/other", withIntermediateDirectories: false)
            try makeDemoDatabase(other, version: 5)
            let backup = dir + "/other/other-backup.sqlite"
            let made = try migsh(["-m", repositoryMigrations, other, ".backup " + backup])
            #expect(made.status == 0, "\(made)")
            let db = dir + "/live/db.sqlite"
            try FileManager.default.createDirectory(atPath: dir + "/live", withIntermediateDirectories: false)
            try makeDemoDatabase(db, version: 8)
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir + "/live")

            let result = try migsh(["-m", repositoryMigrations, db, ".restore " + backup])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("taken from another database") && result.stderr.contains("--from-other"), "\(result)")
            // With the flag, a batch run still never waits for the confirmation.
            let flagged = try migsh(["-m", repositoryMigrations, db, ".restore \(backup) --from-other"])
            #expect(flagged.status == 1, "\(flagged)")
            #expect(flagged.stderr.contains("confirmation needed") && flagged.stderr.contains("--yes"), "\(flagged)")
            #expect(dump(db) == before)
            #expect(schemaVersion(db) == "8")
            ReliabilityKit.expectUnchanged(tree, dir + "/live", allowing: [ReliabilityKit.auditName("db.sqlite")])
        }
    }

    @Test(".restore of a backup that fails its integrity check: refused, exit 1, unchanged, no pre-restore backup")
    func restoreCorruptBackup() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let backup = dir + "/copy.sqlite"
            let made = try migsh(["-m", repositoryMigrations, db, ".backup " + backup])
            #expect(made.status == 0, "\(made)")
            try ReliabilityKit.corruptRootPage(of: "Users", in: backup)
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            let result = try migsh(["-m", repositoryMigrations, db, ".restore " + backup + " --yes"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("copy.sqlite") && result.stderr.contains("integrity"), "\(result)")
            #expect(dump(db) == before)
            ReliabilityKit.expectUnchanged(tree, dir, allowing: [ReliabilityKit.auditName("db.sqlite")])
        }
    }

    @Test(".restore of a text file or a missing file: exit 1, names it, unchanged",
          arguments: ["notes.txt", "no-such-backup.sqlite"])
    func restoreNotABackup(name: String) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            if name.hasSuffix(".txt") {
                try "these are not the rows you are looking for\n".write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
            }
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            let result = try migsh(["-m", repositoryMigrations, db, ".restore " + dir + "/" + name + " --yes"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains(name), "\(result)")
            let message = result.stderr.lowercased()
            #expect(message.contains("not an sqlite database") || message.contains("not found"), "\(result)")
            #expect(dump(db) == before)
            ReliabilityKit.expectUnchanged(tree, dir, allowing: [ReliabilityKit.auditName("db.sqlite")])
        }
    }

    // MARK: Symlinks

    /// The backups and the audit log go beside the link: the path the user gave, as the
    /// contract's defaults say ("beside the database").
    @Test("a DATABASE given through a symlink works; the link stays a link; one backup is made")
    func databaseThroughSymlink() throws {
        try withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: false)
            try FileManager.default.createDirectory(atPath: dir + "/links", withIntermediateDirectories: false)
            let real = dir + "/real/db.sqlite"
            try makeDemoDatabase(real, version: 5)
            try FileManager.default.removeItem(atPath: dir + "/real/snapshots")
            let link = dir + "/links/db.sqlite"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "../real/db.sqlite")

            let result = try migsh(["-m", repositoryMigrations, link, ".apply --yes"])

            #expect(result.status == 0, "\(result)")
            #expect(schemaVersion(real) == "8")
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == "../real/db.sqlite",
                    "the link was replaced")
            let besideLink = fileNames(in: dir + "/links/snapshots").filter { $0.hasSuffix(".sqlite") }
            let besideReal = fileNames(in: dir + "/real/snapshots").filter { $0.hasSuffix(".sqlite") }
            #expect(besideLink.count == 1 && besideReal.isEmpty, "links: \(besideLink), real: \(besideReal)")
            #expect(fileExists(link + "-audit.jsonl"), "the audit log is not beside the link")
            #expect(sqlite(real, "PRAGMA integrity_check") == "ok")
        }
    }

    @Test(".backup TARGET where TARGET is a symlink to another file: refused, exit 1, the other file unchanged")
    func backupOntoSymlink() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            try "precious\n".write(toFile: dir + "/victim.txt", atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: dir + "/out.sqlite", withDestinationPath: "victim.txt")
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            let result = try migsh(["-m", repositoryMigrations, db, ".backup " + dir + "/out.sqlite"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("out.sqlite") && result.stderr.contains("exists"), "\(result)")
            #expect(String(decoding: contents(of: dir + "/victim.txt") ?? Data(), as: UTF8.self) == "precious\n")
            #expect(dump(db) == before)
            ReliabilityKit.expectUnchanged(tree, dir, allowing: [ReliabilityKit.auditName("db.sqlite")])
        }
    }

    // MARK: Audit log and init file

    @Test("an unusable --audit file: exit 1 before anything runs, database unchanged",
          arguments: ["/nonexistent/dir/a.jsonl", "AUDIT_IS_A_FOLDER"])
    func unusableAuditLog(audit: String) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            var path = audit
            if audit == "AUDIT_IS_A_FOLDER" {
                path = dir + "/audit-folder"
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            }
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            let result = try migsh(["--audit", path, "-m", repositoryMigrations, db, ".apply --yes"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("audit log") && result.stderr.contains(path), "\(result)")
            ReliabilityKit.expectNoMigrationRan(result)
            #expect(dump(db) == before)
            ReliabilityKit.expectUnchanged(tree, dir)
        }
    }

    @Test("a missing --init file: exit 1, names it, the commands do not run")
    func missingInitFile() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 5)
            let before = dump(db)
            let tree = ReliabilityKit.tree(dir)

            // Not through `migsh(...)`, which adds --noinit.
            let result = try runProcess(migshBinary, ["--init", dir + "/no-such-rc", "-m", repositoryMigrations, db,
                                                      "CREATE TABLE should_not_exist(x)", ".apply --yes"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("init file") && result.stderr.contains("no-such-rc"), "\(result)")
            #expect(dump(db) == before)
            ReliabilityKit.expectUnchanged(tree, dir, allowing: [ReliabilityKit.auditName("db.sqlite")])
        }
    }
}
