import Crypto
import Foundation
import Testing

/// sqlite3 3.40's `.archive` (`.ar`) and its SQL functions `sqlar_compress`/`sqlar_uncompress`,
/// byte for byte: each script goes through the built migsh and /usr/bin/sqlite3 on copies of
/// the same database (SQLiteCommandsTests' fixture), each making the same files with
/// `writefile` first, and standard output, standard error and the exit status must be the
/// same. Then round trips: an archive made by one program is extracted by the other, and the
/// files come back byte for byte, with their modes and times.
@Suite("sqlite3's .archive: byte for byte")
struct ArchiveCommandTests {
    typealias Case = SQLiteCommandsTests.Case

    /// The files every case archives: a folder tree with fixed times (folders last, as
    /// writing into a folder moves its time), a compressible file, one that does not
    /// compress, an empty one, a name with a quote and one with a non-ASCII letter.
    static let files = """
        select writefile('d/a.txt', 'hello' || char(10), 420, 1000000000);
        select writefile('d/sub/z.bin', zeroblob(3000), 384, 1000000001);
        select writefile('d/sub/é.txt', 'accent', 493, 1000000002);
        select writefile('d/empty', x'', 420, 1000000003);
        select writefile('d/it''s', 'hi', 420, 1000000004);
        select writefile('d/sub', null, 16877, 1000000005);
        select writefile('d', null, 16872, 1000000006);

        """

    /// A ZIP archive Python's zipfile wrote (MS-DOS times, no extended timestamps): a folder,
    /// a deflated file, a stored one, an empty one, and one bzip2-compressed (method 12).
    static let zipHex = """
        504B0304140000000000A320432A000000000000000000000000040000006469722F504B03041400000008007DBF9F3DF331
        A20D0E00000058020000090000006469722F612E747874CB48CDC9C957C818254749AA9200504B0304140000000000000021
        268CCE0E1040000000400000000A00000073746F7265642E62696E000102030405060708090A0B0C0D0E0F10111213141516
        1718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F504B03041400000000
        0000605D5000000000000000000000000005000000656D707479504B03042E0000000C0000605D50038A62AC270000003200
        000006000000627A2E747874425A6839314159265359900245A200000210800001004020002100820B177245385090900245
        A2504B01021403140000000000A320432A000000000000000000000000040000000000000000001000ED4100000000646972
        2F504B010214031400000008007DBF9F3DF331A20D0E00000058020000090000000000000000000000A48122000000646972
        2F612E747874504B01021403140000000000000021268CCE0E1040000000400000000A000000000000000000000080815700
        000073746F7265642E62696E504B0102140314000000000000605D5000000000000000000000000005000000000000000000
        0000A481BF000000656D707479504B01022E032E0000000C0000605D50038A62AC2700000032000000060000000000000000
        000000A481E2000000627A2E747874504B05060000000005000500080100002D0100000000
        """

    static let corpus: [Case] = [
        Case(name: "create, list and extract an archive file", script: files + """
            .ar -cf ar.sar d
            .ar -tf ar.sar
            .ar -tvf ar.sar
            .ar -xvf ar.sar -C out
            select name, lsmode(mode), mtime, length(data), hex(data) from fsdir('out') where name <> 'out' order by name;
            attach 'ar.sar' as a;
            select name, mode, mtime, sz, hex(data) from a.sqlar order by name;
            detach a;
            .ar -cvf ar.sar d/sub
            .ar -tvf ar.sar
            select 'after';

            """, sameErrors: true),
        Case(name: "the database's own sqlar table: create, update, insert, remove", script: files + """
            .ar -cv d
            .ar -t
            .ar -uv d
            select writefile('d/a.txt', 'changed', 420, 1000000100);
            .ar -uv d
            .ar -iv d/a.txt d/empty
            .ar -rv d/sub
            .ar -tv
            .ar -r
            .ar -xC x2
            select name, mode, mtime, sz, hex(data) from sqlar order by name;
            select name, lsmode(mode), mtime, hex(data) from fsdir('x2') where name <> 'x2' order by name;
            .ar -v
            select count(*) from sqlar;
            .ar -c
            select count(*) from sqlar;
            .schema sqlar

            """, sameErrors: true),
        Case(name: "options as sqlite3 reads them: clusters, tar's style, long names and prefixes, --, values joined", script: files + """
            .ar cf ar2.sar d/a.txt d/sub
            .ar tf ar2.sar
            .ar tvf ar2.sar d/sub
            .ar --create --file ar3.sar --directory d sub a.txt
            .ar --li --fi ar3.sar
            .ar --list --verb --file ar3.sar sub/
            .ar -t -f ar3.sar sub///
            .ar -tfar3.sar
            .ar -tgf ar3.sar 's*/*.bin'
            .ar -tg -f ar3.sar '*.txt'
            .ar -tf ar3.sar -- a.txt
            .ar -Cout2 -xf ar3.sar sub
            .ar --extract --directory out3 --file ar3.sar --glob 'a*'
            select name from fsdir('out2') order by name;
            select name from fsdir('out3') order by name;
            .ar -tvf ar3.sar -
            .ar -tf ar3.sar ''
            .ar --list --file ar3.sar -- -v
            select 'after';

            """, sameErrors: true),
        Case(name: "--dryrun prints the SQL and changes nothing", script: files + """
            .ar -cf ar.sar d
            .ar -cnf dry.sar d
            .ar -cvnf dry.sar d/sub -C d
            .ar -unf ar.sar d
            .ar -invf ar.sar d/a.txt
            .ar -tnf ar.sar
            .ar -tvnf ar.sar d/sub
            .ar -tgnf ar.sar '*.txt'
            .ar -xnf ar.sar -C out
            .ar -xnvf ar.sar d/a.txt
            .ar -rnf ar.sar d/a.txt "d/it's"
            .ar -rnf ar.sar
            .ar -cn "it's" x
            .ar -tnf ar.sar nosuch
            select count(*) from fsdir('out');
            .ar -tf ar.sar
            select name from sqlite_schema where name = 'sqlar';

            """, sameErrors: true),
        Case(name: "help and errors: wrong words, missing files, no sqlar table, a damaged archive, unwritable folders", script: files + """
            .ar
            .ar --help
            .ar -h
            .ar -q
            .ar qf x
            .ar --bogus
            .ar --d x
            .ar -tx
            .ar -th
            .ar -f
            .ar tf
            .ar --file
            .ar -tf nofile.sar
            .ar -tf good.csv
            .ar -t
            .ar -x
            .ar -cf ar.sar d
            .ar -xf ar.sar nosuch
            .ar -tf ar.sar d/a.txt nosuch/
            .ar -rf ar.sar nosuch
            .ar -rf ar.sar
            .ar -cf new.sar nosuchdir
            .ar -tf new.sar
            .ar -cf /proc/nope/x.sar d
            .ar -xf ar.sar -C /proc/nope
            .ar -cf good.csv d
            attach 'ar.sar' as a;
            update a.sqlar set data = x'789c0102' where name = 'd/sub/z.bin';
            detach a;
            .ar -xvf ar.sar -C damaged
            select writefile('l/a.txt', 'x', 420, 1000000000), writefile('l/link', 'a.txt', 41471);
            .ar -cf links.sar l
            .ar -tf links.sar
            .ar -xvf links.sar -C lo
            select name from fsdir('damaged') order by name;
            .ar -tvf ar.sar d/sub/z.bin
            select 'after';

            """, sameErrors: true),
        Case(name: ".output: listings go to its file, sqlite3_exec's errors to standard output", script: files + """
            .ar -cf ar.sar d
            .output o.txt
            .ar -tvf ar.sar
            .ar -cvnf dry.sar d/a.txt
            .ar -rf ar.sar
            .ar -cf new.sar nosuchdir
            .ar -xf ar.sar nosuch
            .output
            select readfile('o.txt');
            select 'after';

            """, sameErrors: true),
        Case(name: "ZIP archives: .ar lists and extracts them, zipfile() reads them", script: files + """
            select writefile('p.zip', x'\(zipHex.replacing("\n", with: ""))');
            .ar -tf p.zip
            .ar -tvf p.zip
            .ar -tnf p.zip dir
            .ar -xvf p.zip -C zout
            .ar -xnf p.zip -C zout stored.bin
            select name, lsmode(mode), mtime, hex(data) from fsdir('zout') where name <> 'zout' order by name;
            select name, mode, mtime, sz, length(rawdata), hex(data), method, typeof(z) from zipfile('p.zip');
            select name, sz from zipfile(readfile('p.zip')) where name like 'dir%';
            select count(*) from zipfile('p.zip') where z = 5;
            .ar -tf p.zip nosuch
            .ar -tf nosuch.zip
            .ar -xf nosuch.zip
            select * from zipfile('nosuch.zip');
            select * from zipfile('db');
            select * from zipfile(x'');
            select * from zipfile(substr(readfile('p.zip'), 1, 300));
            select * from zipfile();
            select writefile('cut.zip', substr(readfile('p.zip'), 1, length(readfile('p.zip')) - 30));
            select name from zipfile('cut.zip');
            .ar -tf cut.zip
            select 'after';

            """, sameErrors: true),
        Case(name: "ZIP archives: .ar -c, -u, -i write them as sqlite3 does, byte for byte; -r fails as in sqlite3", script: files + """
            .ar -cf w.zip d
            .ar -tvf w.zip
            select hex(readfile('w.zip'));
            .ar -uvf w.zip d
            select name, mode, mtime, sz, method from zipfile('w.zip');
            select writefile('d/a.txt', 'changed' || char(10), 420, 1000000100);
            .ar -uvf w.zip d/a.txt
            .ar -ivf w.zip d/empty
            select hex(readfile('w.zip'));
            .ar -cvf w.zip d/sub
            .ar -tvf w.zip
            .ar -rf w.zip d/a.txt
            .ar -rf w.zip
            .ar -cf new.zip d/empty nosuch
            select hex(readfile('new.zip'));
            .ar -xvf w.zip -C wout
            select name, lsmode(mode), mtime, hex(data) from fsdir('wout') where name <> 'wout' order by name;
            .ar -cf /nonexistent/dir/x.zip d
            select 'after';

            """, sameErrors: true),
        Case(name: "-a: an SQL archive appended to an executable: create, list, extract, update, insert, remove", script: files + """
            select length(writefile('app', readfile('/usr/bin/true'))) > 1000;
            .ar -a app -cv d
            select length(readfile('app')) % 512, hex(substr(readfile('app'), -25));
            select substr(readfile('app'), 1, length(readfile('/usr/bin/true'))) = readfile('/usr/bin/true');
            select hex(substr(readfile('app'), length(readfile('/usr/bin/true')) + 1, 16));
            .ar -a app -t
            .ar --append app -tv d/sub
            .ar -tvf app
            .ar -a app -xv -C out
            select name, lsmode(mode), mtime, length(data), hex(data) from fsdir('out') where name <> 'out' order by name;
            select hex(sha3(readfile('app')));
            .ar -a app -uv d
            select writefile('d/a.txt', 'changed', 420, 1000000100);
            .ar -a app -uv d
            .ar -a app -iv d/empty
            .ar -a app -rv d/sub
            .ar -a app -tv
            .ar -uvf app d/empty
            .ar -a app -x -C out2 d/a.txt
            select name, hex(data) from fsdir('out2') where name <> 'out2' order by name;
            select hex(sha3(readfile('app'))), length(readfile('app')) % 512;
            select substr(readfile('app'), 1, length(readfile('/usr/bin/true'))) = readfile('/usr/bin/true');
            .ar -a new.sar -c d/a.txt
            select length(readfile('new.sar')) % 512, hex(substr(readfile('new.sar'), -25)), hex(substr(readfile('new.sar'), 1, 16));
            .ar -tvf new.sar
            .ar -a new.sar -tv
            select 'after';

            """, sameErrors: true),
        Case(name: "-a: errors (no file, not an appended database, an ordinary database, unwritable) and --dryrun", script: files + """
            select length(writefile('app', readfile('/usr/bin/true'))) > 1000;
            .ar -a nosuch.db -t
            .ar -a nosuch.db -x
            .ar -a good.csv -t
            .ar -a app -t
            .ar -a app -xv
            .ar -tf app
            .ar -a db -t
            .ar -a /proc/nope/x -c d
            .ar -a
            .ar -a app
            .ar -a app -cnv d
            .ar -a app -tnv
            .ar -a app -xn -C out
            select length(readfile('app'));
            .ar -a app -c nosuchdir
            select length(readfile('app')) % 512, hex(substr(readfile('app'), -25));
            .ar -a app -tv
            .ar -tnf app
            .ar -a app -c d/a.txt
            .ar -a app -rv nosuch
            .ar -a app -x nosuch
            select writefile('app2', readfile('app'));
            select writefile('app', substr(readfile('app2'), 1, length(readfile('app2')) - 1));
            .ar -a app -t
            .ar -tf app
            select writefile('app', substr(readfile('app2'), 1, length(readfile('app2')) - 25) || 'Start-Of-SQLite3-' || x'00000000000000FF');
            .ar -a app -t
            select 'after';

            """, sameErrors: true),
        Case(name: "zipfile_cds(z): the central-directory record of each row, in a read and in a write transaction", script: """
            select writefile('p.zip', x'\(zipHex.replacing("\n", with: ""))');
            select name, zipfile_cds(z) from zipfile('p.zip');
            select zipfile_cds(z, 1) is not null, ZipFile_CDS(z) = zipfile_cds(z) from zipfile('p.zip') limit 1;
            select count(*) from zipfile('p.zip') where zipfile_cds(name) is null;
            select name, zipfile_cds(z) from zipfile(readfile('p.zip')) where name like 's%';
            create virtual table temp.w using zipfile('w.zip');
            insert into w(name, mode, mtime, data) values('x', '-rw-r--r--', 1000000000, 'abc');
            insert into w(name, mtime) values('dir', 1000000001);
            select name, zipfile_cds(z) from w;
            begin;
            insert into w(name, mtime, data, method) values('y', 1000000002, 'abcabcabcabcabcabcabcabc', 8);
            select name, zipfile_cds(z) from w;
            commit;
            select name, zipfile_cds(z) from w where name = 'y';
            select a.name, b.name, zipfile_cds(b.z) from zipfile('p.zip') a, w b where a.name = 'empty';
            select zipfile_cds(z + 0) from zipfile('p.zip');
            select zipfile_cds(1);
            select zipfile_cds();
            select 'after';

            """, sameErrors: true),
        Case(name: "the zipfile() aggregate returns sqlite3's ZIP blob", script: """
            select hex(zipfile(name, mode, mtime, data)) from (select 'a.txt' name, 420 mode, 1000000000 mtime, 'hello hello hello hello' data union all select 'dir', null, 1000000001, null union all select 'z.bin', '-rw-------', 1600000000, zeroblob(1000));
            select hex(zipfile('s', 420, 1000000000, 'stored', 0)), hex(zipfile('d', 420, 1000000000, 'aaaaaaaaaaa', 8));
            select hex(zipfile('x//', null, 315532800, null)), hex(zipfile('old', null, 1, x''));
            select hex(zipfile('n', null, 1000000000, 'abcabcabcabcabcabcabc', null));
            select length(z), hex(sha3(z)) from (select zipfile('w.txt', 420, 1000000000, (select group_concat(case (value * value * 7) % 5 when 0 then 'alpha' when 1 then 'beta' when 2 then 'gamma' when 3 then 'delta' else 'eps' end || (value % 97), ' ') from generate_series(0, 39999))) z);
            select length(zipfile('a', 'x')), typeof(zipfile('a', 'x'));
            select zipfile(name, 1, 2, 3) is null from (select 1 name where 0);
            select name, mode, mtime, sz, method, data from zipfile((select zipfile('a.txt', 420, 1000000000, 'hi')));
            select hex(zipfile('a', '0644', 1000000000, 'x')), hex(zipfile('l', 'lrwxrwxrwx', 1000000000, 'target'));
            select hex(zipfile(cast(x'61ff62' as text), 420, 1000000000, x'00ff'));
            select zipfile('a');
            select zipfile('a', 1, 2, 3, 4, 5);
            select zipfile(null, 'x');
            select zipfile('a', 420, 1, 'x', 9);
            select zipfile('a/', 420, 1, 'x');
            select zipfile('a', 'drwxr-xr-x', 1, 'x');
            select zipfile('a', '-rw-r--r--', 1, null);
            select zipfile('a', 'drw', 1, null);
            select zipfile('a', 'qrwxrwxrwx', 1, 'x');
            select zipfile('a', '-rwxrwxrwq', 1, 'x');
            select 'after';

            """, sameErrors: true),
        Case(name: "the zipfile virtual table: INSERT, UPDATE, DELETE and their errors, byte for byte", script: """
            create virtual table temp.z using zipfile('v.zip');
            select * from z;
            insert into z(name, mode, mtime, data) values('a.txt', '-rw-r--r--', 1000000000, 'hello hello hello hello');
            insert into z(name, mtime, data, method) values('s.bin', 1000000001, 'stored', 0);
            insert into z(name, mtime) values('dir', 1000000002);
            insert into z(name, mode, mtime, data) values('link', 'lrwxrwxrwx', 1000000003, 'a.txt');
            select name, mode, mtime, sz, method, hex(rawdata), hex(data) from z;
            select hex(readfile('v.zip'));
            begin;
            insert into z(name, mtime, data) values('t1', 1000000004, zeroblob(500));
            select name, sz from z;
            update z set name = 'renamed.txt' where name = 'a.txt';
            update z set mode = 'dr-xr-xr-x' where name = 'dir/';
            update z set mtime = 1500000000, data = 'new' where name = 's.bin';
            delete from z where name = 'link';
            commit;
            select name, mode, mtime, sz, method, hex(data) from z;
            select hex(readfile('v.zip'));
            insert or replace into z(name, mtime, data) values('t1', 1000000005, 'replaced');
            insert or ignore into z(name, mtime, data) values('t1', 1000000006, 'ignored');
            select name, mtime, data from z where name = 't1';
            insert into z(name, mtime, data) values('t1', 1, 'dup');
            insert into z(name, mtime) values('dir/', 1);
            update z set name = 't1' where name = 's.bin';
            insert into z(name, mtime, sz, data) values('e1', 1, 5, 'x');
            insert into z(name, mtime, rawdata, data) values('e2', 1, x'00', 'x');
            insert into z(name, mtime, data, method) values('e3', 1, 'x', 9);
            insert into z(name, mtime, mode, data) values('e4', 1, 'rwx', 'x');
            insert into z(name, mtime, mode, data) values('e5', 1, 'drwxr-xr-x', 'x');
            insert into z(name, mtime, mode) values('e6', 1, '-rw-r--r--');
            select name from z;
            select hex(readfile('v.zip'));
            create virtual table temp.bad using zipfile;
            create virtual table temp.bad2 using zipfile('a', 'b');
            create virtual table temp.nowhere using zipfile('/nonexistent/dir/x.zip');
            insert into nowhere(name, mtime, data) values('a', 1, 'x');
            create virtual table temp.notzip using zipfile('db');
            insert into notzip(name, mtime, data) values('a', 1, 'x');
            insert into zipfile(name, mtime, data) values('a', 1, 'x');
            create virtual table temp.q using zipfile("v.zip");
            select count(*) from q;
            delete from z;
            select count(*) from q;
            select hex(readfile('v.zip'));
            select 'after';

            """, sameErrors: true),
        Case(name: "sqlar_compress and sqlar_uncompress", script: """
            select hex(sqlar_compress(zeroblob(100))), length(sqlar_compress(zeroblob(100)));
            select hex(sqlar_compress(x'')), typeof(sqlar_compress(x'')), hex(sqlar_compress(x'0102'));
            select sqlar_compress('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'), typeof(sqlar_compress('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'));
            select sqlar_compress(12), typeof(sqlar_compress(1.5)), sqlar_compress(null) is null;
            select hex(sqlar_uncompress(sqlar_compress(zeroblob(100)), 100)), typeof(sqlar_uncompress(sqlar_compress(zeroblob(100)), 100));
            select hex(sqlar_uncompress(x'0102', 2)), hex(sqlar_uncompress(x'0102', 0)), sqlar_uncompress('abc', 3), sqlar_uncompress(7, 0);
            select hex(sqlar_uncompress(sqlar_compress(randomblob(10) || zeroblob(1000)), 1010)) = hex(sqlar_uncompress(sqlar_compress(randomblob(10) || zeroblob(1000)), 1010));
            select length(sqlar_uncompress(sqlar_compress(zeroblob(5000)), 5000));
            select sqlar_uncompress(sqlar_compress(zeroblob(100)), 2);
            select sqlar_uncompress(x'00', -1);
            select sqlar_uncompress(null, 3);
            select sqlar_uncompress('abc', 2);
            select sqlar_compress();
            select sqlar_uncompress(x'00');
            select 'after';

            """, sameErrors: true),
    ]

    @Test("migsh prints what sqlite3 prints", arguments: corpus)
    func sameOutput(_ input: Case) throws {
        try SQLiteCommandsTests.expectSameOutput(input)
    }

    @Test("the files a case extracts are sqlite3's, byte for byte, with the same modes and times")
    func extractedFilesMatch() throws {
        try withTemporaryDirectory { dir in
            let script = Self.files + ".ar -cf ar.sar d\n.ar -xf ar.sar -C out\n.ar -c d\n.ar -x -C out2\n"
            let (theirs, ours) = try SQLiteCommandsTests.runBoth(Data(script.utf8), in: dir)
            #expect(ours.status == 0 && theirs.status == 0, "\(ours.stderrDescription)")
            for folder in ["out", "out2"] {
                let mine = try Self.tree(dir + "/migsh/" + folder), reference = try Self.tree(dir + "/sqlite3/" + folder)
                #expect(mine.count == 7 && mine == reference, "\(mine)\n\(reference)")
            }
        }
    }

    /// Every entry below `root`: its path relative to it (bytes), type and permissions, time,
    /// and content (a link's target) — what `cmp` and `stat` compare.
    static func tree(_ root: String) throws -> [String: String] {
        var entries: [String: String] = [:]
        func walk(_ relative: [UInt8]) throws {
            let path = Array(root.utf8) + (relative.isEmpty ? [] : [0x2f] + relative)
            var info = stat()
            let cPath = path.map { CChar(bitPattern: $0) } + [0]
            guard lstat(cPath, &info) == 0 else { throw CocoaError(.fileNoSuchFile) }
            var description = "mode \(String(info.st_mode, radix: 8)) mtime \(info.st_mtim.tv_sec)"
            if info.st_mode & S_IFMT == S_IFDIR {
                guard let handle = opendir(cPath) else { throw CocoaError(.fileReadUnknown) }
                defer { closedir(handle) }
                while let entry = readdir(handle) {
                    let name = withUnsafePointer(to: &entry.pointee.d_name) {
                        $0.withMemoryRebound(to: UInt8.self, capacity: 256) { Array(UnsafeBufferPointer(start: $0, count: strlen(UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)))) }
                    }
                    if name == [0x2e] || name == [0x2e, 0x2e] { continue }
                    try walk(relative.isEmpty ? name : relative + [0x2f] + name)
                }
            } else if info.st_mode & S_IFMT == S_IFLNK {
                var buffer = [CChar](repeating: 0, count: 4096)
                let n = readlink(cPath, &buffer, buffer.count)
                description += " link " + String(decoding: buffer[0..<max(n, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            } else {
                // Read through the path's bytes (a name that is not UTF-8 has no String).
                var data = Data()
                let fd = open(cPath, O_RDONLY)
                guard fd >= 0 else { throw CocoaError(.fileReadUnknown) }
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = read(fd, &buffer, buffer.count)
                    if n <= 0 { break }
                    data.append(contentsOf: buffer[0..<n])
                }
                close(fd)
                description += " size \(data.count) sha256 " + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
                    + (data.count <= 8 ? " data " + data.map { String(format: "%02x", $0) }.joined() : "")
            }
            if !relative.isEmpty { entries[relative.map { String(format: "%02x", $0) }.joined()] = description }
        }
        try walk([])
        return entries
    }

    /// A folder of files no script could write alike: a non-UTF-8 name (0xE9 alone), 200 KiB
    /// that do not compress, an empty file, an empty folder, a file in a folder. (No link:
    /// sqlite3 3.40 cannot extract one — `sqlar_uncompress` fails on a link's size of -1 — as
    /// the corpus shows.)
    static func makeFiles(in dir: String) throws {
        let d = dir + "/d"
        try FileManager.default.createDirectory(atPath: d + "/sub/empty", withIntermediateDirectories: true)
        var random = SystemRandomNumberGenerator()
        try Data((0..<200_000).map { _ in UInt8.random(in: 0...255, using: &random) }).write(to: URL(fileURLWithPath: d + "/sub/random.bin"))
        try Data().write(to: URL(fileURLWithPath: d + "/empty.txt"))
        try Data(String(repeating: "compressible line\n", count: 1000).utf8).write(to: URL(fileURLWithPath: d + "/text.txt"))
        let latin1: [CChar] = Array((d + "/caf").utf8CString.dropLast()) + [CChar(bitPattern: 0xe9), 0x2e, 0x62, 0]
        let fd = open(latin1, O_WRONLY | O_CREAT | O_TRUNC, 0o640)
        #expect(fd >= 0)
        _ = write(fd, [UInt8]([0xff, 0x00, 0xe9]), 3)
        close(fd)
        let time = [timespec(tv_sec: 1_400_000_000, tv_nsec: 0), timespec(tv_sec: 1_400_000_000, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, latin1, time, 0) == 0)
        #expect(chmod(d + "/text.txt", 0o600) == 0)
        for (i, path) in [d + "/sub/random.bin", d + "/empty.txt", d + "/text.txt", d + "/sub/empty", d + "/sub", d].enumerated() {
            let time = [timespec(tv_sec: 1_500_000_000 + i, tv_nsec: 0), timespec(tv_sec: 1_500_000_000 + i, tv_nsec: 0)]
            #expect(utimensat(AT_FDCWD, path, time, 0) == 0)
        }
    }

    @Test("an archive migsh makes is extracted by sqlite3 byte for byte, and one sqlite3 makes by migsh; both list it alike",
          arguments: [false, true])
    func roundTrip(migshWrites: Bool) throws {
        try withTemporaryDirectory { dir in
            try Self.makeFiles(in: dir)
            _ = sqlite(dir + "/db.sqlite", "create table t(x)")
            let writer = { (arguments: [String]) throws -> ProcessResult in
                migshWrites ? try migsh(["--no-bail", "db.sqlite"] + arguments, cwd: dir)
                            : try runProcess(sqlite3Binary, ["-init", "/dev/null", "db.sqlite"] + arguments, cwd: dir)
            }
            let reader = { (arguments: [String]) throws -> ProcessResult in
                migshWrites ? try runProcess(sqlite3Binary, ["-init", "/dev/null", "db.sqlite"] + arguments, cwd: dir)
                            : try migsh(["--no-bail", "db.sqlite"] + arguments, cwd: dir)
            }
            let made = try writer([".ar -cf x.sar d"])
            #expect(made.status == 0 && made.stderr.isEmpty, "\(made)")
            let extracted = try reader([".ar -xf x.sar -C out"])
            #expect(extracted.status == 0 && extracted.stderr.isEmpty, "\(extracted)")
            let original = try Self.tree(dir + "/d"), copy = try Self.tree(dir + "/out/d")
            #expect(original.count == 6 && copy == original, "\(copy)\n\(original)")
            // The name that is not UTF-8 is there as its bytes.
            #expect(original.keys.contains("636166e92e62") && copy["636166e92e62"]?.hasSuffix("data ff00e9") == true, "\(copy)")
            // Both list the archive alike, byte for byte (the non-UTF-8 name included).
            let theirs = try runCollectingBytes(sqlite3Binary, ["-init", "/dev/null", "db.sqlite", ".ar -tvf x.sar"], stdin: Data(), in: dir)
            let ours = try runCollectingBytes(migshBinary, ["--noinit", "db.sqlite", ".ar -tvf x.sar"], stdin: Data(), in: dir)
            #expect(ours.stdout == theirs.stdout && ours.status == 0 && theirs.status == 0, "migsh:\n\(ours.stdoutDescription)\nsqlite3:\n\(theirs.stdoutDescription)")
            #expect(ours.stdout.contains(Data("d/caf\u{e9}.b".data(using: .isoLatin1)!)), "\(ours.stdoutDescription)")
            // The archive holds what sqlite3's would: the same rows, compressed alike.
            #expect(sqlite(dir + "/x.sar", "select name, mode, mtime, sz, hex(data) from sqlar order by name")
                    .contains("d/text.txt|33152|1500000002|18000|789C"))
        }
    }

    @Test("--readonly refuses .archive before it reads or writes a file; -safe refuses it as sqlite3 does, and has no sqlar functions")
    func refusals() throws {
        try withTemporaryDirectory { dir in
            try Self.makeFiles(in: dir)
            _ = sqlite(dir + "/db.sqlite", "create table t(x)")
            let readOnly = try migsh(["--readonly", "db.sqlite", ".ar -cf x.sar d"], cwd: dir)
            #expect(readOnly.status == 1, "\(readOnly)")
            #expect(readOnly.stderr.contains(".archive refused: the session was opened with --readonly"), "\(readOnly)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/x.sar"))
            let listed = try migsh(["--readonly", "db.sqlite", ".ar -t"], cwd: dir)
            #expect(listed.status == 1 && listed.stderr.contains(".archive refused"), "\(listed)")
            #expect(sqlite(dir + "/db.sqlite", "select count(*) from sqlite_schema where name = 'sqlar'") == "0")
            let zipRead = try migsh(["--readonly", "db.sqlite", "select count(*) from zipfile('/dev/null')"], cwd: dir)
            #expect(zipRead.status == 1 && zipRead.stderr.contains("zipfile() refused: the session was opened with --readonly"), "\(zipRead)")

            let script = ".ar -cf x.sar d\nselect 'after';\n"
            let safeScript = "select sqlar_compress(x'00');\nselect 'after';\n"
            for text in [script, safeScript] {
                let theirs = try runCollectingBytes(sqlite3Binary, ["-init", "/dev/null", "-safe", "db.sqlite"], stdin: Data(text.utf8), in: dir)
                let ours = try runCollectingBytes(migshBinary, ["--noinit", "--no-bail", "-safe", "db.sqlite"], stdin: Data(text.utf8), in: dir)
                #expect(ours.stdout == theirs.stdout && ours.stderrBytes == theirs.stderrBytes && ours.status == theirs.status,
                        "migsh:\n\(ours.stdoutDescription)\(ours.stderrDescription)\nsqlite3:\n\(theirs.stdoutDescription)\(theirs.stderrDescription)")
            }
            #expect(!FileManager.default.fileExists(atPath: dir + "/x.sar"))
            // zipfile() reads a file: -safe refuses it, as migsh's -safe refuses fsdir().
            let safeZip = try migsh(["-safe", "db.sqlite", "select count(*) from zipfile('/dev/null')"], cwd: dir)
            #expect(safeZip.status == 1 && safeZip.stderr.contains("cannot use the zipfile() function in safe mode"), "\(safeZip)")
        }
    }

    @Test("Ctrl-C while .archive adds files: stopped, the archive as it was before, said, exit 130")
    func interruptedCreate() throws {
        try withTemporaryDirectory { dir in
            try Self.makeFiles(in: dir)
            _ = sqlite(dir + "/db.sqlite", "create table t(x)")
            let made = try migsh(["db.sqlite", ".ar -cf x.sar d/text.txt"], cwd: dir)
            #expect(made.status == 0, "\(made)")
            let before = sqlite(dir + "/x.sar", "select name, mtime, sz, hex(data) from sqlar order by name")
            for command in [".ar -cf x.sar d", ".ar -uf x.sar d/sub d/empty.txt", ".ar -c d"] {
                let (result, phases) = try PausedMigsh.interrupted(["db.sqlite", command], at: ["archive.insert"], cwd: dir)
                #expect(phases == ["archive.insert"])
                #expect(result.status == 130, "\(command): \(result)")
                #expect(result.stderr.contains("interrupted: .archive stopped; nothing was changed"), "\(command): \(result)")
            }
            #expect(sqlite(dir + "/x.sar", "select name, mtime, sz, hex(data) from sqlar order by name") == before)
            #expect(sqlite(dir + "/db.sqlite", "select count(*) from sqlite_schema where name = 'sqlar'") == "0")
        }
    }

    @Test("Ctrl-C before .archive adds to a ZIP archive: stopped, the file as it was, said, exit 130")
    func interruptedZip() throws {
        try withTemporaryDirectory { dir in
            try Self.makeFiles(in: dir)
            _ = sqlite(dir + "/db.sqlite", "create table t(x)")
            let made = try migsh(["db.sqlite", ".ar -cf x.zip d/text.txt"], cwd: dir)
            #expect(made.status == 0, "\(made)")
            let before = contents(of: dir + "/x.zip")
            for command in [".ar -uf x.zip d", ".ar -cf new.zip d"] {
                let (result, phases) = try PausedMigsh.interrupted(["db.sqlite", command], at: ["archive.insert"], cwd: dir)
                #expect(phases == ["archive.insert"])
                #expect(result.status == 130, "\(command): \(result)")
                #expect(result.stderr.contains("interrupted: .archive stopped; a ZIP archive keeps the entries added before it"), "\(command): \(result)")
            }
            #expect(before != nil && contents(of: dir + "/x.zip") == before)
            #expect(!FileManager.default.fileExists(atPath: dir + "/new.zip"))
        }
    }

    @Test("ZIP files migsh writes are sqlite3's byte for byte; python's zipfile reads them; migsh adds to python's")
    func zipRoundTrips() throws {
        try withTemporaryDirectory { dir in
            // Python's zipfile writes an archive (fixed times: the same bytes every run).
            let python = """
                import zipfile, sys
                with zipfile.ZipFile(sys.argv[1], 'w') as z:
                    z.writestr(zipfile.ZipInfo('pdir/', (2001, 2, 3, 4, 5, 6)), b'')
                    z.writestr(zipfile.ZipInfo('pdir/p.txt', (2001, 2, 3, 4, 5, 8)), b'python ' * 40, compress_type=zipfile.ZIP_DEFLATED)
                    z.writestr(zipfile.ZipInfo('raw.bin', (2001, 2, 3, 4, 5, 10)), bytes(range(256)))
                """
            let script = Self.files + """
                .ar -cf w.zip d
                select writefile('agg.zip', (select zipfile(name, mode, mtime, data) from (select * from fsdir('d') order by name)));
                .ar -uf py.zip d
                select name, sz, hex(data) from zipfile('py.zip') where name like 'p%' or name like 'raw%';

                """
            for side in ["migsh", "sqlite3"] {
                try FileManager.default.createDirectory(atPath: dir + "/" + side, withIntermediateDirectories: true)
                let made = try runProcess("/usr/bin/python3", ["-c", python, dir + "/" + side + "/py.zip"], cwd: dir)
                #expect(made.status == 0, "\(made)")
            }
            let (theirs, ours) = try SQLiteCommandsTests.runBoth(Data(script.utf8), in: dir)
            #expect(ours.status == 0 && theirs.status == 0, "\(ours.stderrDescription)\(theirs.stderrDescription)")
            #expect(ours.stdout == theirs.stdout && ours.stdout.count > 100, "\(ours.stdoutDescription)\n\(theirs.stdoutDescription)")
            for file in ["w.zip", "agg.zip", "py.zip"] {
                let mine = contents(of: dir + "/migsh/" + file), reference = contents(of: dir + "/sqlite3/" + file)
                #expect(mine != nil && mine == reference, "\(file) differs from sqlite3's")
            }
            // Python's zipfile reads what migsh wrote: every CRC right, the files' bytes and times.
            let check = """
                import zipfile, sys, os, time
                for path in sys.argv[1:]:
                    with zipfile.ZipFile(path) as z:
                        assert z.testzip() is None, path
                        for i in z.infolist():
                            print(path.split('/')[-1], i.filename, i.compress_type, i.file_size, (i.external_attr >> 16) & 0o777, z.read(i).hex()[:40])
                """
            let read = try runProcess("/usr/bin/python3", ["-c", check] + ["w.zip", "agg.zip", "py.zip"].map { dir + "/migsh/" + $0 }, cwd: dir)
            #expect(read.status == 0, "\(read)")
            #expect(read.stdout.contains("w.zip d/a.txt 0 6 420 68656c6c6f0a"), "\(read.stdout)")
            #expect(read.stdout.contains("w.zip d/sub/z.bin 8 3000 384 0000"), "\(read.stdout)")
            #expect(read.stdout.contains("agg.zip d/sub/é.txt 0 6 493 616363656e74"), "\(read.stdout)")
            #expect(read.stdout.contains("py.zip pdir/p.txt 8 280 "), "\(read.stdout)")
            #expect(read.stdout.contains("py.zip d/it's 0 2 420 6869"), "\(read.stdout)")
            // sqlite3 extracts migsh's archive: the files come back, times to the second.
            let extracted = try runProcess(sqlite3Binary, ["-init", "/dev/null", ":memory:", ".ar -xf w.zip -C out"], cwd: dir + "/migsh")
            #expect(extracted.status == 0, "\(extracted)")
            #expect(try Self.tree(dir + "/migsh/out/d") == Self.tree(dir + "/migsh/d"))
        }
    }

    @Test("--readonly and -safe write no ZIP file: the zipfile table and .ar are refused")
    func zipWritingRefusedWhereFilesAreOff() throws {
        try withTemporaryDirectory { dir in
            try Self.makeFiles(in: dir)
            _ = sqlite(dir + "/db.sqlite", "create table t(x)")
            let sql = "create virtual table temp.z using zipfile('w.zip'); insert into z(name, mtime, data) values('a', 1, 'x');"
            let readOnly = try migsh(["--readonly", "db.sqlite", sql], cwd: dir)
            // The read-only connection refuses the write before the table opens its file.
            #expect(readOnly.status == 1 && readOnly.stderr.contains("attempt to write a readonly database"), "\(readOnly)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/w.zip"))
            let safe = try migsh(["-safe", "db.sqlite", sql], cwd: dir)
            #expect(safe.status == 1 && safe.stderr.contains("cannot use the zipfile() function in safe mode"), "\(safe)")
            let safeArchive = try migsh(["-safe", "db.sqlite", ".ar -cf w.zip d"], cwd: dir)
            #expect(safeArchive.status == 1 && safeArchive.stderr.contains("cannot run .archive in safe mode"), "\(safeArchive)")
            let safeAggregate = try migsh(["-safe", "db.sqlite", "select writefile('w.zip', zipfile('a', 'x'))"], cwd: dir)
            #expect(safeAggregate.status == 1, "\(safeAggregate)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/w.zip"))
        }
    }
}
