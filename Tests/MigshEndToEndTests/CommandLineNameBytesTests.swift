import Foundation
import MigshTestSupport
import Testing

/// Issue 22: file names on the command line are bytes. Swift's `CommandLine.arguments` repairs
/// bytes that are not UTF-8 (each becomes U+FFFD), so a Latin-1 database name would open — or
/// with `--create` make — a differently named file, silently. sqlite3 3.40 opens the file with
/// exactly the bytes given. The arguments are passed as bytes by /bin/sh's printf; the files
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

    /// The database argument (with or without `--create`): refused before anything touches
    /// the disk, the name's bytes in the error as given, exit 2 (CONTRACT: a bad argument);
    /// no file made, not even one under the repaired name.
    @Test("a database argument that is not UTF-8 is refused, exit 2, and nothing is created", arguments: [["--create"], []])
    func refusedArgument(_ options: [String]) throws {
        try withTemporaryDirectory { dir in
            let result = try DotCommandBytesTests.run([migshBinary, "--noinit"] + options,
                                                      [Self.latin1Name, Array("create table t(a);".utf8)], in: dir)
            #expect(result.status == 2, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            let expected = Array("migsh: Error: the database argument \"".utf8) + Self.latin1Name + Array("\" is not UTF-8 text".utf8)
            #expect(Array(result.stderrBytes).starts(with: expected), "\(result.stderrDescription)")
            #expect(try Self.names(dir) == [], "files made")
        }
    }

    /// A database sqlite3 made under the Latin-1 name: migsh refuses it rather than opening or
    /// making `n\u{FFFD}.db`; the folder keeps only sqlite3's file.
    @Test("an existing database named in Latin-1 (made by sqlite3) is refused, and no other file appears")
    func refusedExisting() throws {
        try withTemporaryDirectory { dir in
            let made = try Self.shell(#"printf 'create table t(a);' | sqlite3 "$(printf 'n\351.db')""#, "", in: dir)
            #expect(made.status == 0, "\(made)")
            let before = try Self.names(dir)
            #expect(before == [Data(Self.latin1Name).map { String(format: "%02x", $0) }.joined()])
            let result = try DotCommandBytesTests.run([migshBinary, "--noinit"], [Self.latin1Name, Array(".tables".utf8)], in: dir)
            #expect(result.status == 2, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(try Self.names(dir) == before, "files made")
        }
    }

    /// `MIGSH_DATABASE` is read by getenv(3), which `String(cString:)` repairs the same way.
    @Test("MIGSH_DATABASE that is not UTF-8 is refused the same way")
    func refusedVariable() throws {
        try withTemporaryDirectory { dir in
            let result = try Self.shell(#"printf 'select 1;\n' | MIGSH_DATABASE="$(printf 'n\351.db')" "$1" --noinit --create"#, migshBinary, in: dir)
            #expect(result.status == 2, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            let expected = Array("migsh: Error: MIGSH_DATABASE \"".utf8) + Self.latin1Name + Array("\" is not UTF-8 text".utf8)
            #expect(Array(result.stderrBytes).starts(with: expected), "\(result.stderrDescription)")
            #expect(try Self.names(dir) == [], "files made")
        }
    }

    /// An option, its value as printf's format (`\\351` is the Latin-1 é), and whether it is
    /// given as one word (`--backups=DIR`).
    static let optionRuns: [(String, String, Bool)] = [("--audit", "a\\351.jsonl", false), ("--backups", "b\\351", true), ("-m", "m\\351", false)]

    /// The session's other paths given with a Latin-1 byte (`--audit a\xe9.jsonl`,
    /// `--backups=b\xe9`, `-m m\xe9`): refused the same way, before the database is opened
    /// (it exists; its folder keeps only sqlite3's file).
    @Test("--audit, --backups and -m that are not UTF-8 are refused, exit 2, and nothing is created",
          arguments: optionRuns.indices)
    func refusedOptions(_ index: Int) throws {
        let (option, value, joined) = Self.optionRuns[index]
        try withTemporaryDirectory { dir in
            let made = try Self.shell("sqlite3 db 'create table t(a);'", "", in: dir)
            #expect(made.status == 0, "\(made)")
            let before = try Self.names(dir)
            let word = joined ? "\"\(option)=$(printf '\(value)')\"" : "\(option) \"$(printf '\(value)')\""
            let result = try Self.shell("exec \"$1\" --noinit \(word) db 'select 1;'", migshBinary, in: dir)
            #expect(result.status == 2, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            let parts = value.components(separatedBy: "\\351")
            let named = option == "-m" ? "--migrations" : option  // the error says the long name
            let expected = Array("migsh: Error: \(named) \"".utf8) + Array(parts[0].utf8) + [0xE9] + Array(parts[1].utf8) + Array("\" is not UTF-8 text".utf8)
            #expect(Array(result.stderrBytes).starts(with: expected), "\(result.stderrDescription)")
            #expect(try Self.names(dir) == before, "files made")
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
