import Foundation
import MigshTestSupport
import Testing

/// sqlite3's dot-commands and modes, byte for byte: every script of the corpus goes through the
/// built migsh and through /usr/bin/sqlite3 (3.40), each in its own folder on its own copy of
/// the same database, with the same files beside it; standard output is compared byte for
/// byte, and standard error where the case says so. The round trips check the data itself.
@Suite("sqlite3's commands and modes: byte for byte")
struct SQLiteCommandsTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var script: String
        /// Compare standard error too (the messages are sqlite3's).
        var sameErrors = false
        /// The script's bytes: its text as Latin-1 (`latin1:`) or UTF-8.
        var bytes: Data? = nil
        var testDescription: String { name }

        init(name: String, script: String, sameErrors: Bool = false) {
            self.name = name
            self.script = script
            self.sameErrors = sameErrors
        }

        /// A script whose every character U+0080…U+00FF is the one byte 0x80…0xFF: Latin-1
        /// text, and bytes that are not UTF-8 at all (`\u{ff}`, a lone `\u{e9}`).
        init(name: String, latin1 script: String, sameErrors: Bool = true) {
            self.init(name: name, script: script, sameErrors: sameErrors)
            bytes = script.data(using: .isoLatin1)!
        }

        var input: Data { bytes ?? Data(script.utf8) }
    }

    /// Every byte from 0x80 to 0xFF, as Latin-1 text (one byte each in a `latin1:` script).
    static let highBytes = String((0x80...0xFF).map { Character(Unicode.Scalar(UInt8($0))) })

    /// The database both programs read: every storage class, awkward values and names, a
    /// view, a trigger, a WITHOUT ROWID table, generated columns, AUTOINCREMENT, a virtual
    /// table with its shadow tables, comments in CREATE statements, and ANALYZE's statistics.
    static let fixture = #"""
        CREATE TABLE t1(a INTEGER PRIMARY KEY, b TEXT, c REAL, d BLOB, e);
        INSERT INTO t1 VALUES(1,'it''s',1.5,x'00ff10',NULL);
        INSERT INTO t1 VALUES(2,'line1'||char(10)||'line2',1e20,x'',-0.0);
        INSERT INTO t1 VALUES(3,'cr'||char(13)||'lf'||char(13)||char(10)||'end',0.1,NULL,9e999);
        INSERT INTO t1 VALUES(4,'has \n and \012 literal'||char(10),-9e999,NULL,123456789012);
        INSERT INTO t1 VALUES(5,'',100.0,'text in blob col',2.5e-300);
        INSERT INTO t1 VALUES(6,'ünïcödé ☃ 日本'||char(9)||'tab',9223372036854775808.0,-9223372036854775808,1e15);
        CREATE TABLE "select"(x, "y z", "a""b");
        INSERT INTO "select" VALUES(1,2,3);
        CREATE TABLE seqt(id INTEGER PRIMARY KEY AUTOINCREMENT, v);
        INSERT INTO seqt(v) VALUES('a'),('b');
        CREATE INDEX i1 ON t1(b);
        CREATE VIEW v1 AS SELECT * FROM t1;
        CREATE TRIGGER tr1 AFTER INSERT ON t1 BEGIN SELECT 1; END;
        CREATE TABLE wr(k TEXT PRIMARY KEY, v) WITHOUT ROWID;
        INSERT INTO wr VALUES('k1','v1');
        CREATE TABLE g(a, b AS (a*2), c AS (a+1) STORED, d);
        INSERT INTO g(a,d) VALUES(5,'dd');
        CREATE TABLE cm(a INT, -- first, col
         b INT,
         /* block,
         comment */ c INT, dddddddddddddddddddddddddddddddddd INT);
        CREATE TABLE nested(a INT CHECK(a IN(1,2,3)), b TEXT, ccccccccccccccccccccccccccccc INT, ddddddddddddddddd INT, UNIQUE(a,b));
        CREATE VIRTUAL TABLE ft USING fts4(body);
        INSERT INTO ft VALUES('hello world');
        CREATE TABLE ipd(id INTEGER PRIMARY KEY DESC, v);
        INSERT INTO ipd VALUES(8,'b');
        CREATE TABLE t2(x, y);
        INSERT INTO t2 VALUES(1,'one'),(2,'two');
        ANALYZE;
        """#

    /// Files beside the database, for `.import`.
    static let files: [String: String] = [
        "good.csv": "name,qty,note\nwidget,5,\"has, comma\"\ngadget,7,\"multi\nline\"\n\"quote \"\"x\"\"\",9,\u{e9}\n",
        "dup.csv": "a,A,,b,a,\"x\"\"y\",,sel ect,\"\",ab_1\n1,2,3,4,5,6,7,8,9,10\n",
        "bom.csv": "\u{feff}id;val\r\n1;one\r\n2;two\r\n",
        "rows.txt": "1\u{1f}x\u{1e}2\u{1f}y\u{1e}",
        // A script that reads itself: sqlite3's input nesting limit.
        "loop.sql": "select 'in loop';\n.read loop.sql\n",
        // A support script that ends with .quit, as many do, read from another script.
        "quits.sql": "select 'in quits';\n.quit\nselect 'not reached';\n",
        "reads-quits.sql": ".read quits.sql\nselect 'after the inner .quit';\n.quit\n",
    ]

    static let corpus: [Case] = [
        Case(name: ".scanstats, .binary, .filectrl", script: #"""
            .scanstats on
            .scanstats
            .scanstats maybe
            .binary on
            .binary
            .binary off
            .filectrl
            .filectrl data_version
            .filectrl d
            .filectrl has_moved
            .filectrl --schema main data_version
            .filectrl size_limit
            .filectrl size_limit 100000
            .filectrl persist_wal
            .filectrl psow on
            .filectrl reserve_bytes
            .filectrl chunk_size
            .filectrl chunk_size 4096
            .filectrl lock_timeout 10
            .filectrl nosuch
            .filectrl p
            .filectrl -data_version
            .filectrl tempfilename x
            select 'after';

            """#, sameErrors: true),
        Case(name: ".trace: stdout, --expanded, --row, triggers, a file, off, errors", script: #"""
            .trace stdout
            select 1;
            select ?1, 'a;';;
            .trace --expanded
            select 2, ?1;
            .trace stdout --row
            select * from t2;
            .trace stdout --stmt
            create table tt(a); create trigger ttr after insert on tt begin select 1; end; insert into tt values(1);
            .trace tr.txt
            select 5;
            .trace off
            select 6;
            .read tr.txt
            .trace /nonexistent/x
            select 7;
            .trace --bogus

            """#, sameErrors: true),
        Case(name: ".lint fkey-indexes", script: #"""
            create table p(id integer primary key, x unique, y text collate nocase, z);
            create table c1(a references p(id), b);
            create table c2(a, b, foreign key(a) references p(x));
            create index c2a on c2(a);
            create table c3(a references p(y), b references p);
            create table c4(m, n, foreign key(m,n) references p(x,z));
            .lint fkey-indexes
            .lint fkey-indexes -verbose
            .lint f -groupbyparent
            .lint fkey -v -g
            .lint fkey-indexes -x
            .lint FKEY

            """#, sameErrors: true),
        Case(name: ".save, .backup DB FILE, .restore DB FILE, .clone, .load", script: #"""
            .save
            .save a.db
            .save a b c
            .save --bogus x
            .backup main b.db
            .backup main /nonexistent/dir/x.db
            attach 'b.db' as b;
            select count(*) from b.t1;
            detach b;
            delete from t2;
            .restore main a.db
            select count(*) from t2;
            .restore nosuch a.db
            .save other.db
            attach 'other.db' as o;
            create table o.x(a);
            insert into o.x values(42);
            .backup o ob.db
            attach 'ob.db' as ob;
            select * from ob.x;
            delete from o.x;
            .restore o ob.db
            select * from o.x;
            detach o;
            detach ob;
            .restore main /nonexistent/x.db
            .clone c.db
            .clone c.db
            .clone
            attach 'c.db' as c;
            select * from c.t2;
            select count(*) from c.sqlite_schema;
            .load
            .load ./no-such-extension
            .load ./no-such-extension entry

            """#, sameErrors: true),
        Case(name: "error wording of sqlite3's commands", script: #"""
            .read nofile
            .import nofile t
            .nosuchcmd
            .VERSION
            .bail
            .headers
            .echo
            .timer
            .changes
            .echo on off
            .mode nosuch
            .timeout
            .separator
            .nullvalue
            .cd
            .cd /nonexistent
            .shell
            .system
            .sha3sum --bogus
            .dump --bogus
            .schema --bogus
            .indexes a b
            .show x
            .limit bogus
            .nonce
            select 'after';

            """#, sameErrors: true),
        Case(name: ".log: SQLite's error log to stdout, a file, off", script: #"""
            .log
            .log stdout
            select * from nosuch;
            create table lg(a unique);
            insert into lg values(1);
            insert into lg values(1);
            .log lg.txt
            select nosuchcol from t2;
            .log off
            select nosuchcol2 from t2;
            .system cat lg.txt
            .log /nonexistent/x
            select 'after';

            """#, sameErrors: true),
        Case(name: ".breakpoint, .wheretrace, .selecttrace, .treetrace: accepted, nothing printed", script: #"""
            .breakpoint
            .breakpoint x y
            .wheretrace
            .wheretrace on
            .selecttrace 1 2
            .treetrace
            .treetrace off
            .bre
            .wheretrac
            .br
            select 'after';

            """#, sameErrors: true),
        Case(name: ".auth: every authorizer event printed, then off; bad words", script: #"""
            .auth on
            create table au(a, "b c");
            insert into au values(1, 'x');
            select a, "b c", 'é' from au where a = 1;
            update au set a = 2;
            create trigger aut after delete on au begin insert into au values(old.a, 'gone'); end;
            delete from au;
            pragma user_version;
            begin; savepoint s; release s; commit;
            select count(*) from t1;
            .tables
            .auth off
            select 'off';
            .auth
            .auth on x
            .auth yes
            select 'yes';
            .auth maybe
            select 'maybe';

            """#, sameErrors: true),
        Case(name: ".imposter: over an expression index, a WITHOUT ROWID table; off; errors", script: #"""
            create table it(a, b, c);
            insert into it values(1,'x',3),(2,'y',4);
            create index it_e on it(a+b, c);
            create table iw(k1, k2, v, primary key(k2, k1)) without rowid;
            insert into iw values(1,2,3);
            .imposter it_e imp1
            select * from imp1;
            .imposter i1 imp0
            select * from imp0;
            .imposter wr impw
            select * from impw;
            .imposter iw imp2
            select * from imp2;
            .imposter off
            .imposter OFF
            .imposter
            .imposter a b c
            .imposter nosuch y
            .imposter it y
            .imposter it_e imp1
            .output imp.txt
            .imposter it_e "imp 3"
            .output
            .system cat imp.txt
            select 'after';

            """#, sameErrors: true),
        Case(name: ".selftest without a SELFTEST table: the default check; --init; options", script: #"""
            .selftest
            .selftest -v
            .selftest --bogus
            .selftest --init
            select tno, op, ans from selftest;
            .selftest --v
            create table a(x);
            .selftest
            select 'after';

            """#, sameErrors: true),
        Case(name: ".selftest with a SELFTEST table: memo, answers, errors, an unknown operation", script: #"""
            create table selftest(tno integer primary key, op text, cmd text, ans text);
            insert into selftest values(1,'memo','hello memo',''),(2,'run','select 1,2 union all select 3,null','1,2|3,'),(3,'run','select 5','6'),(4,'run','select nosuch','x'),(5,'memo','null ans',null),(6,'run',null,'x'),(7,'bogus','select 1','1'),(8,'run','select 9','9');
            .selftest
            select 'after';
            .selftest -v

            """#, sameErrors: true),
        Case(name: ".selftest with an unreadable SELFTEST table", script: "create table selftest(a);\n.selftest\nselect 1;\n", sameErrors: true),
        Case(name: ".nonce with a wrong value ends the run", script: ".nonce x\nselect 'not run';\n", sameErrors: true),
        Case(name: ".limit, .dbconfig, .vfsinfo, .vfsname", script: #"""
            .limit
            .limit len
            .limit length 5000
            .limit length
            .limit worker 2
            .limit variable_number 100
            select 1;
            .dbconfig
            .dbconfig defensive on
            .dbconfig defensive
            .dbconfig trigger_eqp yes
            .dbconfig trigger_eqp
            .dbconfig enable_view 0
            .dbconfig enable_view
            .dbconfig nosuch
            .vfsinfo
            .vfsinfo main
            .vfsname
            .vfsname main

            """#, sameErrors: true),
        Case(name: "modes insert, html, tcl, ascii, count, off", script: #"""
            .mode insert
            select * from t1;
            .headers on
            select 1 as "b c", 2 as "select", 3 as "1x", 4 as _ok, 5 as "a""q", 6 as "é", 7 as "";
            .headers off
            .mode insert foo
            select 1.5, 1e20, 0.1, -0.0, 100.0, 1e15, 1e19, -1e19, 1.5e-300, 1e-5, 1.0/3, 9e999, -9e999;
            select 'it''s', 'l1'||char(10)||'l2', 'c'||char(13)||char(10)||'d', 'x\n'||char(10), char(1)||char(127), '\', x'', x'00ff41', 'a'||char(0)||'b';
            .mode insert "my tab"
            select 1;
            .mode i select
            select 2;
            .mode html
            select * from t1;
            .headers on
            .nullvalue 'N"<'
            select 1 as a, null as b union all select 2,'x';
            select 1 as "a b", 2 as "select", 3 as 'x"y', 4 as "<h>", 5 as "é", 6 as "";
            .mode tcl
            select * from t1;
            select char(7,8,11,12), 'héllo', char(0x20ac), '{$}[]', x'ff';
            .mode ascii
            select * from t1;
            .headers off
            .nullvalue ''
            .mode count
            select * from t1;
            select 1 where 0;
            .mode off
            select * from t1;
            .mode list
            select 'back to list', 1;

            """#),
        Case(name: "mode names, options and what .mode shows", script: #"""
            .mode tabs
            select 1,2;
            .mode
            .mode box
            .mode
            .mode qbox
            .mode
            .mode qbox
            select * from t1;
            .mode box --wrap 10 --ww --quote
            .mode
            .mode box --wrap 10 --ww --quote
            select * from t1;
            .mode column --wrap 10
            select 'hello world, this is a test' as longcolumnname, 'abcdefghijklmnop' as b;
            .mode column --wrap 10 --ww
            select 'hello world, this is a test' as longcolumnname, 'abcdefghijklmnop' as b;
            .mode table --wrap 5 -ww
            select 'hello world, this is a test' as longcolumnname, 'abcdefghijklmnop' as b;
            .mode markdown --quote
            select * from t1;
            .mode t
            select 1;
            .mode tab
            select 1,2;
            .mode tabl
            select 1,2;

            """#),
        Case(name: ".width, .show, .echo, .print", script: #"""
            .show
            .mode column
            .width 5 -3 -6 0
            select 1 as a, 'abcdefgh' as bee, 'xy' as c, 3.5 as d union all select 22,'z',null,4;
            .mode box
            select 1 as a, 'abcdefgh' as bee, 'xy' as c, 3.5 as d union all select 22,'z',null,4;
            .width 3
            select 1,2,3;
            .show
            .width 2 -2
            .mode column
            select 1 as abcdef, 123456 as xyz;
            .width abc 5x -0x10 3K 2KiB +4
            .show
            .width
            .mode list
            .echo on
            select 1;
            .print a"b c"d
            .print x\ty "p\"q" 's\tq' \101\x41\q
            .print
            .echo off
            .nullvalue "a\tb\"\\é"
            .separator "\001" "\r\n\t"
            .show

            """#),
        Case(name: "EXPLAIN, EXPLAIN QUERY PLAN and .eqp", script: #"""
            create index t2x on t2(x);
            explain query plan select * from t1;
            explain query plan select * from t2 where x=5;
            explain query plan select * from t1 join t2 on t1.b=t2.x;
            explain query plan select * from t1 where a in (select x from t2);
            explain query plan select a from t1 union select x from t2;
            explain query plan select a, (select count(*) from t2 where x=t1.a) from t1;
            explain query plan select a from t1 union all select x from t2 union select 5 order by 1;
            explain select 1;
            explain select y from t2;
            .eqp on
            select y from t2;
            select * from t2 where x=2;
            .eqp full
            select y from t2;
            .eqp off
            .explain off
            explain select 1;
            .explain auto
            .mode box
            explain query plan select * from t1;

            """#),
        Case(name: ".parameter and bindings of every kind", script: #"""
            .parameter set :a 5
            .parameter set :r 2.50
            .parameter set :b x'4142'
            .parameter set :n NULL
            .parameter set $t 'hello'
            .parameter set @d 2023-01-01
            .parameter set ?1 11
            .param set :q "'it''s'"
            .parameter set :e 1+2
            .parameter list
            select :a, :r, :b, :n, $t, @d, ?1, :missing, typeof(:b), :q, :e;
            select ?, ?5, ?;
            .parameter unset :a
            select :a;
            .parameter clear
            select :r;
            .parameter list

            """#),
        Case(name: ".dump in every form", script: #"""
            .dump
            .dump t1
            .dump --data-only
            .dump --nosys --newlines t%
            .dump --preserve-rowids
            .dump nomatch%

            """#),
        Case(name: ".schema, .fullschema, .tables, .indexes, .databases", script: #"""
            .schema
            .schema t%
            .schema --indent
            .schema --nosys
            .schema sqlite_master
            .schema ft
            .schema json_each
            .schema --debug t1
            .fullschema
            .fullschema --indent
            .tables
            .tables t%
            .indexes
            .indexes t1
            .databases
            .schema temp.%

            """#),
        Case(name: ".sha3sum", script: #"""
            .sha3sum
            .sha3sum --sha3-256
            .sha3sum --sha3-384
            .sha3sum --sha3-512
            .sha3sum t1
            .sha3sum --schema
            .sha3sum t%
            .sha3sum --debug
            .headers on
            .mode box
            .sha3sum --sha3-256 s%
            .sha3sum nomatch

            """#),
        Case(name: ".import from CSV, a BOM, ascii, and duplicate names", script: #"""
            .import --csv good.csv t_good
            select * from t_good;
            .import --csv -v good.csv t_good2
            .import --csv --skip 1 good.csv t_good
            select count(*) from t_good;
            .import --csv dup.csv t_dup
            .schema t_dup
            .separator ;
            .import -v bom.csv t_bom
            .mode list
            select * from t_bom;
            .import --ascii rows.txt t_ascii
            select * from t_ascii;
            .mode csv
            .import good.csv t_csvmode
            select * from t_csvmode;
            .mode list

            """#, sameErrors: true),
        Case(name: ".import --schema in every order, with the other options", script: #"""
            .import --csv --schema main good.csv t_s1
            .import --schema main --csv good.csv t_s2
            .import --csv --schema temp good.csv t_s3
            .import --schema main --ascii rows.txt t_s4
            .import --csv --skip 1 --schema main -v good.csv t_s5
            .import --csv --schema main good.csv t_s1
            .import -schema main -csv good.csv t_s6
            select * from main.t_s1;
            select * from temp.t_s3;
            select * from t_s4;
            select * from t_s5;
            select count(*) from t_s6;
            .schema t_s%

            """#, sameErrors: true),
        // Found by replaying sqlite3 3.40.1's shell tests (shell1-3.1.4, 3.11.x, 3.20.1, 3.20.4, 3.15.3, 3.16.2, 3.19.x, 3.23b.4, shell4-4.1).
        Case(name: "argument errors of .import, .output, .once, .read, .stats: sqlite3's lines, its help on the output", script: #"""
            .import
            .import good.csv
            .import good.csv t_x BAD
            .import --bogus good.csv t_x
            .output FOO BAD
            .once FOO BAD
            .output --bogus
            .once -x extra
            .read
            .read FOO BAD
            .stats OFF BAD
            .backup FOO BAR BAD
            .restore
            .restore FOO BAR BAD
            select 'after';

            """#, sameErrors: true),
        // shell4-2.3: .dump's own statements, as .trace shows them, are sqlite3's, in its order.
        Case(name: ".trace shows the statements .dump runs, as sqlite3's", script: #"""
            create table tr(a, b);
            insert into tr values (1, 'x'), (2, null);
            .trace stdout
            .dump tr
            .dump nomatch
            .trace off
            select 'after';

            """#, sameErrors: true),
        Case(name: ".read of a script that reads itself: sqlite3's one line at its nesting limit", script: #"""
            .read loop.sql
            select 'after';

            """#, sameErrors: true),
        Case(name: ".quit in a .read file ends that file only, at every depth", script: #"""
            select 'before';
            .read quits.sql
            select 'between';
            .read reads-quits.sql
            select 'after';
            .quit
            select 'not reached';

            """#, sameErrors: true),
        Case(name: "zipfile's hidden column z: each table numbers its own cursors", script: #"""
            create virtual table za using zipfile('za.zip');
            create virtual table zb using zipfile('zb.zip');
            insert into za(name, mode, mtime, data) values ('a.txt', 33188, 0, 'hello');
            insert into zb(name, mode, mtime, data) values ('b.txt', 33188, 0, 'world');
            select name, z from za;
            select name, z from zb;
            select name, z from za;
            select name, z from zipfile('za.zip');
            select name, z from zipfile('zb.zip');
            select x.z, y.z from za x, za y;
            select name, z, zipfile_cds(z) is not null from zb;

            """#, sameErrors: true),
        Case(name: "a support script from a wiki: header comments, settings, a CTE, a trigger, .once, parameters, no final ;", script: #"""
            /*
             * Monthly check of the t1 table.
             * Run: sqlite3 db < check.sql
             */
            -- settings first
            .headers on
            .mode box
            .nullvalue (null)
            WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) -- numbers
            SELECT n.x, t1.b FROM n LEFT JOIN t1 ON t1.a = n.x * 2; /* even rows */
            .param set :lim 2
            .param set @name 'it''s'
            SELECT a, b FROM t1 WHERE a <= :lim OR b = @name;
            CREATE TEMP TABLE log(msg);
            CREATE TEMP TRIGGER t2_log AFTER INSERT ON t2
            BEGIN
              INSERT INTO log VALUES ('added ' || new.y); -- a ; in a comment
            END;
            INSERT INTO t2 VALUES (3, 'three');
            .mode csv
            .once log.csv
            SELECT * FROM log;
            SELECT count(*) FROM log;
            .mode json
            SELECT x, y FROM t2 ORDER BY x
            """#, sameErrors: true),
        Case(name: "ATTACH of a file that does not exist creates it, as sqlite3's: the export recipe", script: #"""
            attach 'export.db' as e;
            create table e.t1_copy as select a, b from t1 where a < 3;
            .databases
            detach e;
            attach 'export.db' as again;
            select count(*) from again.t1_copy;
            vacuum into 'vacuumed.db';
            attach 'vacuumed.db' as v;
            select count(*) from v.t2;

            """#, sameErrors: true),
        Case(name: ".open --readonly: a backup looked at without changing it", script: #"""
            .save copy.db
            .open --readonly copy.db
            select count(*) from t2;
            insert into t2 values (9, 'nine');
            delete from t2;
            select count(*) from t2;
            .open db
            insert into t2 values (9, 'nine');
            select count(*) from t2;

            """#, sameErrors: true),
        Case(name: ".read '|CMD': the script is what the command prints (a compressed dump, say)", script: #"""
            .read '|cat quits.sql'
            .read '|printf "select 7;\nselect 1 from t2 where nosuch;\nselect 8;\n"'
            .read '|exit 3'
            .read |echo
            select 'after';

            """#, sameErrors: true),
        Case(name: "a script with a BOM and CRLF line ends, written on Windows", script: "\u{feff}-- exported from a Windows wiki\r\n.headers on\r\n.mode markdown\r\nSELECT a,\r\n  b FROM t2;\r\n/* done */\r\n.print ok\r\n", sameErrors: true),
        Case(name: "output redirection", script: #"""
            .output o1.txt
            select 1;
            .print hi
            .output
            select 2;
            .once o2.txt
            select 3; select 4;
            select 5;
            .once o3.txt
            .print dot
            select 6;
            .output |tr a-z A-Z
            select 'piped';
            .output stdout
            select 'standard output';
            .output
            .system cat o1.txt o2.txt o3.txt
            .shell echo "a  b" c 'd e'

            """#),
        Case(name: "bytes 0x80-0xFF in literals, names and every mode", latin1: """
            select hex('\(highBytes)'), length('\(highBytes)');
            select '\(highBytes)';
            create table "t\u{e9}"("c\u{fc}l" text, b blob, [n\u{ff}m], `\u{e9}\u{e9}`);
            insert into "t\u{e9}" values ('caf\u{e9}', x'e9', 1, 2), ('\u{ff}\u{fe}\u{80}x', x'ff', 3, 4), ('\u{c3}\u{a9}', x'c3a9', 5, 6);
            insert into t\u{e9} values ('bare \u{e9} name', null, null, null);
            select "c\u{fc}l", hex("c\u{fc}l"), length("c\u{fc}l"), [n\u{ff}m] + `\u{e9}\u{e9}` from "t\u{e9}";
            select 'x\u{e9}' as "\u{e9}t\u{e9}", '\u{ff}' as [\u{fc}];
            .headers on
            .mode list
            select * from "t\u{e9}";
            .mode csv
            select * from "t\u{e9}";
            .mode json
            select * from "t\u{e9}";
            .mode line
            select * from "t\u{e9}";
            .mode quote
            select * from "t\u{e9}";
            .mode tabs
            select * from "t\u{e9}";
            .mode html
            select * from "t\u{e9}";
            .mode tcl
            select * from "t\u{e9}";
            .mode ascii
            select * from "t\u{e9}";
            .mode insert
            select * from "t\u{e9}";
            .mode box
            select * from "t\u{e9}";
            .mode table
            select * from "t\u{e9}";
            .mode markdown
            select * from "t\u{e9}";
            .mode column
            select * from "t\u{e9}";
            .mode list
            .headers off
            .echo on
            select 'echoed \u{e9}';
            .echo off
            create table plain(a, b);
            insert into plain values ('caf\u{e9} \u{ff}', x'ff'), ('line\u{e9}
            two', 'x');
            .dump plain
            select name from sqlite_master where name like 't%';

            """),
        Case(name: "errors quoting bytes that are not UTF-8", latin1: """
            select '\u{e9}' +;
            select * from "no\u{e9}";
            select \u{e9}\u{ff}(1);
            select 'ok \u{e9}';
            select 'unclosed \u{e9};

            """),
        Case(name: "comments in every place", script: """
            -- a line comment first
            /* a block comment
               over three lines */
            /*
             header
            */ select 1;
            select /* inside */ 2; -- after, with a ; in it
            select 3 /* ; */ ; /* after
            several lines ; */
            -- before
            select
              -- between lines
              4
              /* and ; here */
              ;
            /* a; */ select 5; /* b; */ select 6; -- c;
            select '-- not a comment', '/* nor this */';
            select "a--b" from (select 7 as "a--b");
            /**/ select 8;
            /* * / ; */ select 9;
            ;
              ;  -- an empty statement
            create table cmt(a);
            create trigger cmt_tr after insert on cmt begin -- a comment ; in a trigger
              /* and one ; here */ select 1; end;
            insert into cmt values (1);
            select count(*) from cmt;
            -- a comment at the end, no statement after it
            /* and a block comment
            at the end */
            """, sameErrors: true),
        Case(name: "a last statement without ;", script: "select 1;\nselect 2,\n  3", sameErrors: true),
        Case(name: "a last statement without ; after a comment", script: "select 1; -- c\n/* c */ select 'last' -- trailing\n", sameErrors: true),
        Case(name: "a last statement with an unterminated string", script: "select 1;\nSELECT 'unclosed;\n", sameErrors: true),
        Case(name: "a last statement in an unterminated comment", script: "select 1;\n/* unterminated\nselect 2;\n", sameErrors: true),
        Case(name: "an unterminated trigger at the end", script: "create table tt(a);\ncreate trigger ttr after insert on tt begin\n  select 1;\n", sameErrors: true),
        Case(name: "an unterminated string in the middle", script: "select 1;\nSELECT 'unclosed;\nselect 3;\nselect 4';\nselect 5;\n", sameErrors: true),
        Case(name: "/ and go end a statement", script: "select 1\n/\nselect 2\n  GO  \nselect 3\ngo -- x\n/\nselect 'a\n/\n';\n", sameErrors: true),
        Case(name: "# lines, blank lines, leading white space, CRLF", script: "# a comment line\n\n   \t select 1;\r\nselect\r\n 2;\r\n", sameErrors: true),
        // `.progress`: the same SQL on the same SQLite library calls the handler as often, so
        // the counts are sqlite3's exactly. The first query loads the schema in both programs.
        Case(name: ".progress N: a line every N steps, on the output, until .progress", script: """
            select count(*) from t1;
            .progress 5
            create table pr(a);
            insert into pr values(1),(2),(3);
            select * from pr;
            select count(*) from pr, pr as u;
            .progress
            select * from pr;
            .progress 3
            .once pr.txt
            select * from pr;
            .progress 0
            select 'off';

            """, sameErrors: true),
        Case(name: ".progress --limit, --reset, --quiet, --once: sqlite3's interrupts and counts", script: """
            select count(*) from t1;
            create table pr(a);
            insert into pr values(1),(2),(3);
            .progress 3 --limit 4
            select count(*) from pr, pr as u;
            select 1;
            .progress 3 --limit 2 --reset --quiet
            select * from pr; select 2;
            select 3;
            .progress 2 --limit 2 --once
            select * from pr;
            select * from pr;
            .progress 1 -q --limit 3 --reset
            select * from pr;
            .progress 2 --limit 3 --reset
            select 1;
            select 2;
            select 3;
            .progress 4 --limit -1
            select * from pr;
            .progress 0x2 --limit 1k
            select * from pr;
            .progress
            select 'off';

            """, sameErrors: true),
        Case(name: ".progress: an unknown option, --limit without N, a word that is no number", script: """
            select count(*) from t1;
            .progress 2 --bogus
            select 'after';
            .progress 1 --limit
            select 'after';
            .progress 3 --limit 1 --quiet
            .progress 9 --bogus
            select 'the handler stays, its options do not';
            .progress --reset
            select 'still counting';
            .progress abc
            select 'off';

            """, sameErrors: true),
        Case(name: "error positions", script: #"""
            selec 1;
            select * from nosuchtable;
            select 1 +;
            select 'aaaaaaaaaaaaaaaaaaaa', nosuchcol from t2;
            select 1,
            	nosuchcol
            from t2; select 2;
            create table t2(a);
            select 1; selec 2; select 3;
            insert into t1 values(1,2,3,4,5);
            select json('{');

            """#, sameErrors: true),
    ]

    /// Runs `script` through sqlite3 and migsh, each in a folder of its own holding a copy of
    /// the fixture (named `db`) and the files.
    static func runBoth(_ script: Data, in dir: String, environment: [String: String] = [:]) throws -> (sqlite3: ByteResult, migsh: ByteResult) {
        let source = dir + "/fixture.sqlite"
        _ = sqlite(source, fixture)
        var results: [ByteResult] = []
        for (side, program) in [("sqlite3", sqlite3Binary), ("migsh", migshBinary)] {
            let folder = dir + "/" + side
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: source, toPath: folder + "/db")
            for (name, text) in files { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
            let arguments = side == "sqlite3" ? ["-init", "/dev/null", "db"] : ["--noinit", "--no-bail", "db"]
            results.append(try runCollectingBytes(program, arguments, stdin: script, in: folder, environment: environment))
        }
        return (results[0], results[1])
    }

    @Test("migsh prints what sqlite3 prints", arguments: corpus)
    func sameOutput(_ input: Case) throws {
        try Self.expectSameOutput(input)
    }

    /// Runs a corpus case through both programs and expects the same standard output (and
    /// standard error, for `sameErrors`) and exit status: the corpus tests' one check.
    static func expectSameOutput(_ input: Case, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try withTemporaryDirectory { dir in
            let (theirs, ours) = try runBoth(input.input, in: dir)
            // The folders differ only in name (sqlite3/ and migsh/): paths print alike.
            let mine = ours.stdout.replacing("/migsh/", with: "/sqlite3/")
            #expect(mine == theirs.stdout, "migsh:\n\(ours.stdoutDescription)\nsqlite3:\n\(theirs.stdoutDescription)", sourceLocation: sourceLocation)
            if input.sameErrors {
                #expect(ours.stderrBytes == theirs.stderrBytes, "migsh:\n\(ours.stderrDescription)\nsqlite3:\n\(theirs.stderrDescription)",
                        sourceLocation: sourceLocation)
            }
            #expect(ours.status == theirs.status, "migsh exited \(ours.status), sqlite3 \(theirs.status)\n\(ours.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test(".vfslist: sqlite3's list, apndvfs included, the database's VFS marked current")
    func vfsList() throws {
        try withTemporaryDirectory { dir in
            let (theirs, ours) = try Self.runBoth(Data(".vfslist\n".utf8), in: dir)
            // sqlite3's shell registers apndvfs (not as the default), and so does migsh.
            #expect(String(decoding: theirs.stdout, as: UTF8.self).contains("vfs.zName      = \"apndvfs\"\nvfs.iVersion   = 3\nvfs.szOsFile   = 144\n"),
                    "sqlite3:\n\(theirs.stdoutDescription)")
            #expect(ours.stdout == theirs.stdout, "migsh:\n\(ours.stdoutDescription)\nsqlite3:\n\(theirs.stdoutDescription)")
            #expect(String(decoding: ours.stdout, as: UTF8.self).contains("  <--- CURRENT\n"))
            #expect(ours.stderr.isEmpty)
            #expect(ours.status == 0)
        }
    }

    @Test(".vfslist, .vfsinfo and .vfsname on :memory: mark and show nothing until SQL or a command opens it, as sqlite3 opens it then",
          arguments: [".vfslist\n.vfsinfo\n.vfsname\nselect 1;\n.vfslist\n.vfsinfo\n.vfsname\n",
                      ".headers on\n.vfslist\n.tables\n.vfslist\n", ".timer on\n.vfsinfo\n.schema\n.vfsinfo\n"])
    func vfsOfMemoryDatabase(_ script: String) throws {
        try withTemporaryDirectory { dir in
            let (theirs, ours) = try ExpertCommandTests.runBoth((["-init", "/dev/null", ":memory:"], ["--noinit", ":memory:"]), stdin: script, in: dir)
            ExpertCommandTests.expectSame(theirs, ours, script)
        }
        // The COMMAND arguments' SQL opens it too.
        try withTemporaryDirectory { dir in
            let words = [".vfslist", "select 1", ".vfslist"]
            let (theirs, ours) = try ExpertCommandTests.runBoth((["-init", "/dev/null", ":memory:"] + words, ["--noinit", ":memory:"] + words), in: dir)
            ExpertCommandTests.expectSame(theirs, ours, "\(words)")
        }
    }

    @Test(".timer on: one Run Time line per chunk of input (a line of several statements gives one; a failing one still gets it), none for -cmd or a COMMAND argument; .changes likewise",
          arguments: [
            ".timer on\nselect 1; select 2;\nselect 1 +;\n;\n-- only a comment\nselect 3; -- tail\n/* only */\nselect 4;\nselect 5;\nselect nosuch from t2; select 6;\nselect abs(-9223372036854775808);\n",
            ".changes on\ncreate table z(a); insert into z values(1),(2);\n.timer on\ninsert into z values(3); select count(*) from z;\ninsert into z values(4); select nosuch from z;\n;\nselect\n  7;\n",
          ])
    func timerPerChunk(_ script: String) throws {
        try withTemporaryDirectory { dir in
            let (theirs, ours) = try Self.runBoth(Data(script.utf8), in: dir)
            let mine = ExpertCommandTests.maskingRunTimes(ours.stdout), reference = ExpertCommandTests.maskingRunTimes(theirs.stdout)
            #expect(mine == reference, "migsh:\n\(mine)\nsqlite3:\n\(reference)")
            #expect(reference.contains("Run Time: real R user U sys S\n"), "sqlite3:\n\(reference)")
            #expect(ours.stderrBytes == theirs.stderrBytes && ours.status == theirs.status,
                    "migsh (exit \(ours.status)):\n\(ours.stderrDescription)\nsqlite3 (exit \(theirs.status)):\n\(theirs.stderrDescription)")
        }
        try withTemporaryDirectory { dir in
            let words = ["-cmd", ".timer on", "-cmd", ".changes on", "-cmd", "create table y(a); insert into y values(1)", "db", "insert into y values(2); select count(*) from y"]
            let (theirs, ours) = try ExpertCommandTests.runBoth((["-init", "/dev/null"] + words, ["--noinit"] + words), in: dir)
            ExpertCommandTests.expectSame(theirs, ours, "\(words)")
        }
    }

    @Test("a ZIP archive as the database (FILE, .open FILE, .open --zip, -zip) is refused with the reason and the table sqlite3 would make; that table works in :memory:")
    func zipArchiveAsDatabase() throws {
        try withTemporaryDirectory { dir in
            let script = "create virtual table z using zipfile('x.zip'); insert into z(name, data) values('f1', 'hello');"
            #expect(try runCollectingBytes(sqlite3Binary, ["-init", "/dev/null", ":memory:", script], stdin: Data(), in: dir).status == 0)
            // sqlite3 3.40 opens it as :memory: with the archive as the table zip (the README says so).
            let theirs = try runCollectingBytes(sqlite3Binary, ["-init", "/dev/null", "x.zip", "select name, data from zip"], stdin: Data(), in: dir)
            #expect(theirs.stdout == Data("f1|hello\n".utf8) && theirs.status == 0, "\(theirs.stdoutDescription)\(theirs.stderrDescription)")
            let archive = try Data(contentsOf: URL(fileURLWithPath: dir + "/x.zip"))
            let reason = "x.zip is a ZIP archive, not an SQLite database: migsh does not open a ZIP archive as a database (sqlite3 opens :memory: with it as the zipfile table zip); the same table: migsh :memory: \"CREATE VIRTUAL TABLE zip USING zipfile('x.zip')\"\n"
            let opened = try runCollectingBytes(migshBinary, ["--noinit", "x.zip", "select name, data from zip"], stdin: Data(), in: dir)
            #expect(opened.stdout.isEmpty && opened.stderr == "Error: " + reason && opened.status == 1, "\(opened.stderrDescription)")
            let dotOpen = try runCollectingBytes(migshBinary, ["--noinit", "--no-bail", ":memory:"],
                                                 stdin: Data(".open --zip x.zip\nselect 1;\n.open x.zip\nselect 2;\n".utf8), in: dir)
            #expect(dotOpen.stdout == Data("1\n2\n".utf8) && dotOpen.stderr == "Error: near line 1: " + reason + "Error: near line 3: " + reason
                    && dotOpen.status == 1, "\(dotOpen.stdoutDescription)\(dotOpen.stderrDescription)")
            let option = try runCollectingBytes(migshBinary, ["--noinit", "-zip", "x.zip", "select 1"], stdin: Data(), in: dir)
            #expect(option.stdout.isEmpty && option.stderr.contains("-zip is not supported") && option.status == 1, "\(option.stderrDescription)")
            // Nothing written: the archive as it was, no audit log or backups beside it.
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/x.zip")) == archive)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["x.zip"])
            let table = try runCollectingBytes(migshBinary, ["--noinit", ":memory:", "CREATE VIRTUAL TABLE zip USING zipfile('x.zip')", "select name, data from zip"],
                                               stdin: Data(), in: dir)
            #expect(table.stdout == theirs.stdout && table.status == 0, "\(table.stdoutDescription)\(table.stderrDescription)")
        }
    }

    @Test("output redirection writes the same files as sqlite3, created 0600")
    func redirectedFiles() throws {
        try withTemporaryDirectory { dir in
            let script = Self.corpus.first { $0.name == "output redirection" }!.script
            _ = try Self.runBoth(Data(script.utf8), in: dir)
            for name in ["o1.txt", "o2.txt", "o3.txt"] {
                #expect(contents(of: "\(dir)/migsh/\(name)") == contents(of: "\(dir)/sqlite3/\(name)"), "\(name)")
                #expect(fileMode("\(dir)/migsh/\(name)") == 0o600, "\(name) is not private")
            }
            #expect(contents(of: "\(dir)/migsh/o1.txt") == Data("1\nhi\n".utf8))
        }
    }

    @Test(".excel, .once -x, .once -e: the next output in a temporary file for the system's opener (xdg-open), as sqlite3 writes it")
    func excelHandsTheFileToTheOpener() throws {
        try withTemporaryDirectory { dir in
            // A fake opener first on PATH: it keeps what it was given beside the database.
            let bin = dir + "/bin"
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            try makeTool(name: "xdg-open", script: "#!/bin/sh\ncat \"$1\" >> opened.txt\necho '--' >> opened.txt\necho \"opened $#\"\n", in: bin)
            let script = """
                .headers on
                .excel
                select a, b, c, e from t1 where a < 5;
                select 'after', 1;
                .mode box
                .once --bom -x
                select b, e from t1 where a < 3;
                select 'box again';
                .once -e
                select 'editor', null;
                .excel zz
                .excel --x
                select 'end';

                """
            let (theirs, ours) = try Self.runBoth(Data(script.utf8), in: dir, environment: ["PATH": bin + ":/usr/bin:/bin"])
            #expect(ours.stdout == theirs.stdout, "migsh:\n\(ours.stdoutDescription)\nsqlite3:\n\(theirs.stdoutDescription)")
            #expect(ours.stderrBytes == theirs.stderrBytes, "migsh:\n\(ours.stderrDescription)\nsqlite3:\n\(theirs.stderrDescription)")
            #expect(ours.status == theirs.status, "migsh exited \(ours.status), sqlite3 \(theirs.status)")
            let opened = contents(of: dir + "/migsh/opened.txt")
            #expect(opened != nil && opened == contents(of: dir + "/sqlite3/opened.txt"),
                    "migsh:\n\(String(decoding: opened ?? Data(), as: UTF8.self))\nsqlite3:\n\(String(decoding: contents(of: dir + "/sqlite3/opened.txt") ?? Data(), as: UTF8.self))")
            #expect(opened.map { String(decoding: $0, as: UTF8.self).hasPrefix("a,b,c,e\r\n1,\"it's\",1.5,\r\n") } == true)
        }
    }

    @Test(".excel without an opener: sqlite3's lines (the file's random name aside), and the file is gone at the end")
    func excelWithoutAnOpener() throws {
        try withTemporaryDirectory { dir in
            let script = ".excel\nselect 1;\nselect 2;\n"
            let (theirs, ours) = try Self.runBoth(Data(script.utf8), in: dir, environment: ["PATH": dir + "/nothing"])
            let named = /\[xdg-open ([^\]\n]*)\]/
            let masked = { (text: String) in text.replacing(named) { _ in "[xdg-open FILE]" } }
            #expect(ours.stdout == theirs.stdout, "migsh:\n\(ours.stdoutDescription)\nsqlite3:\n\(theirs.stdoutDescription)")
            #expect(masked(ours.stderr) == masked(theirs.stderr), "migsh:\n\(ours.stderr)\nsqlite3:\n\(theirs.stderr)")
            #expect(masked(ours.stderr).contains("Failed: [xdg-open FILE]\n"), "\(ours.stderr)")
            #expect(ours.status == theirs.status)
            let file = ours.stderr.firstMatch(of: named).map { String($0.1) }
            #expect(file != nil && !FileManager.default.fileExists(atPath: file!), "\(file ?? "no file named")")
        }
    }

    @Test(".progress counts only the user's SQL: .apply runs the migrations and its own queries without a Progress line or a stop")
    func progressSkipsMigrationSQL() throws {
        try withTemporaryDirectory { dir in
            let result = try migsh(["--create", "--no-bail", "-m", repositoryMigrations, dir + "/db"],
                                   script: ".progress 5 --limit 3\n.apply --yes\nselect count(*) from sqlite_schema where name = 'personnel';\n")
            #expect(result.status == 1, "\(result)")
            // Before .apply nothing was counted; the query after it is the first counted.
            #expect(result.stdout.contains("applied 8 migrations: version 0 → 8\n"), "\(result)")
            let progress = result.stdout.split(separator: "\n").filter { $0.hasPrefix("Progress") }
            #expect(progress == ["Progress 1", "Progress 2", "Progress limit reached (3)"], "\(result)")
            #expect(result.stderr.hasSuffix("Runtime error near line 3: interrupted (9)\n"), "\(result)")
            #expect(sqlite(dir + "/db", "select max(version) from schema_version") == "8")
        }
    }

    @Test(".dump round trip: migsh's dump loads into sqlite3 and dumps back identical")
    func dumpRoundTrip() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            _ = sqlite(db, Self.fixture)
            let dumped = try migsh([db, ".dump"])
            #expect(dumped.status == 0, "\(dumped)")
            let copy = dir + "/copy.sqlite"
            let load = try runProcess(sqlite3Binary, ["-bail", copy], stdin: Data(dumped.stdout.utf8))
            #expect(load.status == 0, "\(load)")
            #expect(sqlite(copy, ".dump") == sqlite(db, ".dump"))
            #expect(sqlite(copy, "PRAGMA integrity_check") == "ok")
            // The audit log says a dump was taken and where it went.
            let audit = String(decoding: contents(of: db + "-audit.jsonl") ?? Data(), as: UTF8.self)
            #expect(audit.contains("\"event\":\"dump\"") && audit.contains("\"destination\":\"stdout\""), "\(audit)")
        }
    }

    @Test(".import round trip: .once a CSV, .import it into a new table, the same rows")
    func importRoundTrip() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            _ = sqlite(db, Self.fixture)
            let result = try migsh([db], script: """
                .headers on
                .mode csv
                .once \(dir)/t1.csv
                select a, b, c, e from t1;
                .import \(dir)/t1.csv t1_copy
                """)
            #expect(result.status == 0, "\(result)")
            // Imported values are text (CSV has no types, and NULL reads as ''); the keys and the
            // texts — quotes, commas, newlines, CR LF, tabs, unicode — come back byte for byte.
            #expect(sqlite(db, "select a, hex(b), c from t1_copy order by cast(a as integer)")
                    == sqlite(db, "select a, hex(b), c from t1 order by a"))
            #expect(sqlite(db, "select count(*) from t1_copy") == "6")
        }
    }

    @Test(".import: a malformed row gives sqlite3's messages and imports nothing; --readonly refuses it")
    func importRefusesBadRows() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            _ = sqlite(db, "create table x(a,b,c); insert into x values (0,0,0);")
            try "1,2,3\n1,2\n1,2,3,4,5\n\"abc,5,6\n".write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
            let before = dump(db)
            let result = try migsh([db, ".import --csv \(dir)/bad.csv x"])
            #expect(result.status == 1)
            #expect(result.stderr == """
                \(dir)/bad.csv:2: expected 3 columns but found 2 - filling the rest with NULL
                \(dir)/bad.csv:3: expected 3 columns but found 5 - extras ignored
                \(dir)/bad.csv:4: unterminated "-quoted field
                \(dir)/bad.csv:4: expected 3 columns but found 1 - filling the rest with NULL
                Error: 4 problems in \(dir)/bad.csv; nothing was imported

                """, "\(result)")
            #expect(dump(db) == before)
            let readonly = try migsh(["--readonly", db, ".import --csv \(dir)/bad.csv x"])
            #expect(readonly.status == 1 && readonly.stderr.contains("--readonly"), "\(readonly)")
            #expect(dump(db) == before)
        }
    }

    @Test("-safe refuses .load, .clone, .save and .log as sqlite3 does; --readonly refuses .load (an extension's code can write)",
          arguments: [".load x", ".clone c.db", ".save s.db", ".log stderr"])
    func safeAndReadOnlyRefusals(_ command: String) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            _ = sqlite(db, "create table x(a); insert into x values (1);")
            let theirs = try runProcess(sqlite3Binary, ["-safe", db, command, "select 1;"], cwd: dir)
            let ours = try migsh(["-safe", db, command, "select 1;"], cwd: dir)
            #expect(ours.status == theirs.status && ours.stdout == theirs.stdout && ours.stderr == theirs.stderr,
                    "migsh\n\(ours)\nsqlite3\n\(theirs)")
            #expect(!fileExists(dir + "/c.db") && !fileExists(dir + "/s.db"))
            if command.hasPrefix(".load") {
                let readOnly = try migsh(["--readonly", db, command])
                #expect(readOnly.status == 1 && readOnly.stderr == "Error: .load refused: the database was opened with --readonly\n", "\(readOnly)")
            }
        }
    }

    @Test(".output runs under --readonly (.shell does not: ReadOnlyShellTests)")
    func readonlyAllowsOutput() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            _ = sqlite(db, "create table x(a); insert into x values (1);")
            let result = try migsh(["--readonly", db, ".output \(dir)/out.txt", "select a from x;", ".output stdout", ".print printed"])
            #expect(result.status == 0, "\(result)")
            #expect(contents(of: dir + "/out.txt") == Data("1\n".utf8))
            #expect(result.stdout == "printed\n")
        }
    }

    @Test(".output off and .output stdout are standard output; .output stderr is standard error")
    func outputTargets() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            _ = sqlite(db, "create table x(a)")
            let result = try migsh([db], script: ".output off\nselect 1;\n.output stderr\nselect 2;\n.output stdout\nselect 3;\n", cwd: dir)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout == "1\n3\n")
            #expect(result.stderr == "2\n")
            #expect(!fileExists(dir + "/off") && !fileExists(dir + "/stdout"))
        }
    }

    @Test(".output never writes through a symbolic link; a write that fails (a full disk) is an error, not silence")
    func outputRefusesSymlinksAndReportsFailedWrites() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            _ = sqlite(db, "create table x(a); insert into x values (1);")
            try "precious\n".write(toFile: dir + "/target.txt", atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: dir + "/link.txt", withDestinationPath: dir + "/target.txt")
            let linked = try migsh([db, ".output \(dir)/link.txt", "select a from x;"])
            #expect(linked.status == 1, "\(linked)")
            #expect(linked.stderr.contains("is a symbolic link"), "\(linked)")
            #expect(try String(contentsOfFile: dir + "/target.txt", encoding: .utf8) == "precious\n")
            // A file-size limit of 4 KiB: the file stops growing; migsh says so and exits 1.
            let full = try ReliabilityKit.migshWithFileSizeLimit(kib: 4, [db, ".output \(dir)/big.txt",
                "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c LIMIT 200000) SELECT n FROM c;", ".output"])
            #expect(full.status == 1, "\(full)")
            #expect(full.stderr.contains("writing \(dir)/big.txt failed") && full.stderr.contains("the file is incomplete"), "\(full)")
        }
    }
}
