import Foundation
import Testing

/// `.expert`, sqlite3 3.40's index advisor: each script goes through the built migsh and
/// /usr/bin/sqlite3 (which has it) on copies of the same database (SQLiteCommandsTests'
/// fixture), and standard output, standard error and the exit status must be the same:
/// the candidate indexes, their hashed names, the plans, the statistics of `-sample`, and
/// sqlite3's messages.
@Suite(".expert: sqlite3's index advisor, byte for byte")
struct ExpertCommandTests {
    typealias Case = SQLiteCommandsTests.Case

    static let corpus: [Case] = [
        Case(name: "equality, several columns, ranges, operators counted as ranges, ORDER BY, DESC", script: #"""
            create table e(a, b, c, d);
            .expert
            select * from e where a = 1;
            .expert
            select * from e where a = 1 and b = 2;
            .expert
            select * from e where b = ? and a = ? and c = 3 and a = 4;
            .expert
            select * from e where a > 1;
            .expert
            select * from e where a = 1 and b between 2 and 5;
            .expert
            select * from e where a = 1 and b > 2 and c < 3;
            .expert
            select * from e where a != 1 and b is null and c glob 'x*' and d like 'y%';
            .expert
            select * from e where a is not null and b is 3 and c in (1,2,3);
            .expert
            select * from e order by b;
            .expert
            select * from e where a = 1 order by b desc, c;
            .expert
            select a from e where b = 1 order by a collate nocase;
            .expert
            select * from e order by rowid, a;

            """#, sameErrors: true),
        Case(name: "joins, subqueries, collations, existing indexes that serve, views, quoted and non-ASCII names, a virtual table", script: #"""
            create table f(x, y, z collate nocase);
            create table "té"(a, "cé", "select");
            .expert
            select * from t2, f where t2.x = f.x and f.y > 5 order by t2.y desc, f.z;
            .expert
            select * from t2 left join f on f.y = t2.y where t2.x = 3;
            .expert
            select * from t2 where x in (select y from f where z = 'a');
            .expert
            select * from f where z = 'abc';
            .expert
            select * from f where x = 'abc' collate nocase and y collate rtrim = 'b';
            .expert
            select * from f where z = 'abc' collate binary order by y desc;
            .expert
            select * from t1 where b = 'x';
            .expert
            select * from t1 where a = 1;
            .expert
            select * from wr where k = 'k1';
            .expert
            select * from nested where a = 1 and b = 'x';
            .expert
            select * from v1 where c > 1 and e = 2;
            .expert
            select * from "select" where "y z" = 1 and "a""b" > 2;
            .expert
            select * from "té" where "cé" = 1 and "select" = 2;
            .expert
            select * from g where b = 10 and d = 'dd';
            .expert
            select * from ft where ft match 'hello';
            .expert
            select * from ipd where id = 8 or v = 'b';

            """#, sameErrors: true),
        Case(name: "several statements in one chunk, -verbose, -sample 100, writes, errors, bad options, a dot-command cancelling, a statement over lines", script: #"""
            create table s(a, b, c);
            insert into s select value % 10, value % 3, value from generate_series(1, 200);
            create index s_c on s(c);
            .expert -sample 100 -verbose
            select * from s where a = 1 and b = 2; select * from s where b > 1 order by a; select * from s where c = 5;
            .expert -verbose
            select 1;
            .expert -verbose
            ;
            .expert -v
            insert into t1(b) values('x');
            .expert
            update t2 set y = 'z' where x = 1;
            .expert
            delete from t2 where y = 'one';
            .expert
            create index zz on t2(x);
            .expert
            select * from t2 where nosuch = 1;
            select 'after error';
            .expert -foo
            select 'unknown option';
            .expert --sample
            select 'missing';
            .expert -sample 101
            select 'range';
            .expert -sam -1
            select 'range2';
            .expert -sample abc
            select * from t2 where x = 1;
            .expert
            .print cancelled
            select 'runs';
            .expert
            select * from t2 where x = 1
             and y = 2;
            select 'runs too';
            .expert

            """#, sameErrors: true),
        Case(name: "writes that fire triggers, a name already taken, session settings unchanged (.mode box, .headers, .changes, .once)", script: #"""
            create table tt(a, b);
            create table log(x, y);
            create trigger tt_ins after insert on tt begin insert into log select a, b from tt where b = new.a; end;
            create trigger log_ins after insert on log begin delete from tt where a = new.y; end;
            create view vw as select * from tt;
            create trigger vw_ins instead of insert on vw begin insert into tt values(new.a, new.b); end;
            create table e_idx_00000061(q);
            create table e(a, b);
            .expert -verbose
            insert into tt values(1, 2);
            .expert
            insert into vw values(1, 2);
            .expert
            update tt set b = 3 where a = 1;
            .expert
            select * from e where a = 1;
            .mode box
            .headers on
            .changes on
            .expert
            select * from e where b = 1;
            select 1 as one, 'x' as two;
            .changes off
            .once out.txt
            .expert
            select * from e where b = 2;
            select 'after once';
            .mode list
            create table s(a, b, c);
            create index s_expr on s(a + b);
            insert into s values(1, '', null), (1, '', null), (2, 'x', x''), (2, 'x', x'00');
            create table empty(a, b);
            .expert -sample 100 -verbose
            select * from s where b = 'x' and c is null;
            .expert -sample 100 -verbose
            select * from empty where a = 1;

            """#, sameErrors: true),
        Case(name: "-sample 100 statistics over NULLs, empty texts and blobs, numbers, an empty table; -sample 0", script: #"""
            create table s(a, b, c);
            insert into s values(1, '', null), (1, '', null), (2, 'x', x''), (2, 'x', x'00'), (3, 1.5, 1), (3, 1.5, 1.0), (null, null, 'a');
            create index s_bc on s(b, c);
            create table empty(a, b);
            .expert -sample 100 -verbose
            select * from s where b = 'x' and c is null; select * from s where a = 1 order by c;
            .expert -sample 100 -verbose
            select * from empty where a = 1;
            .expert -sample 0
            select * from s where a = 2;

            """#, sameErrors: true),
        Case(name: "names that are not UTF-8: their bytes, and the signed-char hash of the index name", latin1: """
            create table "t\u{e9}"(a, "c\u{e9}\u{ff}");
            .expert -verbose
            select * from "t\u{e9}" where "c\u{e9}\u{ff}" = 1 and a > 2;

            """),
        Case(name: "-sample 50 on a one-row table (the sample keeps the first row); the input ending with .expert pending", script: """
            create table one(a, b);
            insert into one values(1, 2);
            .expert -sample 50 -verbose
            select * from one where a = 1 and b > 0;
            .expert
            select * from t2 where y = 'x'
            """, sameErrors: true),
    ]

    @Test("migsh advises what sqlite3 advises", arguments: corpus)
    func sameOutput(_ input: Case) throws {
        try SQLiteCommandsTests.expectSameOutput(input)
    }

    /// Runs both programs with their arguments, each in a folder of its own holding a copy of
    /// the fixture named `db`.
    static func runBoth(_ arguments: (sqlite3: [String], migsh: [String]), stdin: String = "", in dir: String) throws -> (ByteResult, ByteResult) {
        let source = dir + "/fixture.sqlite"
        _ = sqlite(source, SQLiteCommandsTests.fixture)
        var results: [ByteResult] = []
        for (side, program, words) in [("sqlite3", sqlite3Binary, arguments.sqlite3), ("migsh", migshBinary, arguments.migsh)] {
            let folder = dir + "/" + side
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: source, toPath: folder + "/db")
            results.append(try runCollectingBytes(program, words, stdin: Data(stdin.utf8), in: folder))
        }
        return (results[0], results[1])
    }

    static func expectSame(_ theirs: ByteResult, _ ours: ByteResult, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(ours.stdout == theirs.stdout && ours.stderrBytes == theirs.stderrBytes && ours.status == theirs.status,
                "\(what)\nmigsh (exit \(ours.status)):\n\(ours.stdoutDescription)\(ours.stderrDescription)\nsqlite3 (exit \(theirs.status)):\n\(theirs.stdoutDescription)\(theirs.stderrDescription)",
                sourceLocation: sourceLocation)
    }

    @Test("as COMMAND arguments: the advice for the next argument; an error or a bad option as sqlite3 says them there",
          arguments: [[".expert", "select * from t2 where x = 1", "select 2"], [".expert", "select * from t2 where nosuch = 1", "select 2"],
                      [".expert -bogus", "select 3"]])
    func commandArguments(_ words: [String]) throws {
        try withTemporaryDirectory { dir in
            let (theirs, ours) = try Self.runBoth((["-init", "/dev/null", "db"] + words, ["--noinit", "db"] + words), in: dir)
            Self.expectSame(theirs, ours, "\(words)")
        }
    }

    @Test("-safe refuses it as sqlite3 does, naming the command as typed, and the script goes on (without bail)",
          arguments: [(".expert", "expert"), (".expe", "expe"), (".exper -verbose", "exper"), (".\"expert\"", "expert"), (". 'expe'", "expe")])
    func safeMode(_ command: String, _ named: String) throws {
        try withTemporaryDirectory { dir in
            let script = command + "\nselect * from t2 where x = 1;\n"
            let (theirs, ours) = try Self.runBoth((["-init", "/dev/null", "-safe", "db"], ["--noinit", "--no-bail", "-safe", "db"]), stdin: script, in: dir)
            Self.expectSame(theirs, ours, "-safe \(command)")
            #expect(theirs.stderr == "Cannot run experimental commands such as \"\(named)\" in safe mode\n")
            #expect(theirs.status == 1)
        }
    }

    /// sqlite3's `.timer` line with its figures masked: the times vary from run to run.
    static func maskingRunTimes(_ output: Data) -> String {
        String(decoding: output, as: UTF8.self).replacing(#/Run Time: real [0-9]+\.[0-9]{3} user [0-9]+\.[0-9]{6} sys [0-9]+\.[0-9]{6}\n/#,
                                                          with: "Run Time: real R user U sys S\n")
    }

    @Test(".timer on: sqlite3's Run Time line after the advice, and before an analysis's error; .changes after it")
    func timer() throws {
        try withTemporaryDirectory { dir in
            let script = """
                .timer on
                .expert
                select * from t2 where x = 1;
                .expert -verbose
                select * from t2 where y > 2 order by x;
                .expert
                select * from nosuch;
                .changes on
                .expert
                select * from t2 where y = 1;
                select 'after';

                """
            let (theirs, ours) = try Self.runBoth((["-init", "/dev/null", "db"], ["--noinit", "--no-bail", "db"]), stdin: script, in: dir)
            let mine = Self.maskingRunTimes(ours.stdout), reference = Self.maskingRunTimes(theirs.stdout)
            #expect(mine == reference, "migsh:\n\(mine)\nsqlite3:\n\(reference)")
            #expect(reference.components(separatedBy: "Run Time: real R user U sys S\n").count == 6, "sqlite3:\n\(reference)")
            #expect(ours.stderrBytes == theirs.stderrBytes && ours.status == theirs.status,
                    "migsh (exit \(ours.status)):\n\(ours.stderrDescription)\nsqlite3 (exit \(theirs.status)):\n\(theirs.stderrDescription)")
        }
    }

    @Test("the advisor's databases are private: the user's file is byte for byte as before, and no file is made beside it")
    func userDatabaseUntouched() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/data"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let db = folder + "/db"
            _ = sqlite(db, SQLiteCommandsTests.fixture + "\ncreate table s(a, b);\ninsert into s select value % 7, value from generate_series(1, 50);\n")
            let before = try Data(contentsOf: URL(fileURLWithPath: db))
            let listing = try FileManager.default.contentsOfDirectory(atPath: folder)
            let script = ".expert -sample 100 -verbose\nselect * from s where a = 1 order by b;\n.expert -sample 40\nselect * from s where b > 3;\n"
                + ".expert\ninsert into t1(b) values('x');\nselect count(*) from s;\n"
            let result = try runCollectingBytes(migshBinary, ["--noinit", "--audit", dir + "/audit.jsonl", "db"], stdin: Data(script.utf8), in: folder)
            #expect(result.status == 0, "\(result.stderr)")
            // The statistics are read from the user's rows: 50 rows, 7 values of a (about 7 rows each).
            let stdout = String(decoding: result.stdout, as: UTF8.self)
            #expect(stdout.contains("CREATE INDEX s_idx_00000061 ON s(a); -- stat1: 50 ") && stdout.hasSuffix("\n50\n"),
                    "\(result.stdoutDescription)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
            #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder)) == Set(listing))
        }
    }

    @Test("at the prompt (a terminal): the advice for the next statement, an error worded as sqlite3 words it there, then SQL runs again")
    func atThePrompt() throws {
        var screens: [String] = []
        for binary in [sqlite3Binary, migshBinary] {
            try withTemporaryDirectory { dir in
                _ = sqlite(dir + "/db", SQLiteCommandsTests.fixture)
                try withTerminal(environment: ["HOME": dir, "NO_COLOR": "1", "MIGSH_HISTORY": dir + "/history"], cwd: dir) { terminal in
                    try terminal.launch(binary == migshBinary ? ["--noinit", "-m", dir, "db"] : ["-init", "/dev/null", "db"], binary: binary)
                    let prompt = binary == migshBinary ? "db v0> " : "sqlite> "
                    try terminal.waitUntil("a prompt") { $0.contains(prompt) }
                    // Each line after the previous one's prompt: typed ahead, a line's echo could
                    // land between the output of the one before (as a person would not type).
                    for line in [".expert", "select * from t2 where x = 1;", ".expert", "select nosuch from t2;", "select 40 + 2;"] {
                        let before = occurrences(of: prompt, in: try terminal.screen())
                        try terminal.typeLine(line)
                        _ = try terminal.waitUntil("the prompt after \(line)", timeout: 30) { occurrences(of: prompt, in: $0) > before }
                    }
                    screens.append(try terminal.waitFor("\n42\n"))
                }
            }
        }
        for expected in ["CREATE INDEX t2_idx_00000078 ON t2(x);", "SEARCH t2 USING INDEX t2_idx_00000078 (x=?)", "\nError: no such column: nosuch\n"] {
            #expect(screens.allSatisfy { $0.contains(expected) }, "\(expected.debugDescription)\nsqlite3:\n\(screens[0])\nmigsh:\n\(screens.last ?? "")")
        }
    }
}
