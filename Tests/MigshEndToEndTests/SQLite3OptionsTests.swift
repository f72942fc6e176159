import Foundation
import MigshTestSupport
import Testing

/// Issue 22: scripts written for sqlite3 run unchanged. Every option of sqlite3 3.40
/// (`sqlite3 -help`) goes through the built migsh and through /usr/bin/sqlite3 with the same
/// arguments and input, each in its own folder on its own copy of one database (so relative
/// paths print the same); standard output, standard error and the exit status are compared
/// byte for byte.
@Suite("sqlite3's command-line options: migsh answers as sqlite3 does")
struct SQLite3OptionsTests {
    /// One command line. `DB` in `arguments` is the database (`db.sqlite` in each folder);
    /// `files` are written into both folders first.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var arguments: [String]
        var stdin = "select * from t order by a;\n"
        var files: [String: String] = [:]
        var testDescription: String { name }
    }

    static let modes = ["ascii", "box", "column", "csv", "html", "json", "line", "list", "markdown", "quote", "table", "tabs"]

    static let cases: [Case] =
        modes.map { Case(name: "-\($0) -header", arguments: ["-\($0)", "-header", "DB"]) }
        + modes.map { Case(name: "--\($0)", arguments: ["--\($0)", "DB"]) }
        + [
            Case(name: "-batch runs the script", arguments: ["-batch", "DB"],
                 stdin: "create table n(x);\ninsert into n values (1), (2);\nselect sum(x) from n;\n.tables\n"),
            Case(name: "--batch", arguments: ["--batch", "DB"]),
            Case(name: "-bail stops at the first error", arguments: ["-bail", "DB"], stdin: "select 1;\nselec 2;\nselect 3;\n"),
            Case(name: "-header then -noheader: the last wins", arguments: ["-header", "-noheader", "DB"]),
            Case(name: "-noheader with -column", arguments: ["-column", "-noheader", "DB"]),
            Case(name: "-echo", arguments: ["-echo", "DB"], stdin: "select 1;\n.print two\nselect a\n  from t order by a;\n"),
            Case(name: "-echo does not echo COMMAND arguments", arguments: ["-echo", "DB", "select 1", ".print two"]),
            Case(name: "-separator and -newline", arguments: ["-separator", " :: ", "-newline", "<EOR>\n", "DB"]),
            Case(name: "-separator with a value that looks like an option", arguments: ["-separator", "-", "DB"]),
            Case(name: "--separator after -csv", arguments: ["-csv", "--separator", ";", "DB"]),
            Case(name: "-csv after -separator resets it", arguments: ["-separator", ";", "-csv", "DB"]),
            Case(name: "-nullvalue", arguments: ["-nullvalue", "(null)", "DB"]),
            Case(name: "--nullvalue empty", arguments: ["--nullvalue", "", "-csv", "DB"]),
            Case(name: "-cmd runs before the input, in order, with the modes set so far",
                 arguments: ["-cmd", "select 1, 2", "-csv", "-cmd", "select 3, 4", "--cmd", ".print from-cmd", "DB"]),
            Case(name: "-cmd before COMMAND arguments", arguments: ["-cmd", "create temp table c(x)", "DB", "insert into c values (7)", "select * from c"]),
            Case(name: "options after the database and between commands",
                 arguments: ["DB", "-header", "select a, b from t order by a", "-csv", ".print end"]),
            Case(name: "-init FILE runs before the options are applied",
                 arguments: ["-init", "init.sql", "-json", "DB"], files: ["init.sql": ".mode csv\n.headers on\nselect 'from init';\n"]),
            Case(name: "-init with a missing file goes on", arguments: ["-init", "missing.sql", "DB", "select 1"]),
            Case(name: "-init FILE: .exit N there ends the run with N, before the input",
                 arguments: ["-init", "init.sql", "DB"], files: ["init.sql": ".print a\n.exit 6\n.print b\n"]),
            Case(name: "-init FILE: .exit N there ends the run before COMMAND arguments",
                 arguments: ["-init", "init.sql", "DB", "select 8"], files: ["init.sql": ".print a\n.exit 6\n"]),
            Case(name: "-init FILE: .quit there ends only the file, the input runs",
                 arguments: ["-init", "init.sql", "DB"], files: ["init.sql": ".mode csv\n.quit\n.mode json\n"]),
            Case(name: "-bail -init FILE: an error there ends the run before the input",
                 arguments: ["-bail", "-init", "init.sql", "DB"], files: ["init.sql": ".mode box\n.mode nosuch\nselect 1;\n"]),
            Case(name: "-bail -cmd .quit: the run ends there, exit 0", arguments: ["-bail", "-cmd", ".quit", "DB", "select 5"]),
            Case(name: "a COMMAND argument .read of a file ending in .quit: the next argument runs",
                 arguments: ["DB", ".read q.sql", "select 4"], files: ["q.sql": "select 1;\n.quit\nselect 2;\n"]),
            Case(name: "-readonly refuses writes (with -bail: migsh bails in batch mode by default)", arguments: ["-readonly", "-bail", "DB"], stdin: "insert into t values (9, 'x', 0.5);\nselect count(*) from t;\n"),
            Case(name: "-safe: .shell ends the run", arguments: ["-safe", "DB"], stdin: "select 1;\n.shell echo hi\nselect 2;\n"),
            Case(name: "-safe: .output to a file", arguments: ["--safe", "DB"], stdin: "select 1;\n.output out.txt\nselect 2;\n"),
            Case(name: "-safe: .once as a COMMAND argument",
                 arguments: ["-safe", "DB", ".print ok", ".once x.txt"]),
            Case(name: "-safe: .read", arguments: ["-safe", "DB"], stdin: ".read other.sql\n", files: ["other.sql": "select 1;\n"]),
            Case(name: "-safe: .import", arguments: ["-safe", "DB"], stdin: "\n\n.import data.csv t\n", files: ["data.csv": "1,2,3\n"]),
            Case(name: "-safe: .open of a file", arguments: ["-safe", "DB"], stdin: ".open :memory:\nselect 1;\n.open other.db\n"),
            Case(name: "-safe: ATTACH", arguments: ["-safe", "DB"], stdin: "select 1;\nattach 'x.db' as x;\nselect 2;\n"),
            Case(name: "-safe: .auth on prints nothing, ATTACH still ends the run", arguments: ["-safe", "DB"], stdin: ".auth on\nselect 1;\n.auth off\nattach 'x.db' as x;\nselect 2;\n"),
            Case(name: "-safe: VACUUM INTO on two lines", arguments: ["-safe", "DB"], stdin: "select 1;\nvacuum\ninto 'v.db';\nselect 2;\n"),
            Case(name: "-safe: load_extension()", arguments: ["-safe", "DB", "select load_extension('x')"]),
            Case(name: "-safe allows SQL and harmless dot-commands", arguments: ["-safe", "DB"],
                 stdin: ".headers on\n.mode csv\nselect * from t order by a;\n.tables\n"),
            Case(name: "-nonce and .nonce lift safe mode for one dot-command",
                 arguments: ["-safe", "-cmd", ".nonce n0nce", "-cmd", ".print lifted", "-cmd", ".shell echo refused", "-nonce", "n0nce", "DB"]),
            Case(name: "-safe: readfile() ends the run", arguments: ["-safe", "DB"],
                 stdin: "select 1;\nselect readfile('db.sqlite') is not null;\nselect 2;\n"),
            Case(name: "-safe: writefile() as a COMMAND argument", arguments: ["-safe", "DB", "select 1", "select writefile('w.txt', 'x')", "select 2"]),
            Case(name: "-safe: edit()", arguments: ["-safe", "DB"], stdin: "select edit('a', 'true');\n"),
            Case(name: "-safe: readfile() inside a view's query is refused as well", arguments: ["-safe", "DB"],
                 stdin: "select 1;\nselect x from (select readfile('db.sqlite') is null as x);\n"),
            Case(name: "-nonce and .nonce lift safe mode for the next SQL only (readfile())", arguments: ["-safe", "-nonce", "abc", "DB"],
                 stdin: ".nonce abc\nselect readfile('db.sqlite') is not null;\nselect 2;\nselect readfile('db.sqlite') is not null;\nselect 3;\n"),
            Case(name: "-safe allows completion()", arguments: ["-safe", "DB"],
                 stdin: "select candidate from completion('sel');\n"),
            Case(name: "-safe: a wrong .nonce ends the run", arguments: ["-safe", "-nonce", "right", "DB"], stdin: "select 1;\n.nonce wrong\nselect 2;\n"),
            Case(name: "-version", arguments: ["-version"]),
            Case(name: "--version after a database that does not exist", arguments: ["missing.db", "-version"]),
            Case(name: "-vfs unix-dotfile", arguments: ["-vfs", "unix-dotfile", "DB"]),
            Case(name: "-vfs with no such VFS", arguments: ["-vfs", "no-such-vfs", "DB"]),
            Case(name: "-mmap, -lookaside, -pagecache", arguments: ["-mmap", "1MiB", "-lookaside", "128", "50", "-pagecache", "4096", "16", "DB"]),
            Case(name: "-eqp", arguments: ["-eqp", "DB"], stdin: "select * from t where a > 1;\n"),
            Case(name: "-eqpfull", arguments: ["-eqpfull", "DB"], stdin: "select * from t where a > 1;\n"),
            Case(name: "SQL errors of COMMAND arguments", arguments: ["DB", "select 1; selec 2", "select 3"]),
            Case(name: "an SQL error of -cmd under -bail", arguments: ["-bail", "-cmd", "select * from nosuch", "DB", "select 2"]),
            Case(name: "-batch with :memory:", arguments: ["-batch", ":memory:"], stdin: "create table m(x);\ninsert into m values (42);\nselect * from m;\n"),
            Case(name: "an empty database name", arguments: ["", "create table e(x)", "insert into e values (1)", "select * from e"]),
        ]

    /// The database both programs read.
    static func makeFixture(_ db: String) {
        _ = sqlite(db, """
            create table t(a integer primary key, b text, c real);
            insert into t values (1, 'one', 1.5), (2, null, null), (3, 'with, comma and | pipe', -0.25), (4, 'line1' || char(10) || 'line2', 1e20);
            """)
    }

    /// Runs `arguments` through migsh (with --noinit first) and sqlite3, each in its own folder.
    /// `sqlite3Arguments`: sqlite3's own, where they are not migsh's (`--no-bail`).
    static func runBoth(_ c: Case, in dir: String, sqlite3Arguments: [String]? = nil) throws -> (ours: ByteResult, theirs: ByteResult) {
        var results: [ByteResult] = []
        for (program, prefix) in [(migshBinary, ["--noinit"]), (sqlite3Binary, [])] {
            let folder = dir + (program == migshBinary ? "/migsh" : "/sqlite3")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            makeFixture(folder + "/db.sqlite")
            for (name, text) in c.files { try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + name)) }
            let given = program == sqlite3Binary ? sqlite3Arguments ?? c.arguments : c.arguments
            let arguments = prefix + given.map { $0 == "DB" ? "db.sqlite" : $0 }
            results.append(try runCollectingBytes(program, arguments, stdin: Data(c.stdin.utf8), in: folder))
        }
        return (results[0], results[1])
    }

    @Test("stdout, stderr and exit status are sqlite3's", arguments: cases)
    func sameAsSQLite3(_ c: Case) throws {
        try withTemporaryDirectory { dir in
            let (ours, theirs) = try Self.runBoth(c, in: dir)
            Self.expectSame(ours, theirs)
        }
    }

    /// The one check of these tests: the exit status, standard output and standard error.
    static func expectSame(_ ours: ByteResult, _ theirs: ByteResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(ours.status == theirs.status, "migsh:\n\(ours)\nsqlite3:\n\(theirs)", sourceLocation: sourceLocation)
        #expect(ours.stdout == theirs.stdout, "migsh:\n\(ours.stdoutDescription)\nsqlite3:\n\(theirs.stdoutDescription)", sourceLocation: sourceLocation)
        #expect(ours.stderr == theirs.stderr, "migsh:\n\(ours.stderr)\nsqlite3:\n\(theirs.stderr)", sourceLocation: sourceLocation)
    }

    /// sqlite3 without -bail against migsh with --no-bail (migsh bails in batch mode by default).
    static let noBailCases: [Case] = [
        Case(name: "-cmd .quit is ignored: the input runs", arguments: ["-cmd", ".quit", "-cmd", ".print after", "DB"]),
        Case(name: "-cmd .quit before a COMMAND argument", arguments: ["-cmd", ".quit", "DB", "select 5"]),
    ]

    @Test("without bail, as sqlite3 without -bail: stdout, stderr and exit status are sqlite3's", arguments: noBailCases)
    func sameAsSQLite3WithoutBail(_ c: Case) throws {
        try withTemporaryDirectory { dir in
            let (ours, theirs) = try Self.runBoth(Case(name: c.name, arguments: ["--no-bail"] + c.arguments, stdin: c.stdin, files: c.files), in: dir,
                                                  sqlite3Arguments: c.arguments)
            Self.expectSame(ours, theirs)
        }
    }

    @Test("-safe: nothing the refused commands would write exists afterwards")
    func safeModeWritesNothing() throws {
        try withTemporaryDirectory { dir in
            let c = Case(name: "", arguments: ["-safe", "DB"], stdin: ".once once.txt\nselect 1;\n")
            let (ours, theirs) = try Self.runBoth(c, in: dir)
            #expect(ours.status == 1 && theirs.status == 1)
            #expect(!FileManager.default.fileExists(atPath: dir + "/migsh/once.txt"))
            for stray in ["x.txt", "v.db", "x.db", "out.txt"] {
                #expect(!FileManager.default.fileExists(atPath: dir + "/migsh/" + stray))
            }
        }
    }

    @Test("-stats prints sqlite3's statistics lines after each statement (the figures vary)")
    func stats() throws {
        try withTemporaryDirectory { dir in
            let (ours, theirs) = try Self.runBoth(Case(name: "", arguments: ["-stats", "DB"], stdin: "select count(*) from t;\n"), in: dir)
            func labels(_ r: ByteResult) -> [String] {
                String(decoding: r.stdout, as: UTF8.self).split(separator: "\n").map { $0.split(separator: ":").first.map(String.init) ?? "" }
            }
            #expect(ours.status == 0 && theirs.status == 0, "\(ours)\n\(theirs)")
            #expect(labels(ours) == labels(theirs), "migsh:\n\(ours)\nsqlite3:\n\(theirs)")
        }
    }

    @Test("-nofollow refuses a database that is a symbolic link, as sqlite3 does")
    func noFollow() throws {
        try withTemporaryDirectory { dir in
            Self.makeFixture(dir + "/real.sqlite")
            try FileManager.default.createSymbolicLink(atPath: dir + "/link.sqlite", withDestinationPath: "real.sqlite")
            let refused = try runCollectingBytes(migshBinary, ["--noinit", "-nofollow", "link.sqlite", "select count(*) from t"], stdin: Data(), in: dir)
            let theirs = try runCollectingBytes(sqlite3Binary, ["-nofollow", "link.sqlite", "select count(*) from t"], stdin: Data(), in: dir)
            #expect(theirs.status == 1)
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stdout.isEmpty && refused.stderr.contains("unable to open database file"), "\(refused)")
            let followed = try runCollectingBytes(migshBinary, ["--noinit", "link.sqlite", "select count(*) from t"], stdin: Data(), in: dir)
            #expect(followed.status == 0 && followed.stdout == Data("4\n".utf8), "\(followed)")
        }
    }

    /// Options sqlite3 has that migsh cannot honour: an `Error:` line, exit 1, nothing run —
    /// never the help and exit 0.
    @Test("unsupported sqlite3 options are refused with an Error, exit 1",
          arguments: [["-A", "-t"], ["--zip"], ["-deserialize"], ["-maxsize", "100"], ["-memtrace"], ["-heap", "100"]])
    func refused(_ options: [String]) throws {
        try withTemporaryDirectory { dir in
            Self.makeFixture(dir + "/db.sqlite")
            let before = dump(dir + "/db.sqlite")
            let r = try runCollectingBytes(migshBinary, ["--noinit"] + options + ["db.sqlite", "delete from t"], stdin: Data(), in: dir)
            #expect(r.status == 1, "\(r)")
            #expect(r.stdout.isEmpty, "\(r)")
            #expect(r.stderr.hasPrefix("migsh: Error: \(options[0]) is not supported: "), "\(r)")
            #expect(dump(dir + "/db.sqlite") == before)
        }
    }

    @Test("a one-dash word that is no option is an unknown option (exit 2), never short flags and the help",
          arguments: ["-bogus", "-hb", "-batchx"])
    func unknownOneDashWord(_ word: String) throws {
        try withTemporaryDirectory { dir in
            Self.makeFixture(dir + "/db.sqlite")
            let r = try runCollectingBytes(migshBinary, ["--noinit", word, "db.sqlite"], stdin: Data("select 1;\n".utf8), in: dir)
            #expect(r.status == 2, "\(r)")
            #expect(r.stdout.isEmpty, "\(r)")
            #expect(r.stderr.contains("unknown option: \(word)"), "\(r)")
        }
    }

    @Test("an option without its value: sqlite3's message, exit 1", arguments: ["-cmd", "-separator", "--nullvalue", "-init", "-vfs"])
    func missingValue(_ option: String) throws {
        try withTemporaryDirectory { dir in
            let r = try runCollectingBytes(migshBinary, ["--noinit", "db.sqlite", option], stdin: Data(), in: dir)
            #expect(r.status == 1, "\(r)")
            #expect(r.stderr == "migsh: Error: missing argument to \(option)\n", "\(r)")
        }
    }

    @Test("-help prints migsh's help with sqlite3's options, exit 0")
    func help() throws {
        let r = try migsh(["-help"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("SQLITE3'S OPTIONS") && r.stdout.contains("-cmd COMMAND"), "\(r)")
    }

    @Test("-interactive without a terminal is refused, exit 1")
    func interactiveNeedsATerminal() throws {
        let r = try migsh(["-interactive", ":memory:"], script: "select 1;\n")
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.isEmpty && r.stderr.contains("Error: -interactive"), "\(r)")
    }

    /// `:memory:` and "" need no --create and leave nothing behind: no audit log, no history,
    /// no backups folder, no cache — in the folder, in HOME, or in the XDG folders.
    @Test("a temporary database writes no files", arguments: [":memory:", ""])
    func temporaryDatabaseWritesNoFiles(_ name: String) throws {
        try withTemporaryDirectory { dir in
            let home = dir + "/home"
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            func listing() -> [String] { (FileManager.default.subpaths(atPath: dir) ?? []).sorted() }
            let before = listing()
            let environment = ["HOME": home, "XDG_STATE_HOME": home + "/state", "XDG_CACHE_HOME": home + "/cache",
                               "XDG_CONFIG_HOME": home + "/config"]
            let arguments = try migsh([name, "create table x(a)", "insert into x values (1)", "select * from x"],
                                      environment: environment, cwd: dir)
            let script = try runProcess(migshBinary, ["--noinit", "-batch", name], stdin: Data("create table y(b);\ninsert into y values (2);\nselect * from y;\n".utf8),
                                        environment: environment, cwd: dir)
            #expect(arguments.status == 0 && arguments.stdout == "1\n" && arguments.stderr.isEmpty, "\(arguments)")
            #expect(script.status == 0 && script.stdout == "2\n" && script.stderr.isEmpty, "\(script)")
            #expect(listing() == before, "files appeared: \(Set(listing()).subtracting(before).sorted())")
        }
    }

    @Test("an interactive session on :memory: writes no history and asks nothing")
    func interactiveMemoryWritesNoFiles() throws {
        try withTemporaryDirectory { dir in
            func listing() -> [String] { (FileManager.default.subpaths(atPath: dir) ?? []).sorted() }
            let before = listing()
            try withTerminal(environment: ["HOME": dir, "NO_COLOR": "1", "XDG_CONFIG_HOME": dir + "/config",
                                           "XDG_STATE_HOME": dir + "/state", "XDG_CACHE_HOME": dir + "/cache"], cwd: dir) { terminal in
                try terminal.launch(["--noinit", ":memory:"])
                _ = try terminal.waitFor(":memory: v")
                try terminal.typeLine("select 6 * 7;")
                _ = try terminal.waitFor("\n42")
                try terminal.typeLine(".quit")
                #expect(try terminal.exitStatus() == 0)
            }
            #expect(listing() == before, "files appeared: \(Set(listing()).subtracting(before).sorted())")
        }
    }
}
