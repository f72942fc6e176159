import Foundation
import MigshTestSupport
import Testing

/// Issue 22: the words after a dot-command are bytes. sqlite3 3.40 hands a Latin-1 or invalid
/// UTF-8 byte in a file name, a pattern or a value on unchanged — to `fopen()`, into the SQL it
/// builds, to a child process, into its output and its error messages — and so does migsh.
/// Each script runs through sqlite3 and migsh (`SQLiteCommandsTests.runBoth`, the corpus
/// tests' runner); the files they leave are listed by python3 as bytes.
@Suite("Dot-command words as bytes")
struct DotCommandBytesTests {
    typealias Case = SQLiteCommandsTests.Case

    /// Words printed and kept as settings: `.print` (quoted, unquoted, octal escapes),
    /// `.separator`, `.nullvalue`, `.show`, `.parameter`, `.shell`/`.system`, `.testcase`.
    static let words = Case(name: "words printed, set and handed to a child", latin1: #"""
        .print caf\#u{e9} \#u{ff} \#u{c3} "a \#u{e9}\t\#u{ff}" '\#u{e9}\351' \351\303\251x \#u{e9}\#u{ff}\"
        .separator \#u{e9} \#u{ff}\n
        .nullvalue n\#u{c3}
        .show
        select 1, null, 'x';
        select 2;
        .separator | \n
        .parameter set @p\#u{e9} 'w\#u{ff}'
        .parameter set $q\#u{c3} 12
        .parameter list
        select @p\#u{e9}, hex(@p\#u{e9}), $q\#u{c3};
        .system printf '[%s]\n' a\#u{e9} "b \#u{ff}" | od -An -tx1
        .shell echo c\#u{c3}
        .testcase t\#u{e9}\#u{ff}
        select 'case';
        .check case*
        .print after

        """#)

    /// Files named with bytes that are not UTF-8, written and read back by every command
    /// that takes a file.
    static let files = Case(name: "file names: .output, .once, .read, .import, .log, .trace, .save, .backup/.restore DB FILE, .clone, .cd", latin1: #"""
        .output o\#u{e9}.txt
        select 'in o-e9';
        .output stdout
        .once q\#u{ff}.txt
        select 'once';
        .output r\#u{c3}.sql
        .print "select 'read from r';"
        .output
        .read r\#u{c3}.sql
        .output i\#u{e9}.csv
        .print "k,v"
        .print "1,caf\#u{e9}"
        .output
        .import --csv i\#u{e9}.csv "imp\#u{e9}"
        select k, hex(v) from "imp\#u{e9}";
        .log l\#u{e9}.txt
        select * from no_such_table;
        .log off
        .trace t\#u{ff}.txt
        select 'traced \#u{e9}';
        .trace off
        .save s\#u{e9}.db
        .backup main b\#u{ff}.db
        drop table "imp\#u{e9}";
        .restore main b\#u{ff}.db
        select count(*) from "imp\#u{e9}";
        .system mkdir d\#u{e9}
        .cd d\#u{e9}
        .once inside.txt
        select 'in d-e9';
        .cd ..
        .output "sp ace \#u{e9}.txt"
        select 'quoted';
        .output
        .print done

        """#)

    /// Names and patterns that go into the SQL sqlite3 builds.
    static let patterns = Case(name: "patterns and names: .tables, .schema, .indexes, .dump, .sha3sum", latin1: #"""
        create table "t\#u{e9}"(a);
        create table "t\#u{ff}x"(b);
        create index "i\#u{e9}" on "t\#u{e9}"(a);
        insert into "t\#u{e9}" values('v\#u{e9}');
        .tables t\#u{e9}
        .tables t%
        .tables t\#u{ff}%
        .schema t\#u{e9}
        .schema t\#u{ff}*
        .indexes t\#u{e9}
        .dump t\#u{e9}
        .sha3sum t\#u{e9}
        .sha3sum t\#u{c3}
        .print end

        """#)

    /// Error messages that name a file print its bytes as given, as sqlite3's do.
    static let errors = Case(name: "errors naming a file print its bytes", latin1: #"""
        .read n\#u{e9}x.sql
        .import n\#u{ff}x t
        .import --csv n\#u{c3} t
        .cd n\#u{e9}
        .log /nonexist/l\#u{e9}
        .trace /nonexist/t\#u{e9}
        .save /nonexist/s\#u{e9}
        .backup main /nonexist/b\#u{e9}
        .restore main /nonexist/r\#u{e9}
        .clone /nonexist/c\#u{e9}
        .print after

        """#)

    static let cases = [words, files, patterns, errors]

    @Test("standard input: migsh prints and exits as sqlite3 does", arguments: cases)
    func sameAsSQLite3(_ input: Case) throws {
        try SQLiteCommandsTests.expectSameOutput(input)
    }

    @Test("the files written are named with the bytes given and hold what sqlite3's hold (python3 lists them as bytes)")
    func sameFilesOnDisk() throws {
        try withTemporaryDirectory { dir in
            let script = Self.files.input + Self.words.input
            let (theirs, ours) = try SQLiteCommandsTests.runBoth(script, in: dir)
            #expect(ours.status == theirs.status, "migsh:\n\(ours)\nsqlite3:\n\(theirs)")
            let mine = try Self.listing(dir + "/migsh"), reference = try Self.listing(dir + "/sqlite3")
            #expect(mine == reference, "migsh:\n\(mine.joined(separator: "\n"))\nsqlite3:\n\(reference.joined(separator: "\n"))")
            // The names, spelled out: nothing decoded, replaced or dropped.
            let names = Set(mine.map { String($0.split(separator: " ")[0]) })
            for name in [Array("o".utf8) + [0xE9] + Array(".txt".utf8), Array("q".utf8) + [0xFF] + Array(".txt".utf8),
                         Array("r".utf8) + [0xC3] + Array(".sql".utf8), Array("l".utf8) + [0xE9] + Array(".txt".utf8),
                         Array("t".utf8) + [0xFF] + Array(".txt".utf8), Array("s".utf8) + [0xE9] + Array(".db".utf8),
                         Array("b".utf8) + [0xFF] + Array(".db".utf8), Array("d".utf8) + [0xE9],
                         Array("sp ace ".utf8) + [0xE9] + Array(".txt".utf8), Array("testcase-out.txt".utf8)] {
                #expect(names.contains(Self.hex(name)), "no file \(Self.hex(name)) in\n\(mine.joined(separator: "\n"))")
            }
        }
    }

    @Test("migsh -f SCRIPT: the same output as sqlite3 reading the script", arguments: cases)
    func scriptFile(_ input: Case) throws {
        try withTemporaryDirectory { dir in
            let (theirs, _) = try SQLiteCommandsTests.runBoth(input.input, in: dir)
            try input.input.write(to: URL(fileURLWithPath: dir + "/script.sql"))
            // A second migsh folder: the same fixture, the script given with -f.
            let folder = dir + "/migsh-f"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: dir + "/fixture.sqlite", toPath: folder + "/db")
            for (name, text) in SQLiteCommandsTests.files { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
            let ours = try runCollectingBytes(migshBinary, ["--noinit", "--no-bail", "-f", dir + "/script.sql", "db"], stdin: Data(), in: folder)
            let mine = ours.stdout.replacing("/migsh-f/", with: "/sqlite3/")
            #expect(mine == theirs.stdout, "migsh:\n\(ours.stdoutDescription)\nsqlite3:\n\(theirs.stdoutDescription)")
            // migsh names the script in an error's place (`near line 17 of script.sql:`, as the
            // README says); sqlite3 has no -f.
            let errors = ours.stderrBytes.replacing(" of script.sql:", with: ":")
            #expect(errors == theirs.stderrBytes, "migsh:\n\(ours.stderrDescription)\nsqlite3:\n\(theirs.stderrDescription)")
            #expect(ours.status == theirs.status, "migsh exited \(ours.status), sqlite3 \(theirs.status)")
        }
    }

    /// Dot-commands given as arguments (and with -cmd), their bytes passed by /bin/sh's printf.
    static let argumentRuns: [[[UInt8]]] = [
        [Array(".print caf".utf8) + [0xE9, 0x20, 0xFF, 0x20, 0xC3]],
        [Array(".output o".utf8) + [0xE9] + Array(".txt".utf8), Array("select 'select 1;';".utf8), Array(".output".utf8),
         Array(".read o".utf8) + [0xE9] + Array(".txt".utf8)],
        [Array("-cmd".utf8), Array(".nullvalue N".utf8) + [0xFF], Array("select null, 'x';".utf8)],
        [Array(".read n".utf8) + [0xE9, 0xC3] + Array(".sql".utf8)],
        [Array(".tables t".utf8) + [0xE9]],
        // sqlite3's options with a value: the value's bytes, not their repaired decoding.
        [Array("-separator".utf8), [0xE9], Array("-nullvalue".utf8), Array("N".utf8) + [0xFF], Array("select 1, null;".utf8)],
        [Array("-newline".utf8), [0xFF, 0x7C], Array("select 1; select 2;".utf8)],
    ]

    @Test("dot-commands given as arguments: the bytes given", arguments: argumentRuns.indices)
    func arguments(_ index: Int) throws {
        try withTemporaryDirectory { dir in
            var results: [ByteResult] = []
            for (side, program) in [("sqlite3", [sqlite3Binary, "-init", "/dev/null"]), ("migsh", [migshBinary, "--noinit"])] {
                let folder = dir + "/" + side
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                // A table named t\xe9 (Latin-1), made by sqlite3 from printf's octal escape.
                let made = try runProcess("/bin/sh", ["-c", #"printf 'create table "t\351"(a);' | sqlite3 "$1""#, "sh", folder + "/db"])
                #expect(made.status == 0, "\(made)")
                var words = Self.argumentRuns[index]
                // Options (-cmd, -separator…, each with its value) go before the database, the commands after it.
                var leading: [[UInt8]] = []
                while words.first?.first == UInt8(ascii: "-") { leading += words.prefix(2); words.removeFirst(2) }
                results.append(try Self.run(program, leading + [Array("db".utf8)] + words, in: folder))
            }
            let (theirs, ours) = (results[0], results[1])
            #expect(ours.stdout == theirs.stdout, "migsh:\n\(ours.stdoutDescription)\nsqlite3:\n\(theirs.stdoutDescription)")
            #expect(ours.stderrBytes == theirs.stderrBytes, "migsh:\n\(ours.stderrDescription)\nsqlite3:\n\(theirs.stderrDescription)")
            #expect(ours.status == theirs.status)
            let (mine, reference) = (try Self.listing(dir + "/migsh"), try Self.listing(dir + "/sqlite3"))
            #expect(mine == reference)
        }
    }

    /// migsh's verified `.backup FILE` and `.restore FILE` take a name that is not UTF-8: the
    /// backup (and its manifest) is made under the bytes given, the line saying so prints them,
    /// and restoring it brings back the rows it holds (python3 reads the file by its bytes).
    @Test("the verified .backup and .restore of a name that is not UTF-8 keep its bytes")
    func verifiedBackupAndRestoreKeepBytes() throws {
        try withTemporaryDirectory { dir in
            _ = sqlite(dir + "/db", "create table t(a); insert into t values(1)")
            let name: [UInt8] = Array("n".utf8) + [0xE9] + Array(".db".utf8)
            let script = Array(".backup ".utf8) + name + Array("\ninsert into t values(2);\n.restore ".utf8) + name
                + Array(" --yes\nselect count(*) from t;\n".utf8)
            let result = try runCollectingBytes(migshBinary, ["--noinit", "db"], stdin: Data(script), in: dir)
            #expect(result.status == 0, "\(result)")
            #expect(result.stderrBytes.isEmpty, "\(result)")
            #expect(Array(result.stdout).starts(with: Array("backup: ".utf8) + name + Array(" (".utf8)), "\(result)")
            #expect(result.stdout.suffix(2) == Data("1\n".utf8), "\(result)")
            let program = """
                import os, sqlite3, sys
                os.chdir(sys.argv[1])
                names = sorted(n for n in os.listdir(b'.') if n.startswith(b'n'))
                print(' '.join(n.hex() for n in names))
                print(sqlite3.connect(b'n\\xe9.db').execute('select group_concat(a) from t').fetchone()[0])
                """
            let listed = try runProcess("/usr/bin/env", ["python3", "-c", program, dir])
            #expect(listed.status == 0, "\(listed)")
            #expect(listed.stdout == "\(Self.hex(name)) \(Self.hex(name + Array(".json".utf8)))\n1\n", "\(listed)")
        }
    }

    // MARK: Helpers

    /// Every file in `folder` (not the runner's own: the database, its audit log and backups,
    /// the redirected streams, the fixture files), as `NAME-HEX CONTENT-HEX` lines, from python3.
    static func listing(_ folder: String) throws -> [String] {
        let program = """
            import os, sqlite3, sys
            os.chdir(sys.argv[1])
            skip = (b'db', b'stdin-', b'stdout-', b'stderr-', b'snapshots', b'good.csv', b'dup.csv', b'bom.csv', b'rows.txt')
            for n in sorted(os.listdir(b'.')):
                if n.startswith(skip): continue
                if os.path.isdir(n): print(n.hex(), 'dir', ' '.join(sorted(m.hex() for m in os.listdir(n))))
                elif n.endswith(b'.db'):
                    # A database: its objects' names, as hex (the file's bytes differ in header counters).
                    c = sqlite3.connect(n)
                    print(n.hex(), 'database', ' '.join(r[0] for r in c.execute("select hex(name) from sqlite_master order by name")))
                else: print(n.hex(), open(n, 'rb').read().hex())
            """
        let result = try runProcess("/usr/bin/env", ["python3", "-c", program, folder])
        guard result.status == 0 else { throw EndToEndError.failed("python3 listing", result) }
        return result.stdout.split(separator: "\n").map(String.init)
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Runs `program` with `arguments` given as bytes (printf's octal escapes through /bin/sh:
    /// no byte is ever text on the way).
    static func run(_ program: [String], _ arguments: [[UInt8]], in dir: String) throws -> ByteResult {
        let escaped = arguments.map { "\"$(printf '" + $0.map { String(format: "\\%03o", $0) }.joined() + "')\"" }.joined(separator: " ")
        return try runCollectingBytes("/bin/sh", ["-c", "exec \"$@\" " + escaped, "sh"] + program, stdin: Data(), in: dir)
    }
}
