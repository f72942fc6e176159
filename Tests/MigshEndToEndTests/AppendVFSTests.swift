import Foundation
import Testing

/// sqlite3's apndvfs (an SQLite database appended to another file, such as an executable),
/// which migsh has as `AppendVFS`: what migsh appends, sqlite3 reads, and the reverse; the
/// ways sqlite3 opens one (`.archive -a`, `.open --append`, `-append`, a file ending with the
/// trailer) answer as sqlite3's do; the host file's own bytes survive a failed or stopped
/// write. The oracles: /usr/bin/sqlite3 3.40 (which has apndvfs compiled in) and python3
/// (the layout, and the extracted files byte for byte).
@Suite("apndvfs: databases appended to another file, as sqlite3's")
struct AppendVFSTests {
    typealias Case = SQLiteCommandsTests.Case

    /// The host file: an executable, as apndvfs is meant for.
    static let host = "/usr/bin/true"

    static let corpus: [Case] = [
        Case(name: ".open --append and -append, .vfsname and .vfsinfo, a file ending with the trailer opened by .open", script: """
            select length(writefile('app', readfile('/usr/bin/true'))) > 1000;
            .open --append app
            .vfsname
            .vfsinfo
            create table t(x);
            insert into t values (1), (2);
            select * from t;
            .databases
            .open db
            .vfsname
            select count(*) > 0 from sqlite_schema;
            select length(readfile('app')) % 512, hex(substr(readfile('app'), -25));
            select substr(readfile('app'), 1, length(readfile('/usr/bin/true'))) = readfile('/usr/bin/true');
            .open app
            .vfsname
            select sum(x) from t;
            .open -append app
            insert into t values (3);
            select sum(x) from t;
            .open --append db
            .vfsname
            select count(*) > 0 from sqlite_schema;
            select hex(sha3(readfile('app')));
            select 'after';

            """, sameErrors: true),
        Case(name: ".vfslist lists apndvfs second, as sqlite3's shell registers it", script: ".vfslist\n", sameErrors: true),
    ]

    @Test("migsh prints what sqlite3 prints", arguments: corpus)
    func sameOutput(_ input: Case) throws {
        try SQLiteCommandsTests.expectSameOutput(input)
    }

    /// python3's reading of an appended database: the host's bytes first, unchanged; zero
    /// padding to the next 4096-byte boundary; the trailer naming that offset; the database's
    /// header there. Prints "ok OFFSET" or what is wrong.
    static let layoutCheck = """
        import sys
        host = open(sys.argv[1], 'rb').read()
        data = open(sys.argv[2], 'rb').read()
        offset = (len(host) + 4095) // 4096 * 4096
        problems = []
        if data[:len(host)] != host: problems.append('host bytes changed')
        if data[len(host):offset] != bytes(offset - len(host)): problems.append('padding not zero')
        if data[-25:-8] != b'Start-Of-SQLite3-': problems.append('no trailer')
        if int.from_bytes(data[-8:], 'big') != offset: problems.append('trailer offset %d' % int.from_bytes(data[-8:], 'big'))
        if data[offset:offset + 16] != b'SQLite format 3\\0': problems.append('no database header at the offset')
        if (len(data) - offset - 25) % 512: problems.append('database size')
        print(' '.join(problems) if problems else 'ok %d' % offset)
        """

    /// Two folders compared by python3: every file's bytes and permissions, every folder.
    static let treeCheck = """
        import os, sys
        def walk(root):
            out = {}
            for folder, dirs, files in os.walk(root):
                for name in dirs + files:
                    path = os.path.join(folder, name)
                    st = os.lstat(path)
                    key = os.path.relpath(path, root)
                    out[key] = (oct(st.st_mode), int(st.st_mtime), open(path, 'rb').read() if os.path.isfile(path) else None)
            return out
        a, b = walk(sys.argv[1]), walk(sys.argv[2])
        print('same %d' % len(a) if a == b else 'differ: %s' % sorted(set(a.items()) ^ set(b.items()))[:4])
        """

    @Test("an archive appended by one program is listed and extracted by the other, byte for byte", arguments: [false, true])
    func archiveCrossRead(migshWrites: Bool) throws {
        try withTemporaryDirectory { dir in
            try ArchiveCommandTests.makeFiles(in: dir)
            try FileManager.default.copyItem(atPath: Self.host, toPath: dir + "/app")
            let sqlite3Archive = { (words: [String]) in try runProcess(sqlite3Binary, ["-init", "/dev/null", "-A"] + words, cwd: dir) }
            let migshArchive = { (words: [String]) in try migsh([":memory:", ".archive " + words.joined(separator: " ")], cwd: dir) }
            let made = migshWrites ? try migshArchive(["-a", "app", "-c", "d"]) : try sqlite3Archive(["-a", "app", "-c", "d"])
            #expect(made.status == 0 && made.stderr.isEmpty, "\(made)")
            let layout = try runProcess("/usr/bin/python3", ["-c", Self.layoutCheck, Self.host, dir + "/app"])
            #expect(layout.stdout.hasPrefix("ok "), "\(layout)")
            // The other program lists it alike and extracts it.
            let ours = try migshArchive(["-a", "app", "-tv"]), theirs = try sqlite3Archive(["-a", "app", "-tv"])
            #expect(ours.status == 0 && theirs.status == 0 && ours.stdout == theirs.stdout && ours.stdout.contains("d/sub/random.bin"),
                    "migsh:\n\(ours)\nsqlite3:\n\(theirs)")
            let extracted = migshWrites ? try sqlite3Archive(["-a", "app", "-x", "-C", "out"]) : try migshArchive(["-a", "app", "-x", "-C", "out"])
            #expect(extracted.status == 0 && extracted.stderr.isEmpty, "\(extracted)")
            let compared = try runProcess("/usr/bin/python3", ["-c", Self.treeCheck, dir + "/d", dir + "/out/d"])
            #expect(compared.stdout == "same 6\n", "\(compared)")
            // An update by the other program keeps the host's bytes and the layout.
            let updated = migshWrites ? try sqlite3Archive(["-a", "app", "-u", "d"]) : try migshArchive(["-a", "app", "-u", "d"])
            #expect(updated.status == 0, "\(updated)")
            let after = try runProcess("/usr/bin/python3", ["-c", Self.layoutCheck, Self.host, dir + "/app"])
            #expect(after.stdout == layout.stdout, "\(after)")
        }
    }

    @Test("-append: the same output as sqlite3 and the same file, byte for byte; each reads the other's")
    func commandLineOption() throws {
        try withTemporaryDirectory { dir in
            let script = "create table t(x, y);\ninsert into t values (1, 'one'), (2, zeroblob(3000));\nselect x, length(y) from t;\n.vfsname\n"
            var files: [Data] = []
            for (side, program, prefix) in [("sqlite3", sqlite3Binary, ["-init", "/dev/null"]), ("migsh", migshBinary, ["--noinit"])] {
                let folder = dir + "/" + side
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: Self.host, toPath: folder + "/app")
                let result = try runCollectingBytes(program, prefix + ["-append", "app"], stdin: Data(script.utf8), in: folder)
                #expect(result.status == 0 && result.stderr.isEmpty, "\(side): \(result.stderrDescription)")
                #expect(String(decoding: result.stdout, as: UTF8.self) == "1|3\n2|3000\napnd(\(Self.offset))/unix\n", "\(side): \(result.stdoutDescription)")
                files.append(try #require(contents(of: folder + "/app")))
            }
            #expect(files[0] == files[1], "the files migsh and sqlite3 appended differ")
            // Each reads the other's file, with -append and without (the trailer says what it is).
            for (reader, prefix, folder) in [(migshBinary, ["--noinit"], "sqlite3"), (sqlite3Binary, ["-init", "/dev/null"], "migsh")] {
                for option in [["-append"], []] {
                    let read = try runProcess(reader, prefix + option + ["app", "select sum(x), sum(length(y)) from t"], cwd: dir + "/" + folder)
                    #expect(read.status == 0 && read.stdout == "3|3003\n" && read.stderr.isEmpty, "\(reader) \(option): \(read)")
                }
            }
            // Under -readonly the file is opened as it is, as sqlite3's -readonly does: not a database.
            let readOnly = try runCollectingBytes(migshBinary, ["--noinit", "-readonly", "app", "select 1"], stdin: Data(), in: dir + "/migsh")
            #expect(readOnly.status == 1 && readOnly.stderr.contains("not a database"), "\(readOnly.stderrDescription)")
        }
    }

    /// Where apndvfs puts a database appended to `host`: its size rounded up to 4096.
    static let offset: Int = {
        let size = (try? FileManager.default.attributesOfItem(atPath: host)[.size] as? Int) ?? 0
        return (size + 4095) / 4096 * 4096
    }()

    /// An archive that existed is byte for byte as before. A host file that had none keeps its
    /// bytes and gains an empty database, no archive: SQLite writes the new database's first
    /// page when the rolled-back savepoint is released, as sqlite3's `-c` that fails does.
    @Test("Ctrl-C while .archive -a adds files: the host's bytes and an appended archive are as before, exit 130")
    func interrupted() throws {
        try withTemporaryDirectory { dir in
            try ArchiveCommandTests.makeFiles(in: dir)
            try FileManager.default.copyItem(atPath: Self.host, toPath: dir + "/app")
            try FileManager.default.copyItem(atPath: Self.host, toPath: dir + "/app2")
            let made = try migsh([":memory:", ".ar -a app2 -c d/text.txt"], cwd: dir)
            #expect(made.status == 0, "\(made)")
            for (file, command) in [("app", ".ar -a app -c d"), ("app2", ".ar -a app2 -u d")] {
                let before = try #require(contents(of: dir + "/" + file))
                let (result, phases) = try PausedMigsh.interrupted([":memory:", command], at: ["archive.insert"], cwd: dir)
                #expect(phases == ["archive.insert"])
                #expect(result.status == 130, "\(command): \(result)")
                #expect(result.stderr.contains("interrupted: .archive stopped; nothing was changed"), "\(command): \(result)")
                if file == "app2" {
                    #expect(contents(of: dir + "/" + file) == before, "\(command) changed \(file)")
                } else {
                    let layout = try runProcess("/usr/bin/python3", ["-c", Self.layoutCheck, Self.host, dir + "/app"])
                    #expect(layout.stdout == "ok \(Self.offset)\n", "\(layout)")
                    let tables = try runProcess(sqlite3Binary, ["-init", "/dev/null", "-append", "app", "select count(*) from sqlite_schema"], cwd: dir)
                    #expect(tables.stdout == "0\n", "\(tables)")
                }
            }
            let listed = try runProcess(sqlite3Binary, ["-init", "/dev/null", "-A", "-a", "app2", "-t"], cwd: dir)
            #expect(listed.stdout == "d/text.txt\n", "\(listed)")
        }
    }

    @Test("a write that fails half-way (the file-size limit) leaves the host's bytes intact; sqlite3 still reads what was there")
    func failedWrite() throws {
        try withTemporaryDirectory { dir in
            try ArchiveCommandTests.makeFiles(in: dir)
            try FileManager.default.copyItem(atPath: Self.host, toPath: dir + "/app")
            let made = try migsh([":memory:", ".ar -a app -c d/text.txt"], cwd: dir)
            #expect(made.status == 0, "\(made)")
            let sizeBefore = try #require(contents(of: dir + "/app")).count
            // 200 KiB that do not compress cannot fit under a 96 KiB limit: the write fails (EFBIG).
            let limited = try runProcess("/bin/sh", ["-c", "ulimit -f 96; exec \"$0\" --noinit :memory: '.ar -a app -u d'", migshBinary], cwd: dir)
            #expect(limited.status == 1, "\(limited)")
            // sqlite3's words for a failed statement of .archive (SQLite's: a disk I/O error here).
            #expect(limited.stdout.hasPrefix("ERROR: "), "\(limited)")
            // The host's bytes, the padding, the trailer and the database's place are as before.
            let layout = try runProcess("/usr/bin/python3", ["-c", Self.layoutCheck, Self.host, dir + "/app"])
            #expect(layout.stdout == "ok \(Self.offset)\n", "\(layout)")
            // The rolled-back transaction leaves the archive as it was, for sqlite3 too.
            let listed = try runProcess(sqlite3Binary, ["-init", "/dev/null", "-A", "-a", "app", "-t"], cwd: dir)
            #expect(listed.status == 0 && listed.stdout == "d/text.txt\n", "\(listed)")
            let check = try runProcess(sqlite3Binary, ["-init", "/dev/null", "-append", "app", "pragma integrity_check"], cwd: dir)
            #expect(check.stdout == "ok\n", "\(check)")
            #expect(contents(of: dir + "/app")?.count == sizeBefore)
        }
    }

    @Test("a read-only folder: .archive -a fails as sqlite3's does, and the host file is as before")
    func readOnlyFolder() throws {
        try #require(ReliabilityKit.canTestPermissions, "root without a working setpriv cannot test file permissions")
        try withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(atPath: dir + "/pub", withIntermediateDirectories: true)
            try Data("public\n".utf8).write(to: URL(fileURLWithPath: dir + "/pub/a.txt"))
            try ReliabilityKit.chmod(dir + "/pub/a.txt", 0o644)
            try ReliabilityKit.chmod(dir, 0o777)
            var results: [ProcessResult] = []
            for (side, program, prefix) in [("sqlite3", sqlite3Binary, ["-init", "/dev/null"]), ("migsh", migshBinary, ["--noinit", "--no-bail"])] {
                let folder = dir + "/" + side
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: Self.host, toPath: folder + "/app")
                try ReliabilityKit.chmod(folder + "/app", 0o666)
                try ReliabilityKit.chmod(folder, 0o555)
                let script = ".ar -a app -c ../pub\nselect 'after';\n"
                let asRoot = getuid() == 0
                results.append(try runProcess(asRoot ? ReliabilityKit.setpriv : program,
                                              (asRoot ? ReliabilityKit.dropToNobody + [program] : []) + prefix + [":memory:"],
                                              stdin: Data(script.utf8), cwd: folder))
                #expect(contents(of: folder + "/app") == contents(of: Self.host), "\(side) changed the host file")
                try ReliabilityKit.chmod(folder, 0o755)
            }
            #expect(results[0].status != 0 || results[0].stderr.isEmpty == false, "sqlite3: \(results[0])")
            #expect(results[1].stdout == results[0].stdout && results[1].stderr == results[0].stderr && results[1].status == results[0].status,
                    "migsh:\n\(results[1])\nsqlite3:\n\(results[0])")
        }
    }

    @Test("zipfile_cds on a ZIP archive sqlite3 made: migsh prints sqlite3's records")
    func zipfileCDSOnSQLite3Zip() throws {
        try withTemporaryDirectory { dir in
            try ArchiveCommandTests.makeFiles(in: dir)
            let made = try runProcess(sqlite3Binary, ["-init", "/dev/null", ":memory:", ".ar -cf s.zip d"], cwd: dir)
            #expect(made.status == 0, "\(made)")
            let sql = "select name, zipfile_cds(z) from zipfile('s.zip') order by name"
            let theirs = try runCollectingBytes(sqlite3Binary, ["-init", "/dev/null", ":memory:", sql], stdin: Data(), in: dir)
            let ours = try runCollectingBytes(migshBinary, ["--noinit", ":memory:", sql], stdin: Data(), in: dir)
            #expect(ours.stdout == theirs.stdout && ours.status == 0 && theirs.status == 0,
                    "migsh:\n\(ours.stdoutDescription)\(ours.stderrDescription)\nsqlite3:\n\(theirs.stdoutDescription)")
            #expect(String(decoding: theirs.stdout, as: UTF8.self).contains("\"version-made-by\" : 798"), "\(theirs.stdoutDescription)")
        }
    }
}
