import Foundation
import Testing

/// sqlite3 3.40's last commands: `.session`, `.connection`, `.testctrl`, `.testcase`/`.check`,
/// and leftovers (`.auth` on a name that is not UTF-8, `.breakpoint --help`, `.recover` of an
/// empty database). Each script goes through /usr/bin/sqlite3 and the built migsh
/// (`SQLiteCommandsTests.expectSameOutput`): standard output, standard error and exit status.
@Suite("sqlite3's .session, .connection, .testctrl, .testcase: byte for byte")
struct SQLiteRareCommandsTests {
    typealias Case = SQLiteCommandsTests.Case

    /// Changes to tables with a primary key (the session extension records no others).
    static let sessionScript = #"""
        create table s(id integer primary key, v, w);
        insert into s values(1, 'one', x'00ff'), (2, 2.5, null);
        .session open main s1
        insert into s values(3, 'three', 3);
        update s set v = 'ONE' where id = 1;
        delete from s where id = 2;
        insert into t1(a, b, c, d) values(7, 'seven', 0.1, x'0102');
        update wr set v = 'v2' where k = 'k1';
        insert into t2 values(9, 'no primary key: not recorded');
        .session changeset c1.bin
        .session patchset p1.bin
        .session open main s2
        .session s2 filter t* w?
        insert into s values(4, 'four', 4);
        update t1 set b = 'filtered' where a = 1;
        .session s2 changeset c2.bin
        .session s2 isempty
        .session open main s3
        .session s3 attach s
        .session s3 filter s
        delete from s where id = 4;
        .session s3 patchset p3.bin
        select 'after';

        """#

    static let corpus: [Case] = [
        Case(name: ".session: open, list, enable, indirect, isempty, close, as sqlite3", script: #"""
            .session list
            .session open main s1
            .session list
            .session isempty
            .session enable
            .session enable off
            .session s1 enable
            .session enable 5
            .session enable maybe
            .session indirect
            .session indirect 1
            .session s1 indirect off
            insert into t2 values(3, 'three');
            insert into wr values('k2', 'v2');
            .session isempty
            .session open main s2
            .session open temp s3
            .session open main s4
            .session list
            .session s2 close
            .session list
            .session s4 isempty
            .session close
            .session list
            .session close
            .session close
            .session list
            .session enable
            select 'after';

            """#, sameErrors: true),
        Case(name: ".session: bad words and missing sessions print sqlite3's help or errors", script: #"""
            .session
            .session attach t2
            .session changeset none.bin
            .session patchset none.bin
            .session bogus
            .session open main
            .session open main ""
            .session open nosuchdb sx
            .session open main s1
            .session open main s1
            .session open main s2
            .session open main s3
            .session open main s4
            .session open main s5
            .session attach
            .session attach a b
            .session filter
            .session isempty x
            .session enable on off
            .session indirect 1 2
            .session close now
            .session s2 changeset a.bin extra
            .session changeset no/such/folder/c.bin
            .session nosuch list
            .session list
            select 'after';

            """#, sameErrors: true),
        Case(name: ".session: changesets and patchsets of inserts, updates and deletes, filtered and attached", script: sessionScript, sameErrors: true),
        Case(name: ".connection: numbered connections, each with its own database, transaction and sessions", script: #"""
            .connection
            create table c0(x);
            insert into c0 values(1);
            .session open main s0
            .connection 1
            .connection
            select count(*) from c0;
            .databases
            create table c1(y);
            .session list
            .connection 3
            .connection
            .connection 0
            select * from c0;
            .session list
            .connection
            .connection 2
            create table k(x);
            begin;
            insert into k values(1);
            .connection 0
            select count(*) from c0;
            .connection 2
            commit;
            select * from k;
            .open --new other.db
            .connection
            .connection 1
            select * from c1;
            .connection close 2
            .connection
            .connection 0
            .connection close 1
            .connection
            select 'after';

            """#, sameErrors: true),
        Case(name: ".connection: bad words, the active connection, numbers out of range", script: #"""
            .connection close 0
            .connection close 7
            .connection 9
            .connection 5
            .connection x
            .connection close
            .connection close x
            .connection 12
            .connection 1 2
            .connection close 1 2
            .connection
            .connection 1
            create table gone(x);
            .session open main s
            .connection 0
            .connection close 1
            .connection 1
            select * from gone;
            .session list
            .connection 0
            .connection
            select 'after';

            """#, sameErrors: true),
        Case(name: ".testctrl: the list, prefixes, usage lines and values of 3.40", script: #"""
            .testctrl
            .testctrl --help
            .testctrl byteorder
            .testctrl -byte
            .testctrl byteorder x
            .testctrl always 5
            .testctrl always on
            .testctrl always maybe
            .testctrl assert 1
            .testctrl extra_schema_checks 1
            .testctrl tune
            .testctrl tune 1 2
            .testctrl seek_count
            .testctrl --seek extra words
            .testctrl zz
            .testctrl p
            .testctrl 3
            .testctrl prng_seed 5
            .testctrl prng_seed 5 db
            .testctrl prng_seed
            .testctrl internal_functions
            .testctrl optimizations 0
            .testctrl -opt
            .testctrl localtime_fault 0
            .testctrl never_corrupt 0
            .testctrl sorter_mmap 0
            .testctrl pending_byte 0x40000000
            .testctrl prng_save
            .testctrl prng_restore
            .testctrl imposter main 0 0
            .testctrl imposter main 0
            select 'after';

            """#, sameErrors: true),
        Case(name: ".testcase and .check GLOB: output into testcase-out.txt, compared", script: #"""
            .testcase t1
            select 1; select 'a b';
            .check "1\na b\n"
            .testcase t2
            select 'x';
            .check y*
            .testcase
            select 3;
            .print hi
            .check *3*
            select 'between';
            .check *3*
            .testcase a-very-long-test-case-name-beyond-29-bytes
            .separator " "
            select 42, -7;
            .check "# #"
            .testcase n
            select 'x', -7;
            .check "# #"
            .separator |
            .testcase g
            select 'abc', 'x]y';
            .check "[a-c]?c*[]]y"
            .check "a[^b]c*"
            .testcase t3
            select 4;
            .check 4
            .check a b
            select 'not reached';

            """#, sameErrors: true),
        Case(name: ".check GLOB without testcase-out.txt ends the run, as sqlite3", script: ".check x*\nselect 'not reached';\n", sameErrors: true),
        Case(name: ".breakpoint --help does nothing, as sqlite3", script: ".breakpoint --help\n.breakpoint -h x\nselect 'after';\n", sameErrors: true),
        Case(name: ".recover of an empty in-memory database: sqlite3's start, then its error", script: ".open :memory:\n.recover\nselect 'after';\n", sameErrors: true),
        Case(name: ".auth prints the bytes of a name that is not UTF-8", latin1: ".auth on\ncreate table \"t\u{e9}\"(\"c\u{ff}\");\nselect * from \"t\u{e9}\";\n"),
    ]

    @Test("migsh prints what sqlite3 prints", arguments: corpus)
    func sameOutput(_ input: Case) throws {
        try SQLiteCommandsTests.expectSameOutput(input)
    }

    @Test(".session changeset and patchset files are sqlite3's, byte for byte (cmp)")
    func changesetFilesAreSQLite3s() throws {
        try withTemporaryDirectory { dir in
            let (theirs, ours) = try SQLiteCommandsTests.runBoth(Data(Self.sessionScript.utf8), in: dir)
            #expect(ours.stdout == theirs.stdout && ours.stderrBytes == theirs.stderrBytes, "migsh:\n\(ours)\nsqlite3:\n\(theirs)")
            for name in ["c1.bin", "p1.bin", "c2.bin", "p3.bin"] {
                let cmp = try runProcess("/usr/bin/cmp", ["\(dir)/sqlite3/\(name)", "\(dir)/migsh/\(name)"])
                #expect(cmp.status == 0, "\(name): \(cmp.stdout)\(cmp.stderr)")
                #expect((contents(of: "\(dir)/migsh/\(name)")?.count ?? 0) > 0, "\(name) is empty")
            }
            // The filtered session saw only s's insert; the changeset starts with table s ('T', 3 columns, PK flags, "s\0").
            let c2 = contents(of: "\(dir)/migsh/c2.bin") ?? Data()
            #expect(Array(c2.prefix(7)) == [0x54, 3, 1, 0, 0, 0x73, 0], "\(Array(c2))")
            #expect(fileMode("\(dir)/migsh/c1.bin") == 0o600)
        }
    }

    @Test("-safe: .session changeset, .testctrl never_corrupt and ATTACH on a new connection end the run with sqlite3's line")
    func safeMode() throws {
        for script in [".session open main s\n.session changeset c.bin\nselect 'not reached';\n",
                       ".testctrl byteorder\n.testctrl never_corrupt 1\nselect 'not reached';\n",
                       // A new connection is under safe mode too.
                       ".connection 1\nselect 1;\nattach 'x.db' as x;\nselect 2;\n"] {
            try withTemporaryDirectory { dir in
                let theirs = try runCollectingBytes(sqlite3Binary, ["-init", "/dev/null", "-safe", ":memory:"], stdin: Data(script.utf8), in: dir)
                let ours = try runCollectingBytes(migshBinary, ["--noinit", "-safe", ":memory:"], stdin: Data(script.utf8), in: dir)
                #expect(ours.stdout == theirs.stdout && ours.stderrBytes == theirs.stderrBytes && ours.status == theirs.status,
                        "migsh:\n\(ours)\nsqlite3:\n\(theirs)")
                #expect(theirs.stderr.contains("safe mode"), "\(theirs)")
                #expect(!FileManager.default.fileExists(atPath: dir + "/c.bin"))
            }
        }
    }

    @Test("-safe: .trace FILE and .testcase are refused (sqlite3 3.40 writes their files), .trace stdout is not")
    func traceFileUnderSafeMode() throws {
        try withTemporaryDirectory { dir in
            let allowed = try runCollectingBytes(migshBinary, ["--noinit", "-safe", ":memory:"], stdin: Data(".trace stdout\nselect 1;\n".utf8), in: dir)
            #expect(allowed.status == 0 && String(decoding: allowed.stdout, as: UTF8.self) == "select 1;\n1\n", "\(allowed)")
            let refused = try runCollectingBytes(migshBinary, ["--noinit", "-safe", ":memory:"],
                                                 stdin: Data("select 1;\n.trace --stmt t.txt\nselect 2;\n".utf8), in: dir)
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr == "line 2: cannot run .trace in safe mode\n", "\(refused)")
            #expect(String(decoding: refused.stdout, as: UTF8.self) == "1\n")
            #expect(!FileManager.default.fileExists(atPath: dir + "/t.txt"))
            let testcase = try runCollectingBytes(migshBinary, ["--noinit", "-safe", ":memory:"], stdin: Data(".testcase x\nselect 1;\n".utf8), in: dir)
            #expect(testcase.status == 1 && testcase.stderr == "line 1: cannot run .testcase in safe mode\n" && testcase.stdout.isEmpty, "\(testcase)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/testcase-out.txt"))
        }
    }

    @Test(".connection: each database's audit log records its own SQL; a temporary connection's goes nowhere; the chain verifies")
    func connectionsKeepTheirAuditLogs() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/a.sqlite"
            _ = sqlite(db, "create table t(x);")
            // --readonly holds on a new connection too (sqlite3's -readonly likewise).
            let readOnly = try migsh(["--readonly", "--no-bail", db], script: ".connection 1\ncreate table n(x);\nselect 'after';\n")
            #expect(readOnly.status == 1 && readOnly.stdout == "after\n" && readOnly.stderr.contains("attempt to write a readonly database"), "\(readOnly)")
            let result = try migsh(["--no-bail", db], script: """
                insert into t values(1);
                .connection 1
                create table only_in_temp(y);
                .connection
                .connection 0
                insert into t values(2);
                .connection
                .audit verify

                """)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("ACTIVE 1: (memory)\n") && result.stdout.contains("       0: \(db)\nACTIVE 1"), "\(result)")
            #expect(result.stdout.contains("ACTIVE 0: \(db)\n       1: (memory)\n"), "\(result)")
            let audit = String(decoding: contents(of: db + "-audit.jsonl") ?? Data(), as: UTF8.self)
            #expect(audit.contains("insert into t values(1)") && audit.contains("insert into t values(2)"), "\(audit)")
            #expect(!audit.contains("only_in_temp"), "\(audit)")
            #expect(audit.contains("\".connection 1\"") && audit.contains("\".connection 0\""), "\(audit)")
            #expect(sqlite(db, "select group_concat(x) from t") == "1,2")
            // Nothing was written for the temporary connection.
            let files = try FileManager.default.contentsOfDirectory(atPath: dir)
            #expect(files.allSatisfy { $0.hasPrefix("a.sqlite") }, "\(files)")
        }
    }

    @Test("a script that ends with a transaction open on a parked connection: rolled back, said, audited, exit 1")
    func parkedTransactionAtTheEnd() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/a.sqlite"
            _ = sqlite(db, "create table t(x);")
            let result = try migsh(["--no-bail", db], script: "begin;\ninsert into t values(1);\n.connection 1\nselect 'on 1';\n")
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout == "on 1\n", "\(result)")
            #expect(result.stderr == "Error: connection 0 ended with a transaction open; it was rolled back (add COMMIT to keep the changes)\n", "\(result)")
            #expect(sqlite(db, "select count(*) from t") == "0")
            let audit = String(decoding: contents(of: db + "-audit.jsonl") ?? Data(), as: UTF8.self)
            #expect(audit.contains("\"event\":\"rollback\"") && audit.contains("on connection 0"), "\(audit)")
        }
    }

    @Test(".connection N in a scratch session is refused (its one private copy)")
    func connectionInScratch() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/a.sqlite"
            _ = sqlite(db, "create table t(x);")
            let result = try migsh(["--scratch", "--no-bail", db], script: ".connection 1\n.connection\n")
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains(".connection refused: a scratch session"), "\(result)")
            #expect(result.stdout.hasPrefix("ACTIVE 0: "), "\(result)")
        }
    }
}
