import Foundation
import MigshTestSupport
import Testing

/// Issue 22: the shell's own file features open a name that is not UTF-8 under its exact
/// bytes. A path is a `String` carrying those bytes (`CarriedBytes`); Swift's String-to-C
/// bridging and `FileManager` would give the kernel the carried scalars' UTF-8 instead, a
/// different file (`.open` would not find the database, `.session changeset` would write
/// elsewhere). Each script runs in a folder of its own, through migsh and where sqlite3 3.40
/// has the feature through sqlite3 too; python3 lists the folder as bytes (`os.listdir(b'.')`)
/// and reads the databases. migsh's own files (audit log, backups) go outside the folder.
@Suite("Shell file features with names that are not UTF-8")
struct ShellFileNameBytesTests {
    /// `n\xe9.db`: a Latin-1 é, not UTF-8.
    static let latin1Name: [UInt8] = Array("n".utf8) + [0xE9] + Array(".db".utf8)

    /// migsh on `:memory:` reading `script` in `folder`; its audit log and backups in `state`.
    static func migsh(_ script: [UInt8], in folder: String, state: String) throws -> ByteResult {
        try runCollectingBytes(migshBinary, ["--noinit", "--no-bail", "--audit", state + "/audit.jsonl", "--backups", state + "/backups", ":memory:"],
                               stdin: Data(script), in: folder, scratch: state)
    }

    /// sqlite3 3.40 on `:memory:` reading `script` in `folder`.
    static func sqlite3(_ script: [UInt8], in folder: String, state: String) throws -> ByteResult {
        try runCollectingBytes(sqlite3Binary, ["-init", "/dev/null", ":memory:"], stdin: Data(script), in: folder, scratch: state)
    }

    /// A fresh folder for each side (`migsh`, `sqlite3`) and one for migsh's own files,
    /// `prepare` run in each side's folder first.
    static func folders(_ dir: String, prepare: (String) throws -> Void = { _ in }) throws -> (migsh: String, sqlite3: String, state: String) {
        let (ours, theirs, state) = (dir + "/migsh", dir + "/sqlite3", dir + "/state")
        for folder in [ours, theirs, state] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        try prepare(ours)
        try prepare(theirs)
        return (ours, theirs, state)
    }

    /// sqlite3 makes the Latin-1-named database in `folder` (the name given as bytes by printf).
    static func makeLatin1Database(_ folder: String) throws {
        let made = try DotCommandBytesTests.run([sqlite3Binary], [latin1Name, Array("create table t(a, b); insert into t values(1, 'one'), (2, x'e9');".utf8)], in: folder)
        try #require(made.status == 0, "sqlite3 making n\\xe9.db: \(made)")
    }

    /// The script's text with every U+0080…U+00FF as its one byte (a Latin-1 script).
    static func latin1(_ script: String) -> [UInt8] { Array(script.data(using: .isoLatin1)!) }

    /// `.dbinfo`'s lines for the header fields of `n\xe9.db` in `folder`, as python3 reads them
    /// from the file under its bytes: page size, page count, schema cookie, text encoding.
    static func headerLines(_ folder: String) throws -> [String] {
        let header = try runProcess("/usr/bin/env", ["python3", "-c", """
            import struct
            h = open(b'n\\xe9.db', 'rb').read(100)
            size, count, cookie, encoding = [struct.unpack('>H', h[16:18])[0]] + [struct.unpack('>I', h[i:i + 4])[0] for i in (28, 40, 56)]
            print(f'database page size:  {size}\\ndatabase page count: {count}\\nschema cookie:       {cookie}\\ntext encoding:       {encoding} (utf8)')
            """], cwd: folder)
        try #require(header.status == 0, "\(header)")
        let lines = header.stdout.split(separator: "\n").map { String($0) + "\n" }
        try #require(lines.count == 4, "\(header)")
        return lines
    }

    @Test(".open of an existing database named in Latin-1 reads its rows; .dbinfo reads its header; nothing else appears in the folder")
    func openExisting() throws {
        try withTemporaryDirectory { dir in
            let (ours, _, state) = try Self.folders(dir, prepare: Self.makeLatin1Database)
            let before = try DotCommandBytesTests.listing(ours)
            let result = try Self.migsh(Self.latin1(".open n\u{e9}.db\nselect a, hex(b) from t;\n.dbinfo\n"), in: ours, state: state)
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr.isEmpty, "\(result.stderrDescription)")
            let text = String(decoding: result.stdout, as: UTF8.self)
            #expect(text.hasPrefix("1|6F6E65\n2|E9\n"), "\(result.stdoutDescription)")
            for line in try Self.headerLines(ours) {
                #expect(text.contains(line), "\(line) is not in\n\(result.stdoutDescription)")
            }
            #expect(text.contains("number of tables:    1\n"), "\(result.stdoutDescription)")
            #expect(try DotCommandBytesTests.listing(ours) == before)
        }
    }

    /// Without `--audit`, `.open n\xe9.db` starts the audit log beside the database, named
    /// after its bytes: `n\xe9.db-audit.jsonl` (and its head file), nothing under another name.
    /// (Before MigshCore/Audit went through `FileSystem`, the log got the carried scalars' UTF-8.)
    @Test(".open of a Latin-1-named database without --audit: its audit log is named after its bytes")
    func openAuditLogName() throws {
        try withTemporaryDirectory { dir in
            let (ours, _, state) = try Self.folders(dir, prepare: Self.makeLatin1Database)
            let result = try runCollectingBytes(migshBinary, ["--noinit", "--no-bail", ":memory:"],
                                                stdin: Data(Self.latin1(".open n\u{e9}.db\nselect a from t;\n")), in: ours, scratch: state)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout == Data("1\n2\n".utf8), "\(result)")
            let names = try CommandLineNameBytesTests.names(ours)
            let database = DotCommandBytesTests.hex(Self.latin1Name)
            #expect(names.contains(database + DotCommandBytesTests.hex(Array("-audit.jsonl".utf8))), "\(names)")
            #expect(names.allSatisfy { $0.hasPrefix(database) }, "\(names)")
        }
    }

    /// `.open --new` makes the database under the bytes given (sqlite3 makes the same file
    /// from the same script), in WAL mode while migsh holds it: `.dbinfo` finds its -wal
    /// file by the same bytes and reads the newest pages.
    @Test(".open --new makes the Latin-1-named database sqlite3 makes; .dbinfo reads it through its -wal file")
    func openNew() throws {
        try withTemporaryDirectory { dir in
            let (ours, theirs, state) = try Self.folders(dir)
            let script = Self.latin1("""
                .open --new n\u{ff}.db
                create table t(a); insert into t values('x\u{e9}');
                .open --new n\u{e9}.db
                pragma journal_mode=wal;
                create table u(b); create table v(c);
                select count(*) from sqlite_schema;

                """)
            let result = try Self.migsh(script + Self.latin1(".dbinfo\n"), in: ours, state: state)
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr.isEmpty, "\(result.stderrDescription)")
            let text = String(decoding: result.stdout, as: UTF8.self)
            #expect(text.hasPrefix("wal\n2\n"), "\(result.stdoutDescription)")
            #expect(text.contains("number of tables:    2\n"), "\(result.stdoutDescription)")
            // The header as the -wal file has it at .dbinfo, the file's after migsh closed it
            // (its checkpoint): the main file alone would give the header of before the tables.
            for line in try Self.headerLines(ours) {
                #expect(text.contains(line), "\(line) is not in\n\(result.stdoutDescription)")
            }
            let reference = try Self.sqlite3(script, in: theirs, state: state)
            #expect(reference.status == 0, "\(reference)")
            #expect(result.stdout.starts(with: reference.stdout), "migsh:\n\(result.stdoutDescription)\nsqlite3:\n\(reference.stdoutDescription)")
            let mine = try DotCommandBytesTests.listing(ours), theirsListed = try DotCommandBytesTests.listing(theirs)
            #expect(mine == theirsListed, "migsh:\n\(mine.joined(separator: "\n"))\nsqlite3:\n\(theirsListed.joined(separator: "\n"))")
            #expect(mine.contains { $0.hasPrefix(DotCommandBytesTests.hex(Array("n".utf8) + [0xFF] + Array(".db".utf8)) + " database 74") }, "\(mine)")
            #expect(mine.contains { $0.hasPrefix(DotCommandBytesTests.hex(Self.latin1Name) + " database 75 76") }, "\(mine)")
        }
    }

    /// readfile, writefile, fsdir and zipfile take the name as SQLite gives it, as bytes;
    /// the same script through sqlite3 gives the same output and the same files.
    /// (The archive's member has a fixed time: its bytes hold it.)
    @Test("writefile, readfile, fsdir and zipfile with Latin-1 names: sqlite3's output and files")
    func fileFunctions() throws {
        try withTemporaryDirectory { dir in
            let (ours, theirs, state) = try Self.folders(dir)
            let script = Self.latin1("""
                select writefile('w\u{e9}.txt', 'caf\u{e9}');
                select hex(readfile('w\u{e9}.txt'));
                select writefile('d\u{ff}/x\u{e9}', 'in');
                select hex(name), hex(data) from fsdir('d\u{ff}') order by 1;
                create virtual table temp.z using zipfile('z\u{e9}.zip');
                insert into temp.z(name, mtime, data) values('a\u{e9}', 1700000000, 'b');
                select hex(name), data from zipfile('z\u{e9}.zip');

                """)
            let result = try Self.migsh(script, in: ours, state: state)
            let reference = try Self.sqlite3(script, in: theirs, state: state)
            #expect(result.stdout == reference.stdout, "migsh:\n\(result.stdoutDescription)\nsqlite3:\n\(reference.stdoutDescription)")
            #expect(result.stderrBytes == reference.stderrBytes, "migsh:\n\(result.stderrDescription)\nsqlite3:\n\(reference.stderrDescription)")
            #expect(result.status == reference.status)
            #expect(String(decoding: result.stdout, as: UTF8.self).hasPrefix("4\n636166E9\n2\n"), "\(result.stdoutDescription)")
            let mine = try DotCommandBytesTests.listing(ours), theirsListed = try DotCommandBytesTests.listing(theirs)
            #expect(mine == theirsListed, "migsh:\n\(mine.joined(separator: "\n"))\nsqlite3:\n\(theirsListed.joined(separator: "\n"))")
            #expect(mine.contains(DotCommandBytesTests.hex(Array("w".utf8) + [0xE9] + Array(".txt".utf8)) + " 636166e9"), "\(mine)")
        }
    }

    /// `.load FILE` hands dlopen the bytes given: sqlite3's error, naming the file as given
    /// (a name under the carried scalars' UTF-8, or repaired to U+FFFD, would differ).
    @Test(".load of a Latin-1 name that is not there: sqlite3's error, byte for byte")
    func loadMissing() throws {
        try withTemporaryDirectory { dir in
            let (ours, theirs, state) = try Self.folders(dir)
            let script = Self.latin1(".load n\u{e9}x\n.print after\n")
            let result = try Self.migsh(script, in: ours, state: state)
            let reference = try Self.sqlite3(script, in: theirs, state: state)
            #expect(result.stdout == reference.stdout, "migsh:\n\(result.stdoutDescription)\nsqlite3:\n\(reference.stdoutDescription)")
            #expect(result.stderrBytes == reference.stderrBytes, "migsh:\n\(result.stderrDescription)\nsqlite3:\n\(reference.stderrDescription)")
            #expect(Array(reference.stderrBytes).starts(with: Array("Error: n".utf8) + [0xE9] + Array("x.so: ".utf8)), "\(reference.stderrDescription)")
            #expect(result.status == reference.status)
        }
    }

    /// `.session changeset FILE` writes the changeset under the bytes given, as sqlite3 does.
    @Test(".session changeset to a Latin-1 name: the file sqlite3 writes")
    func sessionChangeset() throws {
        try withTemporaryDirectory { dir in
            let (ours, theirs, state) = try Self.folders(dir)
            let script = Self.latin1("""
                create table t(a primary key, b);
                .session open main s
                .session attach t
                insert into t values(1, 'caf\u{e9}');
                .session changeset c\u{e9}.bin
                .session close
                .print done

                """)
            let result = try Self.migsh(script, in: ours, state: state)
            let reference = try Self.sqlite3(script, in: theirs, state: state)
            #expect(result.stdout == reference.stdout, "migsh:\n\(result.stdoutDescription)\nsqlite3:\n\(reference.stdoutDescription)")
            #expect(result.stderrBytes == reference.stderrBytes, "migsh:\n\(result.stderrDescription)\nsqlite3:\n\(reference.stderrDescription)")
            #expect(result.status == 0, "\(result)")
            let mine = try DotCommandBytesTests.listing(ours), theirsListed = try DotCommandBytesTests.listing(theirs)
            #expect(mine == theirsListed, "migsh:\n\(mine.joined(separator: "\n"))\nsqlite3:\n\(theirsListed.joined(separator: "\n"))")
            #expect(mine.contains { $0.hasPrefix(DotCommandBytesTests.hex(Array("c".utf8) + [0xE9] + Array(".bin".utf8)) + " 54") }, "\(mine)")
        }
    }

    /// `$MIGSH_HISTORY` in Latin-1 (set by bash from printf's bytes): the history is written
    /// to the file of those bytes, and the next session recalls it from there.
    @Test("$MIGSH_HISTORY naming a file in Latin-1: the history is written under those bytes and recalled")
    func historyFile() throws {
        try withTemporaryDirectory { dir in
            _ = sqlite(dir + "/db", "create table t(a)")
            try withTerminal(environment: ["HOME": dir, "XDG_CONFIG_HOME": dir + "/config", "XDG_STATE_HOME": dir + "/state"], cwd: dir) { terminal in
                let launch = #"MIGSH_HISTORY="$(printf 'h\351')" "# + TerminalDriver.shellQuote(migshBinary) + " --noinit db"
                try terminal.typeLine(launch)
                try terminal.waitFor("db v")
                try terminal.typeLine("select 4200 + 42;")
                try terminal.waitFor("4242")
                try terminal.typeLine(".quit")
                #expect(try terminal.exitStatus() == 0)
                let names = try CommandLineNameBytesTests.names(dir)
                #expect(names.contains("68e9"), "no h\\xe9 in \(names)")
                #expect(!names.contains { $0.hasPrefix("68") && $0 != "68e9" }, "another history file: \(names)")
                // libedit's file escapes the spaces (`select\0404200…`).
                let kept = try runProcess("/usr/bin/env", ["python3", "-c", "print(open(b'h\\xe9', 'rb').read().count(b'4200'))"], cwd: dir)
                #expect(kept.stdout == "1\n", "\(kept)")
                let prompts = occurrences(of: "db v", in: try terminal.screen())
                try terminal.typeLine(launch)
                try terminal.waitFor("db v", count: prompts + 1)
                try terminal.press("Up")
                try terminal.waitForCurrentLine("recalled .quit") { $0.hasSuffix("> .quit") }
                try terminal.press("Up")
                try terminal.waitForCurrentLine("recalled the select") { $0.hasSuffix("> select 4200 + 42;") }
                try terminal.typeLine("")
                try terminal.typeLine(".quit")
            }
        }
    }

    /// Tab completes a file name that is not UTF-8 as the name's bytes (the folder listed by
    /// readdir, the name carried to libedit as its private-use characters): `.read r`⇥ reads
    /// `r\xe9.sql`.
    @Test("Tab completes a Latin-1 file name, and .read reads that file")
    func completesLatin1Name() throws {
        try withTemporaryDirectory { dir in
            _ = sqlite(dir + "/db", "create table t(a)")
            let made = try runProcess("/usr/bin/env", ["python3", "-c", "open(b'r\\xe9.sql', 'wb').write(b\"select 'from r' || 'e9';\\n\")"], cwd: dir)
            try #require(made.status == 0, "\(made)")
            try withTerminal(environment: ["HOME": dir, "MIGSH_HISTORY": dir + "/history", "XDG_CONFIG_HOME": dir + "/config"], cwd: dir) { terminal in
                try terminal.launch(["--noinit", "db"])
                try terminal.waitFor("db v")
                try terminal.typeAndWaitForEcho(".read r")
                try terminal.press("Tab")
                try terminal.waitForCurrentLine("completed") { $0.trimmingTrailingWhitespace.hasSuffix(".sql") }
                try terminal.press("Enter")
                let screen = try terminal.waitUntil("the next prompt") { occurrences(of: "db v0>", in: $0) >= 2 }
                #expect(screen.contains("\nfrom re9"), "\(screen)")
                try terminal.typeLine(".quit")
                #expect(try terminal.exitStatus() == 0)
            }
        }
    }
}
