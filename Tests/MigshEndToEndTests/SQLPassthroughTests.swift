import Foundation
import MigshTestSupport
import Testing

/// The contract: "In list, csv and json modes the output of plain SQL is byte-for-byte what
/// sqlite3 prints for the same input and settings." Every input of the corpus goes through
/// the built migsh and through /usr/bin/sqlite3, each on its own copy of the same database,
/// fed on standard input; standard output is compared byte for byte.
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

    static let settings: [Settings] = ["list", "csv", "json"].flatMap { mode in
        [Settings(mode: mode, header: false), Settings(mode: mode, header: true)]
    }

    /// One input of the corpus.
    struct Input: CustomTestStringConvertible, Sendable {
        var name: String
        var sql: String
        var testDescription: String { name }
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
            let sql = Data(input.sql.utf8)

            let ours = try runCollectingBytes(migshBinary, ["--noinit"] + settings.migshFlags + [migshDB], stdin: sql, in: dir)
            let theirs = try runCollectingBytes(sqlite3Binary, ["-init", "/dev/null"] + settings.sqlite3Flags + [sqlite3DB], stdin: sql, in: dir)

            try #require(theirs.status == 0, "the reference sqlite3 failed on the corpus: \(theirs)")
            #expect(ours.status == 0, "\(ours)")
            #expect(ours.stderr.isEmpty, "\(ours)")
            #expect(ours.stdout == theirs.stdout,
                    "migsh:\n\(ours.stdoutDescription)\nsqlite3:\n\(theirs.stdoutDescription)")
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
    var stderr: String

    /// The output with invisible bytes escaped, for failure messages.
    var stdoutDescription: String {
        var text = ""
        for byte in stdout {
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

    var description: String { "exit \(status)\n--- stdout ---\n\(stdoutDescription)\n--- stderr ---\n\(stderr)" }
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
/// bytes are kept exactly (no text decoding) and no pipe can fill up.
func runCollectingBytes(_ executable: String, _ arguments: [String], stdin: Data, in dir: String,
                        timeout: TimeInterval = 30) throws -> ByteResult {
    let id = UUID().uuidString
    let inPath = dir + "/stdin-" + id
    let outPath = dir + "/stdout-" + id
    let errPath = dir + "/stderr-" + id
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
    let child = try ChildProcess(executable: executable, arguments: arguments, environment: isolatedEnvironment(home: dir),
                                 cwd: dir, stdin: .descriptor(input.fileDescriptor),
                                 stdout: .descriptor(output.fileDescriptor), stderr: .descriptor(errors.fileDescriptor))
    if !child.wait(timeout: timeout) {
        child.kill()
        throw EndToEndError.timedOut(([executable] + arguments).joined(separator: " "), seconds: timeout)
    }
    return ByteResult(
        status: child.exitStatus ?? -1,
        stdout: FileManager.default.contents(atPath: outPath) ?? Data(),
        stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
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

    var hasher = SHA256Stream()
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
        hasher.update(chunk)
        lines += countNewlines(chunk)
        if Date() > deadline {
            child.kill()
            throw EndToEndError.timedOut(([executable] + arguments).joined(separator: " "), seconds: timeout)
        }
    }
    child.wait(timeout: 10)
    return StreamDigest(status: child.exitStatus ?? -1, bytes: hasher.byteCount, lines: lines,
                        sha256: hasher.finalize(), firstBytesWhileRunning: firstBytesWhileRunning ?? false)
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

/// SHA-256 (FIPS 180-4) over data given in pieces. The test target depends only on
/// MigshCore, so it carries its own; checked against sha256sum's test vectors.
struct SHA256Stream {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]
    private var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
    private var block = [UInt8](repeating: 0, count: 64)
    private var blockCount = 0
    private var w = [UInt32](repeating: 0, count: 64)
    private(set) var byteCount: UInt64 = 0

    mutating func update(_ data: Data) {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            update(base, raw.count)
        }
    }

    private mutating func update(_ bytes: UnsafePointer<UInt8>, _ count: Int) {
        byteCount += UInt64(count)
        var i = 0
        if blockCount > 0 {
            while i < count && blockCount < 64 {
                block[blockCount] = bytes[i]
                blockCount += 1
                i += 1
            }
            if blockCount == 64 {
                let full = block
                full.withUnsafeBufferPointer { compress($0.baseAddress!) }
                blockCount = 0
            }
        }
        while count - i >= 64 {
            compress(bytes + i)
            i += 64
        }
        while i < count {
            block[blockCount] = bytes[i]
            blockCount += 1
            i += 1
        }
    }

    private mutating func compress(_ p: UnsafePointer<UInt8>) {
        w.withUnsafeMutableBufferPointer { w in
            Self.k.withUnsafeBufferPointer { k in
                h.withUnsafeMutableBufferPointer { h in
                    for t in 0..<16 {
                        w[t] = UInt32(p[4 * t]) << 24 | UInt32(p[4 * t + 1]) << 16
                            | UInt32(p[4 * t + 2]) << 8 | UInt32(p[4 * t + 3])
                    }
                    for t in 16..<64 {
                        let a = w[t - 15], b = w[t - 2]
                        let s0 = (a >> 7 | a << 25) ^ (a >> 18 | a << 14) ^ (a >> 3)
                        let s1 = (b >> 17 | b << 15) ^ (b >> 19 | b << 13) ^ (b >> 10)
                        w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
                    }
                    var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
                    for t in 0..<64 {
                        let s1 = (e >> 6 | e << 26) ^ (e >> 11 | e << 21) ^ (e >> 25 | e << 7)
                        let ch = (e & f) ^ (~e & g)
                        let t1 = hh &+ s1 &+ ch &+ k[t] &+ w[t]
                        let s0 = (a >> 2 | a << 30) ^ (a >> 13 | a << 19) ^ (a >> 22 | a << 10)
                        let maj = (a & b) ^ (a & c) ^ (b & c)
                        hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ (s0 &+ maj)
                    }
                    h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d
                    h[4] = h[4] &+ e; h[5] = h[5] &+ f; h[6] = h[6] &+ g; h[7] = h[7] &+ hh
                }
            }
        }
    }

    /// The hex digest. Call once, after the last `update`.
    mutating func finalize() -> String {
        let length = byteCount
        let used = Int(length % 64)
        var padding: [UInt8] = [0x80] + [UInt8](repeating: 0, count: used < 56 ? 55 - used : 119 - used)
        let bits = length &* 8
        for i in (0..<8).reversed() { padding.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))) }
        padding.withUnsafeBufferPointer { update($0.baseAddress!, $0.count) }
        byteCount = length
        return h.map { String(format: "%08x", $0) }.joined()
    }
}

@Suite("SQL passthrough: the test's own SHA-256")
struct SQLPassthroughSHA256Tests {
    @Test("known digests, whatever the chunking", arguments: [1, 3, 63, 64, 65, 1000])
    func vectors(chunk: Int) {
        func digest(_ text: String) -> String {
            let data = Data(text.utf8)
            var hasher = SHA256Stream()
            var offset = 0
            while offset < data.count {
                let end = min(offset + chunk, data.count)
                hasher.update(data.subdata(in: offset..<end))
                offset = end
            }
            return hasher.finalize()
        }
        #expect(digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(digest(String(repeating: "a", count: 1000))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
