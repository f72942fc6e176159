import Foundation
import MigshTestSupport
import Testing

/// The SQL functions sqlite3 3.40's shell registers, byte for byte: each script goes through
/// the built migsh and /usr/bin/sqlite3 on copies of the same database (SQLiteCommandsTests'
/// fixture), and standard output, standard error and the exit status must be the same.
@Suite("sqlite3's SQL functions: byte for byte")
struct ShellSQLFunctionsTests {
    typealias Case = SQLiteCommandsTests.Case

    static let corpus: [Case] = [
        Case(name: "generate_series", script: #"""
            select * from generate_series(1,5);
            select * from generate_series(0,100,-5) limit 3;
            select * from generate_series(0,-100,-5);
            select * from generate_series(1,0);
            select value,start,stop,step,rowid from generate_series(1,10,-3);
            select value from generate_series(1,10,3) order by value desc;
            select value from generate_series(1,10,3) order by value asc;
            select * from generate_series(9223372036854775800, 9223372036854775807, 5) limit 4;
            select * from generate_series(-9223372036854775808, -9223372036854775807);
            select * from generate_series(null,3);
            select * from generate_series(1,null);
            select * from generate_series(1,3,null);
            select * from generate_series(5) limit 2;
            select start, stop, step from generate_series(10) limit 1;
            select count(*) from generate_series(1,10) where value>5;
            select * from generate_series(1,3,0);
            select * from generate_series('a','3');
            select * from generate_series(1.9,3.9);
            select * from generate_series('1e2', 101);
            select value from generate_series where start=3 and stop=5;
            select value from generate_series where stop=5 and start=3 and step=2;
            select * from generate_series(1,3) a, generate_series(a.value, 3) b;
            select a.value, b.value from generate_series(1,2) a join generate_series(1,2) b on b.start = a.value;
            select sum(value) from generate_series(1,1000000);
            select * from generate_series(1,3) where value in (2,3);
            select typeof(value), typeof(rowid) from generate_series(1,1);
            select * from generate_series;
            select * from generate_series(1,2,3,4);
            select * from generate_series();
            create virtual table gs using generate_series;
            select 'after';

            """#, sameErrors: true),
        Case(name: "regexp and regexpi", script: #"""
            select 'x^a' regexp 'x^a', 'ab' regexp 'a|^b', 'b' regexp '(^b)', 'ba' regexp 'a|^b';
            select regexp('a{1000}', 'a'), regexp('a{40}{40}', 'a'), regexp('a{2,}', 'aa'), regexp('^a{2,3}$', 'aaaa');
            select regexp('\bfoo\b', 'a foo b'), regexp('\bfoo\b', 'afoo'), regexp('x\u00e9', 'xé'), regexp('\x41', 'A');
            select regexpi('abc', 'xABCx'), regexpi('É', 'é'), regexpi('[A-C]+$', 'xbca'), regexp('[A-C]+$', 'xbca');
            select regexp(null, 'a'), regexp('a', null), typeof(regexp('a',null)), typeof('a' regexp null);
            select 1 regexp 1, 12 regexp '^1', 'abc' regexp '', 'a.c' regexp 'a\.c', 'abc' regexp 'a\.c';
            select regexp('\d+\s\w\W\D\S', '12 a!x9'), regexp('^[^0-9]*$', 'abc'), regexp('^[^0-9]*$', 'a1');
            select regexp('\t\n\r\f\v\a', char(9,10,13,12,11,7)), regexp('[\]\-]', '-'), regexp('(ab)*c$', 'ababc');
            select regexp(x'ff', 'ÿ'), regexp('.', x'ff'), regexp('^.$', '😀'), regexp('^....$', '😀'), regexp('^..$', x'e080');
            select regexp('a', 'b'||char(0)||'a'), regexp('a', cast(x'620061' as text));
            select count(*) from t1 where b regexp '^[a-z]+[0-9]';
            select b from t1 where b regexp 'line' order by a;
            select regexp('a{3,2}', 'a');
            select regexp('a{0}', 'a');
            select regexp('[[:alpha:]]', 'a');
            select regexp('\q', 'a');
            select regexp('a)', 'a');
            select regexp('(a', 'a');
            select regexp('*a', 'a');
            select regexp('+a', 'a');
            select regexp('?a', 'a');
            select regexp('{2}', 'a');
            select regexp('[abc', 'a');
            select regexp('[a-]', '-');
            select regexp('a{2', 'a');
            select regexp('a{60000}', 'b'), regexp('^a{600}$', printf('%.*c', 600, 'a'));
            select regexp('(((a{20}){20}){20})', 'a');
            select regexp('a');
            select regexpi('a', 'b', 'c');
            select 'after';

            """#, sameErrors: true),
        Case(name: "sha3 and sha3_query", script: #"""
            select hex(sha3('abc')), hex(sha3('abc',224)), hex(sha3(null)), typeof(sha3(null,224));
            select hex(sha3(x'00ff', 512)), hex(sha3(12, 384)), hex(sha3(1.5)), hex(sha3('')), hex(sha3('ünï', 256));
            select hex(sha3('a', '256x'));
            select hex(sha3_query('select 1')), hex(sha3_query('select 1', 224));
            select hex(sha3_query('select * from t1 order by a', 512));
            select sha3_query('select 1; select 2; ', 384) is not null, hex(sha3_query('', 256)), hex(sha3_query('  ', 256));
            select typeof(sha3_query(null, 256));
            select sha3('a', 100);
            select sha3(null, 100);
            select sha3_query(null, 1);
            select sha3_query('selec 1');
            select sha3_query('select 1; selec 2');
            select sha3_query('create table x(a)');
            select sha3_query('select 1', 7);
            select sha3();
            select sha3(1,2,3);
            select 'after';

            """#, sameErrors: true),
        Case(name: "decimal, decimal_add/sub/mul/cmp, decimal_sum, the decimal collation", script: #"""
            select decimal(1), decimal('-0'), decimal('-0.000'), decimal(0.1), decimal(1e20), decimal(1.5e-5), decimal('  +12.50'), decimal('abc'), decimal(''), typeof(decimal(null));
            select decimal('1e5'), decimal('1.23e-5'), decimal('12.3e1'), decimal('12.3e+5'), decimal('1e'), decimal('1e-'), decimal('.5'), decimal('5.'), decimal('00012.000');
            select decimal(x'3132'), decimal(x'0102030405060708'), decimal('1x2y3.4'), decimal('１２');
            select decimal_add('0.1','0.2'), decimal_sub('0.1','0.2'), decimal_mul('1.10','2.0'), decimal_mul('-3','0'), decimal_add(null,1), typeof(decimal_mul(null,1)), decimal_sub(1,null);
            select decimal_cmp('1.0','1'), decimal_cmp('-1','1'), decimal_cmp('2','10'), decimal_cmp('-2','-10'), decimal_cmp(null,1), decimal_cmp('0','-0'), decimal_cmp(1, null);
            select decimal_sum(x) from (select 1 x union all select '0.5' union all select null);
            select decimal_sum(x) from (select null x);
            select typeof(decimal_sum(x)) from (select 1 x where 0);
            select decimal_sum(value) over (order by value rows between 1 preceding and current row) from generate_series(1,4);
            select decimal_sum(c) from t1;
            select decimal_add('123456789012345678901234567890.123456789', '987654321098765432109876543210.987654321');
            select decimal_mul('123456789012345678901234567890', '-987654321098765432109876543210.5');
            select decimal_sub('0.000000000000000000000000000001', '1000000000000000000000000000000');
            select decimal_sum(value) from generate_series(1,10000);
            select x from (select '10' x union select '9' union select '9.5' union select '-1' union select 'abc') order by x collate decimal;
            select x from (select '1.0' x union select '1' union select '02') order by x collate decimal;
            select decimal_sub('1','1'), decimal_add('-1','1'), decimal_mul('-1','0.0');
            select length(decimal('1e999999')), decimal('1e-3'), decimal('12e-5'), decimal('1.5e-1');
            select decimal(9223372036854775807), decimal(-9223372036854775808), decimal(' 5'), decimal(char(9)||'5'), decimal('5 ');
            select decimal();
            select decimal_sum(1,2);
            select decimal_add(1);
            select 'after';

            """#, sameErrors: true),
        Case(name: "ieee754 and its family", script: #"""
            select ieee754(1.0), ieee754(0.0), ieee754(-0.0), ieee754(1.5), ieee754(-2.5e-300), ieee754(9e999), ieee754(-9e999), ieee754(5e-324), ieee754(1);
            select ieee754(x'3ff0000000000000'), ieee754(x'00'), ieee754('abc'), ieee754('1.5'), typeof(ieee754(null)), ieee754(x'7ff8000000000000'), ieee754(x'fff8000000000000');
            select ieee754(1,0), ieee754(3,-1), ieee754(0,5), ieee754(1,1024), ieee754(1,-1075), ieee754(-5,2), ieee754(4503599627370497,1), ieee754(1,-1074), ieee754(null,1), ieee754(1,null), ieee754(2.5,1), ieee754('3','1');
            select ieee754(2251799813685248, -1022), ieee754(1,-1100), ieee754(9007199254740993, 0), ieee754(1,20000), ieee754(-1,-20000), ieee754(0,-1000), ieee754(0,999), ieee754(0,1000);
            select ieee754_mantissa(1.5), ieee754_exponent(1.5), ieee754_mantissa(0.0), ieee754_exponent(0.0), ieee754_mantissa(-0.0), ieee754_mantissa(null), ieee754_exponent(9e999), ieee754_mantissa(9e999), ieee754_mantissa(12);
            select hex(ieee754_to_blob(1.0)), hex(ieee754_to_blob(-0.0)), ieee754_to_blob(null), hex(ieee754_to_blob(1)), hex(ieee754_to_blob('x')), hex(ieee754_to_blob(x'01'));
            select ieee754_from_blob(x'3ff0000000000000'), ieee754_from_blob(x'0102'), ieee754_from_blob(1.5), ieee754_from_blob(null), ieee754_from_blob(x'7ff8000000000000'), ieee754_from_blob(x'fff0000000000000');
            select ieee754(1.0000000000000002), ieee754(1e308), ieee754(2.2250738585072014e-308), ieee754(123456789012345678);
            select ieee754(c), ieee754_from_blob(ieee754_to_blob(c)) = c from t1 order by a;
            select ieee754(1,2,3);
            select ieee754_mantissa();
            select 'after';

            """#, sameErrors: true),
        Case(name: "the uint collation", script: #"""
            create temp table u(x);
            insert into u values ('a10'),('a9'),('a09'),('a1b'),('a1a'),(''),('b'),('10000000000000000000000'),('9999999999999999999999'),('x001y2'),('x1y10'),('0'),('00'),('A2');
            select x from u order by x collate uint, x;
            select 'a9' < 'a10' collate uint, 'x01' = 'x1' collate uint, '007' = '7' collate uint, 'a' < 'a0' collate uint;
            select x from u where x = 'a9' collate uint;
            create temp table v(x text collate uint primary key);
            insert into v values ('x2'), ('x02');
            select 'after';

            """#, sameErrors: true),
        // Each program runs in a folder of its own: the files below are made by the script.
        Case(name: "readfile, writefile and lsmode", script: #"""
            select writefile('f.txt', 'hello'), hex(readfile('f.txt')), typeof(readfile('f.txt'));
            select readfile('missing') is null, typeof(readfile(null)), typeof(writefile(null, 'x')), typeof(readfile(''));
            select writefile('empty', ''), typeof(readfile('empty')), length(readfile('empty'));
            select writefile('blob.bin', x'00ff10'), hex(readfile('blob.bin')), writefile('num', 12.5), hex(readfile('num'));
            select writefile('nul', null), typeof(readfile('nul')), length(readfile('nul'));
            select writefile('latin-'||cast(x'e9ff' as text), x'e9'), hex(readfile('latin-'||cast(x'e9ff' as text)));
            select writefile('deep/er/f', 'x'), readfile('deep/er/f');
            select typeof(writefile('f.txt/x', 'y'));
            select writefile('f.txt/x', 'y', 420);
            select writefile('m', 'x', 384, 1000000000);
            select lsmode(mode), mtime from fsdir('m');
            select writefile('m', 'longer', 33152, -5);
            select lsmode(mode), mtime = 1000000000, data from fsdir('m');
            select typeof(writefile('sub', 'ignored', 16877));
            select lsmode(mode), typeof(data) from fsdir('sub');
            select typeof(writefile('sub', '', 16832, 1000000001));
            select lsmode(mode), mtime from fsdir('sub');
            select typeof(writefile('lnk', 'f.txt', 41471));
            select data, lsmode(mode), hex(readfile('lnk')) from fsdir('lnk');
            select typeof(writefile('lnk', 'blob.bin', 41471, 5));
            select data, hex(readfile('lnk')) from fsdir('lnk');
            select typeof(writefile('lnk3', 'blob.bin', 41471, 7));
            select name, mtime from fsdir('blob.bin');
            select typeof(writefile('new/dir/lnk', '../../f.txt', 41471)), hex(readfile('new/dir/lnk'));
            select typeof(writefile('made/here', '', 16877));
            select name, lsmode(mode) from fsdir('made');
            select writefile('m', 'x', 33188, 1000000000), writefile('m', 'yy', 33188, 1500000000);
            select data, mtime from fsdir('m');
            select writefile('f.txt', 'x', 16877);
            select writefile('lnk2', null, 41471);
            select writefile('f.txt/y', 'x', 41471);
            select typeof(readfile('sub')) is not null;
            select lsmode(33188), lsmode(16877), lsmode(41471), lsmode(0), lsmode(null), lsmode('x'), lsmode(4095), lsmode(-1), lsmode(49152), lsmode(8630), lsmode(2.9e9);
            select writefile('w1');
            select writefile('a', 'b', 1, 2, 3);
            select writefile();
            select readfile();
            select readfile(1, 2);
            select lsmode();
            create view v as select readfile('f.txt');
            select * from v;
            create table log(x);
            create trigger tr after insert on log begin select writefile('from-trigger', new.x); end;
            insert into log values ('x');
            select readfile('from-trigger');
            select 'after';

            """#, sameErrors: true),
        Case(name: "fsdir", script: #"""
            select writefile('tree/b.txt', 'bee', 420, 1000000000), writefile('tree/a.txt', 'a', 420, 1000000001);
            select writefile('tree/sub/c', x'00ff', 384, 1000000002), writefile('tree/sub/deeper/d', '', 420, 1000000003);
            select writefile('tree/link', 'a.txt', 41471), writefile('tree/dangling', 'nowhere', 41471);
            select writefile('tree/sub/deeper', '', 16877, 1000000004), writefile('tree/sub', '', 16832, 1000000005), writefile('tree', '', 16877, 1000000006);
            select name, lsmode(mode), case when mode & 61440 = 40960 then 'link' else mtime end, typeof(data), hex(data) from fsdir('tree');
            select rowid, name from fsdir('tree');
            select name, data from fsdir('tree') where mode & 61440 = 40960;
            select name from fsdir('a.txt', 'tree');
            select name from fsdir('sub', 'tree');
            select name from fsdir('tree', '.');
            select name from fsdir('tree/sub/');
            select name from fsdir('./tree/sub/deeper');
            select name from fsdir('tree', null);
            select typeof(path), typeof(dir) from fsdir('tree') limit 1;
            select name from fsdir where path = 'tree/sub' and dir = '.';
            select count(*), sum(length(data)) from fsdir('tree');
            select name from fsdir('tree') where name like '%.txt' order by name;
            select f.name, g.name from fsdir('tree/sub') f join fsdir(f.name) g where f.name like '%deeper';
            select * from fsdir('missing');
            select * from fsdir('a.txt', 'missing');
            select * from fsdir('missing-'||cast(x'e9ff' as text));
            select writefile('latin/'||cast(x'e9' as text), x'e9', 420, 1000000000);
            select hex(name), hex(data), case when mode & 61440 = 16384 then 'dir' else mtime end from fsdir('latin');
            select * from fsdir(null);
            select * from fsdir;
            select * from fsdir('tree', 'x', 'y');
            create view fv as select name from fsdir('tree');
            select * from fv;
            create virtual table fs using fsdir;
            select 'after';

            """#, sameErrors: true),
        Case(name: "completion", script: #"""
            select * from completion('sel');
            select candidate from completion('T');
            select candidate from completion('zzz');
            select count(*), count(distinct candidate) from completion('');
            select count(*) = (select count(*) from completion) from completion(null);
            select candidate, prefix, wholeline, phase, rowid from completion('ma', 'select * from ma');
            select candidate, prefix from completion(null, 'select * from t');
            select candidate, prefix from completion('', 'select "y z", x from "select" where y');
            select candidate from completion where wholeline = 'create ta';
            select candidate from completion('A', 'whatever');
            select distinct candidate collate nocase from completion('a') order by 1;
            select candidate from completion('sqlite_');
            select prefix, wholeline from completion('x', '') limit 1;
            select candidate from completion('É');
            attach ':memory:' as aux;
            create table aux.zz(zcol, "z z");
            create temp table zt(ztemp);
            select candidate, phase from completion('z');
            select * from completion(1, 2, 3);
            create virtual table c using completion;
            select 'after';

            """#, sameErrors: true),
        Case(name: "edit with an editor argument", script: #"""
            select writefile('ed.sh', 'printf "+" >> "$1"', 33261) > 0, writefile('crlf.sh', 'printf "\r\n" >> "$1"', 33261) > 0;
            select edit('abc', './ed.sh'), typeof(edit(x'41', './ed.sh')), hex(edit(x'00ff', './ed.sh'));
            select hex(edit('a'||char(13,10)||'b', './ed.sh')), hex(edit('x', './crlf.sh')), hex(edit('x'||char(13,10), './crlf.sh'));
            select edit(12, './ed.sh'), typeof(edit(12, './ed.sh')), edit(1.5, './ed.sh'), hex(edit(cast(x'e9' as text), './ed.sh'));
            select edit('', 'true'), typeof(edit('', 'true')), typeof(edit(x'', 'true'));
            select edit(null, './ed.sh');
            select edit('a', 'false');
            select edit('a', null);
            select edit('a', 'rm');
            select edit();
            select edit(1, 2, 3);
            select 'after';

            """#, sameErrors: true),
    ]

    @Test("migsh prints what sqlite3 prints", arguments: corpus)
    func sameOutput(_ input: Case) throws {
        try SQLiteCommandsTests.expectSameOutput(input)
    }

    @Test("a pattern past 65,535 instructions is an error (sqlite3 3.40's state numbers wrap there)")
    func hugePatternsAreRefused() throws {
        let result = try migsh([":memory:", "select regexp('a{70000}', 'a');"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("REGEXP pattern too big"), "\(result)")
        let nested = try migsh([":memory:", "select regexp('(a{1000}){1000}', 'a');"])
        #expect(nested.stderr.contains("REGEXP pattern too big"), "\(nested)")
    }

    /// A migrations folder: 001 makes Schema_Version and Numbers; 002 fills Numbers with `call`.
    func makeMigrations(in folder: String, calling call: String) throws {
        try makeSlowMigrations(in: folder, rows: 1)
        try """
            BEGIN TRANSACTION;
            INSERT INTO Numbers SELECT \(call);
            INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (2, CURRENT_TIMESTAMP, 'system', 'shell functions');
            COMMIT;
            """.write(toFile: folder + "/002_shell_functions.sql", atomically: true, encoding: .utf8)
    }

    @Test("a migration calling generate_series or regexp fails and is rolled back; the session keeps the functions",
          arguments: ["value FROM generate_series(1,3)", "regexp('a', 'a')", "decimal_add(1, 2)", "ieee754(1, 0)",
                      "lsmode(16877)", "candidate FROM completion('sel')"])
    func migrationsNeverReachTheFunctions(_ call: String) throws {
        try withTemporaryDirectory { dir in
            let migrations = dir + "/migrations"
            try makeMigrations(in: migrations, calling: call)
            let db = dir + "/db.sqlite"
            let create = try migsh(["--create", "-m", migrations, db, ".apply --to 1 --yes"])
            #expect(create.status == 0, "\(create)")
            let before = dump(db)
            let result = try migsh(["--no-bail", "-m", migrations, db, ".apply --yes", "select count(*) from generate_series(1,3);"])
            #expect(result.status == 4, "\(result)")
            #expect(result.stderr.contains("no such"), "\(result)")
            #expect(dump(db) == before)
            #expect(result.stdout.hasSuffix("3\n"), "the session lost its functions after the migration:\n\(result)")
            // The rehearsal and the replay run on connections of their own, without them.
            let rehearsal = try migsh(["-m", migrations, db, ".test"])
            #expect(rehearsal.status != 0, "\(rehearsal)")
            #expect(rehearsal.stdout.contains("no such") || rehearsal.stderr.contains("no such"), "\(rehearsal)")
        }
    }

    /// The file functions never get that far: migsh's migration checks refuse a file that
    /// calls them before anything runs (`MigrationGuard`); `ShellSQLFunctionsSuspensionTests`
    /// shows they are gone from the connection too.
    @Test("a migration calling a file function is refused before it runs; nothing is written; the session keeps them",
          arguments: ["readfile", "writefile", "edit", "fsdir"])
    func migrationsNeverReachFiles(_ function: String) throws {
        try withTemporaryDirectory { dir in
            let migrations = dir + "/migrations"
            let target = dir + "/from-migration.txt"
            let call = switch function {
            case "readfile": "readfile('\(dir)/db.sqlite')"
            case "writefile": "writefile('\(target)', 'x')"
            case "edit": "edit('a', 'touch \(target)')"
            default: "name FROM fsdir('\(dir)')"
            }
            try makeMigrations(in: migrations, calling: call)
            let db = dir + "/db.sqlite"
            let create = try migsh(["--create", "-m", migrations, db, ".apply --to 1 --yes"])
            #expect(create.status == 0, "\(create)")
            let before = dump(db)
            let result = try migsh(["--no-bail", "-m", migrations, db, ".apply --yes", "select writefile('\(dir)/from-session.txt', 'ok');"], cwd: dir)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.hasPrefix("Error: migration validation failed; nothing was applied\n"), "\(result)")
            #expect(result.stderr.contains("002_shell_functions.sql: line 2: \(function)()"), "\(result)")
            #expect(dump(db) == before)
            #expect(!FileManager.default.fileExists(atPath: target))
            #expect(result.stdout == "2\n", "\(result)")
            #expect(contents(of: dir + "/from-session.txt") == Data("ok".utf8))
        }
    }

    @Test("-safe refuses fsdir() as sqlite3 refuses readfile() (sqlite3 3.40 lets fsdir read every file: a listed difference)")
    func safeModeRefusesFsdir() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            _ = sqlite(db, "create table t(x)")
            try Data("secret".utf8).write(to: URL(fileURLWithPath: dir + "/secret.txt"))
            for (query, function) in [("select count(*) from fsdir('.');", "fsdir"), ("select data from fsdir('secret.txt');", "fsdir"),
                                      ("select 1 from fsdir where path = '.';", "fsdir"), ("select lsmode(16877);", "lsmode")] {
                let result = try migsh(["--noinit", "-safe", db], stdin: Data("select 1;\n\(query)\nselect 2;\n".utf8), cwd: dir)
                #expect(result.stdout == "1\n", "\(query): \(result)")
                #expect(result.stderr == "line 2: cannot use the \(function)() function in safe mode\n", "\(query): \(result)")
                #expect(result.status == 1, "\(query): \(result)")
            }
        }
    }

    @Test("--readonly: readfile, writefile, fsdir, edit and lsmode are refused with the reason; nothing is written or run")
    func readOnlyRefusesFileFunctions() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            _ = sqlite(db, "create table t(x)")
            let script = """
                select readfile('db.sqlite') is null;
                select writefile('w.txt', 'x');
                select count(*) from fsdir('.');
                select edit('a', 'touch edited');
                select lsmode(16877);
                select count(*) from completion('sel');

                """
            let result = try migsh(["--noinit", "--readonly", "--no-bail", db], stdin: Data(script.utf8), cwd: dir)
            #expect(result.stdout == "1\n", "\(result)")
            #expect(result.stderr == """
                Runtime error near line 1: readfile() refused: the session was opened with --readonly
                Runtime error near line 2: writefile() refused: the session was opened with --readonly
                Runtime error near line 3: fsdir() refused: the session was opened with --readonly
                Runtime error near line 4: edit() refused: the session was opened with --readonly
                Runtime error near line 5: lsmode() refused: the session was opened with --readonly

                """, "\(result)")
            #expect(result.status == 1, "\(result)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/w.txt"))
            #expect(!FileManager.default.fileExists(atPath: dir + "/edited"))
        }
    }

    @Test("edit() without an editor argument runs $VISUAL, as sqlite3 (and never $EDITOR)")
    func editUsesVisual() throws {
        try withTemporaryDirectory { dir in
            try makeTool(name: "ed.sh", script: "printf + >> \"$1\"", in: dir)
            for environment in [["VISUAL": "./ed.sh"], ["VISUAL": "./ed.sh", "EDITOR": "false"], ["EDITOR": "./ed.sh"]] {
                var results: [ProcessResult] = []
                for program in [migshBinary, sqlite3Binary] {
                    let arguments = (program == migshBinary ? ["--noinit"] : ["-init", "/dev/null"]) + [":memory:", "select edit('abc');"]
                    // env -u VISUAL: the runner's own $VISUAL must not decide the case.
                    var command = ["-u", "VISUAL", "-u", "EDITOR"] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    command += [program] + arguments
                    results.append(try runProcess("/usr/bin/env", command, cwd: dir))
                }
                #expect(results[0].stdout == results[1].stdout, "\(environment): migsh \(results[0]), sqlite3 \(results[1])")
                #expect(results[0].stderr == results[1].stderr, "\(environment): migsh \(results[0]), sqlite3 \(results[1])")
                #expect(results[0].status == results[1].status, "\(environment): migsh \(results[0]), sqlite3 \(results[1])")
            }
        }
    }
}
