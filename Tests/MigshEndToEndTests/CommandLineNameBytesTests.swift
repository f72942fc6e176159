import Foundation
import MigshTestSupport
import Testing

/// Issue 22: file names on the command line are bytes. Swift's `CommandLine.arguments` repairs
/// bytes that are not UTF-8 (each becomes U+FFFD), so a Latin-1 database name would open — or
/// with `--create` make — a differently named file, silently. sqlite3 3.40 opens the file with
/// exactly the bytes given, and so does migsh (its words are read from argv as bytes, carried);
/// `DatabaseNameBytesTests` runs a whole session on such a name. The arguments are passed as bytes by /bin/sh's printf; the files
/// left are listed by python3 as bytes (`os.listdir(b'…')`).
@Suite("Command-line file names as bytes")
struct CommandLineNameBytesTests {
    /// `n\xe9.db`: a Latin-1 é, not UTF-8.
    static let latin1Name: [UInt8] = Array("n".utf8) + [0xE9] + Array(".db".utf8)

    /// The names in `folder`, as hex, sorted, from python3 reading the folder as bytes.
    static func names(_ folder: String) throws -> [String] {
        let program = "import os, sys\nfor n in sorted(os.listdir(sys.argv[1].encode())): print(n.hex())"
        let result = try runProcess("/usr/bin/env", ["python3", "-c", program, folder])
        guard result.status == 0 else { throw EndToEndError.failed("python3 listing", result) }
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// Runs `/bin/sh -c SCRIPT` in `dir`, the program's path as $1.
    static func shell(_ script: String, _ program: String, in dir: String) throws -> ByteResult {
        try runCollectingBytes("/bin/sh", ["-c", script, "sh", program], stdin: Data(), in: dir)
    }

    /// The database argument (with or without `--create`), as sqlite3 takes it: the file with
    /// exactly those bytes, its companions named after them. The clean run on `nplain.db` is
    /// the oracle: its exit code, output and files, the name replaced by the bytes.
    @Test("a database argument that is not UTF-8 names the file made or refused, as an ASCII name does", arguments: [["--create"], []])
    func argument(_ options: [String]) throws {
        try withTemporaryDirectory { dir in
            try withTemporaryDirectory { plainDir in
                let words = [Array("create table t(a);".utf8), Array("insert into t values(1);".utf8)]
                let result = try DotCommandBytesTests.run([migshBinary, "--noinit"] + options, [Self.latin1Name] + words, in: dir)
                let plain = try DotCommandBytesTests.run([migshBinary, "--noinit"] + options, [Array("nplain.db".utf8)] + words, in: plainDir)
                #expect(plain.status == (options.isEmpty ? 1 : 0), "\(plain)")
                #expect(result.status == plain.status, "\(result)")
                #expect(result.stdout == plain.stdout, "\(result)")
                let plainName = Array("nplain.db".utf8)
                let replaced = DatabaseNameBytesTests.replace(Array(plain.stderrBytes), plainName, Self.latin1Name)
                #expect(Array(result.stderrBytes) == replaced, "\(result.stderrDescription)")
                let hex = { (n: [UInt8]) in n.map { String(format: "%02x", $0) }.joined() }
                let expected = try Self.names(plainDir).map { hex(DatabaseNameBytesTests.replace(Array(Data(hex: $0)), plainName, Self.latin1Name)) }
                #expect(try Self.names(dir) == expected.sorted(), "files made")
                if !options.isEmpty {
                    #expect(expected.count == 3, "\(expected)")  // the database, its audit log and head
                    let read = try runProcess("/usr/bin/env", ["python3", "-c", "import sqlite3, sys; print(sqlite3.connect(bytes.fromhex(sys.argv[1])).execute('select a from t').fetchall())", hex(Array(dir.utf8)) + "2f" + hex(Self.latin1Name)])
                    #expect(read.stdout == "[(1,)]\n", "\(read)")
                }
            }
        }
    }

    /// `-init FILE` named in Latin-1, present and missing: migsh reads the file with those
    /// bytes and says a missing one as sqlite3 does (stdout, stderr and exit code as sqlite3's).
    @Test("-init FILE with a Latin-1 name: as sqlite3", arguments: ["i\\351.sql", "missing\\351.sql"])
    func initFile(_ name: String) throws {
        try withTemporaryDirectory { dir in
            let made = try Self.shell(#"printf "select 'from init';\n" > "$(printf 'i\351.sql')" && sqlite3 db 'create table t(a);'"#, "", in: dir)
            #expect(made.status == 0, "\(made)")
            let script = #"exec "$1" -init "$(printf '"# + name + #"')" db "select 'argument';""#
            let theirs = try Self.shell(script, sqlite3Binary, in: dir)
            let ours = try Self.shell(script, migshBinary, in: dir)
            #expect(theirs.stdout.count > 0)
            #expect(ours.stdout == theirs.stdout, "migsh:\n\(ours.stdoutDescription)\nsqlite3:\n\(theirs.stdoutDescription)")
            #expect(ours.stderrBytes == theirs.stderrBytes, "migsh:\n\(ours.stderrDescription)\nsqlite3:\n\(theirs.stderrDescription)")
            #expect(ours.status == theirs.status)
        }
    }

    /// `-f FILE` named in Latin-1: the script with those bytes runs (sqlite3 reading the same
    /// script on standard input is the oracle).
    @Test("-f FILE with a Latin-1 name runs that file")
    func scriptFile() throws {
        try withTemporaryDirectory { dir in
            let made = try Self.shell(#"printf "select 'from f';\n" > "$(printf 's\351.sql')" && sqlite3 db 'create table t(a);'"#, "", in: dir)
            #expect(made.status == 0, "\(made)")
            let theirs = try Self.shell(#"exec "$1" db < "$(printf 's\351.sql')""#, sqlite3Binary, in: dir)
            let ours = try Self.shell(#"exec "$1" --noinit -f "$(printf 's\351.sql')" db"#, migshBinary, in: dir)
            #expect(theirs.stdout == Data("from f\n".utf8))
            #expect(ours.stdout == theirs.stdout, "migsh:\n\(ours.stdoutDescription)\nsqlite3:\n\(theirs.stdoutDescription)")
            #expect(ours.status == 0, "\(ours)")
        }
    }
}
