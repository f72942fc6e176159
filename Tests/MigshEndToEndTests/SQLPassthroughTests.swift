import Crypto
import Foundation
import MigshTestSupport
import Testing

/// The contract: "In list, csv and json modes the output of plain SQL is byte-for-byte what
/// sqlite3 prints for the same input and settings" — here in every mode sqlite3 has a flag
/// for. Every input of the corpus goes through the built migsh (with `--mode`, and with
/// sqlite3's own flags) and through /usr/bin/sqlite3, each on its own copy of the same
/// database, fed on standard input; standard output is compared byte for byte.
@Suite("SQL passthrough: byte-for-byte sqlite3 output")
struct SQLPassthroughTests {
    /// An output mode with its command-line flags for both programs.
    struct Settings: CustomTestStringConvertible, Sendable {
        var mode: String
        var header: Bool
        var migshFlags: [String] { ["--mode", mode] + (header ? ["--header"] : []) }
        var sqlite3Flags: [String] { ["-" + mode] + (header ? ["-header"] : []) }
        var testDescription: String { "\(mode)\(header ? " with header" : "")" }
    }

    static let settings: [Settings] = ["list", "csv", "json", "line", "box", "table", "markdown", "column", "quote", "tabs", "html", "ascii"].flatMap { mode in
        [Settings(mode: mode, header: false), Settings(mode: mode, header: true)]
    }

    /// One input of the corpus.
    struct Input: CustomTestStringConvertible, Sendable {
        var name: String
        var sql: String
        /// Read `sql` as Latin-1: each character U+0080…U+00FF is that one byte.
        var latin1 = false
        var testDescription: String { name }
        var bytes: Data { latin1 ? sql.data(using: .isoLatin1)! : Data(sql.utf8) }
    }

    static let corpus: [Input] = [
        Input(name: "NULLs", sql: #"""
            select null;
            select null as a, 1 as b, null as c;
            select id, i, r, t from v where i is null or t is null order by id;
            select coalesce(null, null), nullif(1, 1), '' as empty;

            """#),
        Input(name: "blobs", sql: #"""
            select id, b from v order by id;
            select x'', x'00', x'deadbeef', x'41424344', cast('text' as blob), zeroblob(2);
            select typeof(b), length(b) from v order by id;

            """#),
        Input(name: "floats", sql: #"""
            select 0.1, 1e20, -0.0, 0.0, 1.0/3, 2.5, 100.0, 4.0, 1e-7, 1.5e-300, 123.456e10;
            select 1e15, 1e16, 1e17, 0.30000000000000004, 9e999, -9e999, 3.141592653589793;
            select id, r from v order by id;
            select 9223372036854775807, -9223372036854775808, 123456789012345678, -1;

            """#),
        Input(name: "newlines, quotes, commas", sql: #"""
            select 'line1
            line2', 'cr' || char(13) || 'lf' || char(10) || 'end';
            select 'with, comma', 'double " quote', 'single '' quote', '"', ',', 'tab	tab', '|pipe|';
            select 'x' as "col ""q""", 'y' as "a,b", 'z' as "multi
            line";
            select t from v order by id;

            """#),
        Input(name: "unicode", sql: #"""
            select 'ünïcödé ☃ 日本語 🎉', 'ﬁ', 'e' || char(769), char(0x1F600), 'Ω' as "Ωmega";
            select upper('straße'), length('日本語'), hex('é');
            select char(127), char(128), char(160), char(8232);

            """#),
        Input(name: "multi-statement input", sql: #"""
            select 1; select 2, 3; create temp table w(a, b); insert into w values (1, 'x'), (2, null);
            select * from w; update w set b = 'y' where a = 2; select * from w order by a desc;
            select count(*) from v; select * from w where a > 5; select 'end';

            """#),
        Input(name: "empty result", sql: #"""
            select * from v where id < 0;
            select 1 where 0;

            """#),
        Input(name: "whole table", sql: "select * from v order by id;\n"),
        Input(name: "bytes 0x80-0xFF that are not UTF-8", sql: """
            select '\(String((0x80...0xFF).map { Character(Unicode.Scalar(UInt8($0))) }))' as "all \u{e9}";
            create temp table "l\u{e9}"("\u{fc}" text, b blob);
            insert into "l\u{e9}" values ('caf\u{e9}', x'e9'), ('\u{ff}"\u{80}', x'ff'), ('\u{c3}\u{a9}\u{c3}', 'x\u{e9}');
            select "\u{fc}", b, hex("\u{fc}"), length("\u{fc}") from "l\u{e9}";
            select "\u{fc}" as [\u{e9}\u{ff}] from l\u{e9} where "\u{fc}" like 'caf\u{e9}'

            """, latin1: true),
        Input(name: "comments everywhere and no final ;", sql: """
            /*
             a header
            */ select 1;
            -- a ; in a line comment
            select /* ; */ 2; -- after
            /* a */ select 3; /* b */ select
              -- between
              4 /* c */
            ;
            /* the last statement has no ; */
            select 5
            """),
        Input(name: "modes switched by dot-commands", sql: #"""
            .mode csv
            select 'a,b', 'c"d', 'e
            f', null, x'0102';
            .headers on
            .mode json
            select 1 as a, 'two' as b, x'03' as c, 1.5 as d, null as e;
            .mode list
            select 1, 2;
            .headers off
            select 3, 4;

            """#),
    ]

    /// The database both programs read: every storage class and the awkward values.
    static func makeFixture(_ db: String) {
        _ = sqlite(db, """
            create table v(id integer primary key, i integer, r real, t text, b blob);
            insert into v values
              (1, null, 0.1, 'plain', x'00ff10'),
              (2, 42, 1e20, 'with, comma', null),
              (3, -7, -0.0, 'line1' || char(10) || 'line2', x''),
              (4, 9223372036854775807, 3.14159265358979, 'quote " and '' single', x'41'),
              (5, 0, 1.5e-300, 'ünïcödé ☃ 日本', zeroblob(3)),
              (6, null, null, '', null),
              (7, -1, 100.0, 'cr' || char(13) || char(10) || 'lf', x'0d0a');
            """)
    }

    @Test("migsh prints what sqlite3 prints", arguments: settings, corpus)
    func sameOutput(settings: Settings, input: Input) throws {
        try withTemporaryDirectory { dir in
            let fixture = dir + "/fixture.sqlite"
            Self.makeFixture(fixture)
            let migshDB = dir + "/migsh.sqlite"
            let sqlite3DB = dir + "/sqlite3.sqlite"
            try FileManager.default.copyItem(atPath: fixture, toPath: migshDB)
            try FileManager.default.copyItem(atPath: fixture, toPath: sqlite3DB)
            let sql = input.bytes

            let ours = try runCollectingBytes(migshBinary, ["--noinit"] + settings.migshFlags + [migshDB], stdin: sql, in: dir)
            let theirs = try runCollectingBytes(sqlite3Binary, ["-init", "/dev/null"] + settings.sqlite3Flags + [sqlite3DB], stdin: sql, in: dir)
            // migsh given sqlite3's own flags (issue 22: scripts written for sqlite3 run unchanged).
            let sameFlagsDB = dir + "/migsh-sqlite3-flags.sqlite"
            try FileManager.default.copyItem(atPath: fixture, toPath: sameFlagsDB)
            let oursWithTheirFlags = try runCollectingBytes(migshBinary, ["-init", "/dev/null"] + settings.sqlite3Flags + [sameFlagsDB], stdin: sql, in: dir)

            try #require(theirs.status == 0, "the reference sqlite3 failed on the corpus: \(theirs)")
            for run in [ours, oursWithTheirFlags] {
                #expect(run.status == 0, "\(run)")
                #expect(run.stderr.isEmpty, "\(run)")
                #expect(run.stdout == theirs.stdout,
                        "migsh:\n\(run.stdoutDescription)\nsqlite3:\n\(theirs.stdoutDescription)")
            }
        }
    }

    /// A million rows to a pipe: the same bytes as sqlite3 (length and SHA-256, hashed while
    /// reading), and the first bytes arrive while migsh is still running (it streams).
    @Test("a 1,000,000-row result streams to a pipe with sqlite3's exact bytes")
    func millionRows() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/empty.sqlite"
            _ = sqlite(db, "create table unused(x)")
            let sql = Data("""
                WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1000000)
                SELECT x, x * 0.5, CASE WHEN x % 7 = 0 THEN NULL ELSE 'r' END FROM c;

                """.utf8)

            let ours = try streamHashing(migshBinary, ["--noinit", db], stdin: sql, in: dir)
            let theirs = try streamHashing(sqlite3Binary, ["-init", "/dev/null", db], stdin: sql, in: dir)

            #expect(theirs.status == 0)
            #expect(ours.status == 0, "migsh exited \(ours.status)")
            #expect(ours.lines == 1_000_000, "\(ours.lines) lines")
            #expect(ours.bytes == theirs.bytes, "migsh wrote \(ours.bytes) bytes, sqlite3 \(theirs.bytes)")
            #expect(ours.sha256 == theirs.sha256)
            #expect(ours.firstBytesWhileRunning, "migsh's first output came only after it had finished")
        }
    }
}

// MARK: - Running with byte-exact output

/// A finished child's exit status and standard output as bytes.
struct ByteResult: CustomStringConvertible {
    var status: Int32
    var stdout: Data
    var stderrBytes: Data
    /// Standard error as text (bytes that are not UTF-8 repaired): compare `stderrBytes`.
    var stderr: String { String(decoding: stderrBytes, as: UTF8.self) }

    /// The output with invisible bytes escaped, for failure messages.
    var stdoutDescription: String { ByteResult.escaped(stdout) }
    var stderrDescription: String { ByteResult.escaped(stderrBytes) }

    static func escaped(_ data: Data) -> String {
        var text = ""
        for byte in data {
            switch byte {
            case 0x0A: text += "\\n\n"
            case 0x0D: text += "\\r"
            case 0x09: text += "\\t"
            case 0x20..<0x7F: text.append(Character(UnicodeScalar(byte)))
            default: text += String(format: "\\x%02x", byte)
            }
        }
        return text
    }

    var description: String { "exit \(status)\n--- stdout ---\n\(stdoutDescription)\n--- stderr ---\n\(stderrDescription)" }
}

extension Data {
    /// Every occurrence of `target` replaced by `replacement`, byte for byte (no decoding).
    func replacing(_ target: String, with replacement: String) -> Data {
        let t = Array(target.utf8), r = Array(replacement.utf8), bytes = Array(self)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if !t.isEmpty, i + t.count <= bytes.count, bytes[i..<(i + t.count)].elementsEqual(t) {
                result += r
                i += t.count
            } else {
                result.append(bytes[i])
                i += 1
            }
        }
        return Data(result)
    }
}

/// The environment of a reference run: no MIGSH_* variables, HOME in the test's folder (so
/// no ~/.sqliterc or ~/.migshrc of the machine can change the output).
private func isolatedEnvironment(home: String) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    for key in ["MIGSH_DATABASE", "MIGSH_MIGRATIONS", "MIGSH_HISTORY", "MIGSH_BIN", "XDG_CONFIG_HOME"] {
        environment[key] = nil
    }
    environment["HOME"] = home
    environment["NO_COLOR"] = "1"
    return environment
}

/// Runs `executable` with `stdin` from a file and standard output into a file, so that the
/// bytes are kept exactly (no text decoding) and no pipe can fill up. Those files, and HOME, are
/// in `scratch` (default: `dir`, the child's working folder).
func runCollectingBytes(_ executable: String, _ arguments: [String], stdin: Data, in dir: String,
                        environment: [String: String] = [:], timeout: TimeInterval = 30,
                        scratch: String? = nil) throws -> ByteResult {
    let id = UUID().uuidString
    let scratch = scratch ?? dir
    let inPath = scratch + "/stdin-" + id
    let outPath = scratch + "/stdout-" + id
    let errPath = scratch + "/stderr-" + id
    try stdin.write(to: URL(fileURLWithPath: inPath))
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    defer {
        for path in [inPath, outPath, errPath] { try? FileManager.default.removeItem(atPath: path) }
    }

    let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    defer {
        try? input.close()
        try? output.close()
        try? errors.close()
    }
    let child = try ChildProcess(executable: executable, arguments: arguments, environment: isolatedEnvironment(home: scratch).merging(environment) { $1 },
                                 cwd: dir, stdin: .descriptor(input.fileDescriptor),
                                 stdout: .descriptor(output.fileDescriptor), stderr: .descriptor(errors.fileDescriptor))
    if !child.wait(timeout: timeout) {
        child.kill()
        throw EndToEndError.timedOut(([executable] + arguments).joined(separator: " "), seconds: timeout)
    }
    return ByteResult(
        status: child.exitStatus ?? -1,
        stdout: FileManager.default.contents(atPath: outPath) ?? Data(),
        stderrBytes: FileManager.default.contents(atPath: errPath) ?? Data())
}

/// What `streamHashing` saw of a child's standard output.
struct StreamDigest {
    var status: Int32
    var bytes: UInt64
    var lines: Int
    var sha256: String
    /// True when the first output chunk was read while the child was still running.
    var firstBytesWhileRunning: Bool
}

/// Runs `executable` with its standard output on a pipe, hashing and counting the bytes as
/// they arrive (nothing but the digest is kept).
func streamHashing(_ executable: String, _ arguments: [String], stdin: Data, in dir: String,
                   timeout: TimeInterval = 30) throws -> StreamDigest {
    let inPath = dir + "/stdin-" + UUID().uuidString
    try stdin.write(to: URL(fileURLWithPath: inPath))
    defer { try? FileManager.default.removeItem(atPath: inPath) }

    let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
    defer { try? input.close() }
    let pipe = RawPipe()
    let child = try ChildProcess(executable: executable, arguments: arguments, environment: isolatedEnvironment(home: dir),
                                 cwd: dir, stdin: .descriptor(input.fileDescriptor), stdout: .descriptor(pipe.writeEnd))
    pipe.closeWrite()

    var hasher = SHA256()
    var byteCount: UInt64 = 0
    var lines = 0
    var firstBytesWhileRunning: Bool?
    let deadline = Date().addingTimeInterval(timeout)
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(pipe.readEnd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        let chunk = Data(buffer[0..<n])
        if firstBytesWhileRunning == nil { firstBytesWhileRunning = child.isRunning }
        hasher.update(data: chunk)
        byteCount += UInt64(chunk.count)
        lines += countNewlines(chunk)
        if Date() > deadline {
            child.kill()
            throw EndToEndError.timedOut(([executable] + arguments).joined(separator: " "), seconds: timeout)
        }
    }
    child.wait(timeout: 10)
    return StreamDigest(status: child.exitStatus ?? -1, bytes: byteCount, lines: lines,
                        sha256: hasher.finalize().map { String(format: "%02x", $0) }.joined(),
                        firstBytesWhileRunning: firstBytesWhileRunning ?? false)
}

/// The number of `\n` bytes in `data` (memchr: fast even in a debug build).
private func countNewlines(_ data: Data) -> Int {
    data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int in
        guard var cursor = raw.baseAddress else { return 0 }
        let end = cursor + raw.count
        var count = 0
        while cursor < end, let found = memchr(cursor, 0x0A, end - cursor) {
            count += 1
            cursor = UnsafeRawPointer(found) + 1
        }
        return count
    }
}

