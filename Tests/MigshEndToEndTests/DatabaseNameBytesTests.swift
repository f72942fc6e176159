import Foundation
import MigshTestSupport
import Testing

/// Issue 22: a database whose name is not UTF-8 is honoured, as sqlite3 honours it: the
/// database and every file migsh keeps beside it (audit log and head, backups and their
/// manifests) are made and found under the exact bytes given.
///
/// The oracle is a clean run of the same commands on ASCII names, side by side in the same
/// folder (`dplain/nplain.db`): its output and the files it leaves, with the ASCII names
/// replaced by the bytes (`d\xFF/n\xE9\xFF.db`), are what the run on the bytes must give.
/// Files are listed by python3 reading the folders as bytes (`os.walk(b'…')`); the data by
/// sqlite3's `.dump`. Names reach the programs as bytes through /bin/sh's printf.
@Suite("Database names that are not UTF-8, end to end")
struct DatabaseNameBytesTests {
    /// The names of one run: the folder, the database's stem (`STEM.db`), a second database's
    /// stem, and the names the options use (`--audit`, `--backups`, `-m`).
    struct Names {
        var folder: [UInt8]
        var stem: [UInt8]
        var other: [UInt8]
        var audit: [UInt8]
        var backups: [UInt8]
        var migrations: [UInt8]

        /// `F`, `S`, `O`, `AU`, `BK`, `MG` in the shell, each made by printf from octal escapes.
        var prelude: String {
            [("F", folder), ("S", stem), ("O", other), ("AU", audit), ("BK", backups), ("MG", migrations)]
                .map { "\($0.0)=\"$(printf '\($0.1.map { String(format: "\\%03o", $0) }.joined())')\"" }
                .joined(separator: "; ") + "; "
        }

        var pairs: [([UInt8], [UInt8])] {
            [(folder, Self.plain.folder), (stem, Self.plain.stem), (other, Self.plain.other),
             (audit, Self.plain.audit), (backups, Self.plain.backups), (migrations, Self.plain.migrations)]
        }

        static let plain = Names(folder: Array("dplain".utf8), stem: Array("nplain".utf8), other: Array("oplain".utf8),
                                 audit: Array("aplain".utf8), backups: Array("bplain".utf8), migrations: Array("mplain".utf8))
        /// Bytes 0xE9 and 0xFF: neither is UTF-8 here (0xE9 is a lead byte without its continuation).
        static let bytes = Names(folder: Array("d".utf8) + [0xFF], stem: Array("n".utf8) + [0xE9, 0xFF], other: Array("o".utf8) + [0xE9],
                                 audit: Array("a".utf8) + [0xE9], backups: Array("b".utf8) + [0xFF], migrations: Array("m".utf8) + [0xE9])
    }

    /// The ASCII run's bytes with every plain name replaced by the bytes' name.
    static func substituted(_ data: Data, _ names: Names) -> Data {
        var bytes = Array(data)
        for (to, from) in names.pairs { bytes = replace(bytes, from, to) }
        return Data(bytes)
    }

    static func replace(_ bytes: [UInt8], _ target: [UInt8], _ replacement: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if i + target.count <= bytes.count, bytes[i..<(i + target.count)].elementsEqual(target) {
                result += replacement
                i += target.count
            } else {
                result.append(bytes[i])
                i += 1
            }
        }
        return result
    }

    /// What varies from one run to the next, whatever the names: timestamps in backup names
    /// (`_20261206_140046`, `_2` for a second one in the same second), dates, times,
    /// milliseconds, process ids, scratch folders, a database's id and a migration's duration
    /// in migsh's own tables; and column padding (a name's width).
    static func normalized(_ data: Data) -> String {
        var text = String(data.map { Character(Unicode.Scalar($0)) })  // Latin-1: one character per byte
        text.replace(/_\d{8}_\d{6}(_\d+)?/, with: "_TS")
        text.replace(/\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?Z?)?/, with: "DATE")
        text.replace(/\d+ ms/, with: "N ms")
        text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, with: "UUID")
        text.replace(/,\d+,'applied'\)/, with: ",N,'applied')")
        text.replace(/migsh-scratch-\d+-\w+/, with: "migsh-scratch-X")
        text.replace(/[ ]{2,}/, with: " ")
        return text
    }

    /// Every file and folder under `dir`/`folder` (relative, as bytes), from python3, sorted.
    static func tree(_ dir: String, _ folder: [UInt8]) throws -> [Data] {
        let program = """
            import os, sys
            root = sys.argv[1].encode() + b'/' + bytes.fromhex(sys.argv[2])
            for r, ds, fs in os.walk(root):
                for n in ds + fs: print(os.path.relpath(os.path.join(r, n), root).hex())
            """
        let result = try runProcess("/usr/bin/env", ["python3", "-c", program, dir, folder.map { String(format: "%02x", $0) }.joined()])
        guard result.status == 0 else { throw EndToEndError.failed("python3 listing", result) }
        return result.stdout.split(separator: "\n").map { Data(hex: String($0)) }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Runs `script` under /bin/sh in `dir` after `names`' prelude; `$M` is migsh, `$MIG` the
    /// repository's migrations, `$Q` sqlite3. Its helper files (HOME, captured output) stay out of `dir`.
    static func shell(_ script: String, _ names: Names, in dir: String, scratch: String, stdin: Data = Data()) throws -> ByteResult {
        try runCollectingBytes("/bin/sh", ["-c", "M=\"$1\"; MIG=\"$2\"; Q=\"$3\"; " + names.prelude + script, "sh",
                                           migshBinary, repositoryMigrations, sqlite3Binary],
                               stdin: stdin, in: dir, scratch: scratch)
    }

    /// A step's run on the bytes equals the clean run's on ASCII names, names replaced:
    /// exit code, standard output, standard error.
    static func expectSame(_ step: String, bytes: ByteResult, plain: ByteResult, _ names: Names = .bytes,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(bytes.status == plain.status, "\(step): exit\nbytes: \(bytes)\nplain: \(plain)", sourceLocation: sourceLocation)
        #expect(normalized(bytes.stdout) == normalized(substituted(plain.stdout, names)),
                "\(step): stdout\nbytes:\n\(bytes.stdoutDescription)\nplain:\n\(plain.stdoutDescription)", sourceLocation: sourceLocation)
        #expect(normalized(bytes.stderrBytes) == normalized(substituted(plain.stderrBytes, names)),
                "\(step): stderr\nbytes:\n\(bytes.stderrDescription)\nplain:\n\(plain.stderrDescription)", sourceLocation: sourceLocation)
    }

    /// The tree under `dir`/F for the bytes equals the clean run's under `dir`/dplain, names
    /// replaced (and timestamps normalized).
    static func expectSameFiles(_ step: String, _ dir: String, folder: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let plain = try tree(dir, Names.plain.folder).map { normalized(substituted($0, .bytes)) }.sorted()
        let bytes = try tree(dir, folder).map { normalized($0) }.sorted()
        #expect(plain.count > 0, "\(step): the clean run left no files", sourceLocation: sourceLocation)
        #expect(bytes == plain, "\(step): files\nbytes: \(bytes.map(escapedLatin1))\nplain: \(plain.map(escapedLatin1))",
                sourceLocation: sourceLocation)
    }

    static func escapedLatin1(_ text: String) -> String {
        text.unicodeScalars.map { $0.value < 0x80 ? String($0) : String(format: "\\x%02x", $0.value) }.joined()
    }

    /// The carried form (migsh's `CarriedBytes`) of a name whose bytes from 0x80 are none of
    /// them UTF-8: each such byte B is the character U+10FD00+B. Computed here by hand.
    static func carried(_ bytes: [UInt8]) -> String {
        String(String.UnicodeScalarView(bytes.map { $0 < 0x80 ? Unicode.Scalar($0) : Unicode.Scalar(0x10FD00 + UInt32($0))! }))
    }

    /// The session's commands, one after another, on `F/S.db`, in the clean run and in the run
    /// on the bytes: each step's output, then the files and the data, against the clean run.
    @Test("a database named in bytes in a folder named in bytes: .apply with its backup, .audit verify, .restore, .diff, --scratch")
    func session() throws {
        try withTemporaryDirectory { dir in
            try withTemporaryDirectory { scratch in
                let steps: [(String, String)] = [
                    ("create", #"mkdir "$F" && exec "$M" --noinit -m "$MIG" --create "$F/$S.db" '.apply --to 1 --yes'"#),
                    ("insert", #"exec "$M" --noinit -m "$MIG" "$F/$S.db" "insert into Users(username) values('x')""#),
                    ("version", #"exec "$M" --noinit -m "$MIG" "$F/$S.db" .version"#),
                    ("apply", #"exec "$M" --noinit -m "$MIG" "$F/$S.db" '.apply --to 3 --yes'"#),
                    ("dump after apply", #"exec "$Q" "$F/$S.db" .dump"#),
                    ("audit verify", #"exec "$M" --noinit -m "$MIG" "$F/$S.db" '.audit verify'"#),
                    ("backups", #"exec "$M" --noinit -m "$MIG" "$F/$S.db" '.backups'"#),
                    ("restore", #"exec "$M" --noinit -m "$MIG" "$F/$S.db" '.restore --latest --yes'"#),
                    ("dump after restore", #"exec "$Q" "$F/$S.db" .dump"#),
                    ("diff", #"exec "$M" --noinit -m "$MIG" "$F/$S.db" .diff"#),
                    ("scratch", #"exec "$M" --noinit -m "$MIG" --scratch "$F/$S.db" '.apply --to 3 --yes'"#),
                    ("audit verify again", #"exec "$M" --noinit -m "$MIG" "$F/$S.db" '.audit verify'"#),
                ]
                for (step, script) in steps {
                    let plain = try Self.shell(script, .plain, in: dir, scratch: scratch)
                    let bytes = try Self.shell(script, .bytes, in: dir, scratch: scratch)
                    #expect(plain.status == 0, "\(step): the clean run failed: \(plain)")
                    Self.expectSame(step, bytes: bytes, plain: plain)
                    try Self.expectSameFiles(step, dir, folder: Names.bytes.folder)
                }
            }
        }
    }

    /// The audit log of a database named in bytes is valid UTF-8 JSON, one entry a line; the
    /// name is written in its carried form (each byte B that is not UTF-8 as U+10FD00+B).
    @Test("the audit log and --json output stay valid UTF-8 JSON and name the database in its carried form")
    func auditAndJSON() throws {
        try withTemporaryDirectory { dir in
            try withTemporaryDirectory { scratch in
                let made = try Self.shell(#"mkdir "$F" && exec "$M" --noinit -m "$MIG" --create "$F/$S.db" '.apply --to 1 --yes'"#,
                                          .bytes, in: dir, scratch: scratch)
                #expect(made.status == 0, "\(made)")
                let name = Names.bytes.folder + Array("/".utf8) + Names.bytes.stem + Array(".db".utf8)
                let json = try Self.shell(#"exec "$M" --noinit -m "$MIG" --json "$F/$S.db" .version"#, .bytes, in: dir, scratch: scratch)
                #expect(json.status == 0, "\(json)")
                #expect(String(validating: Array(json.stdout), as: UTF8.self) != nil, "not UTF-8: \(json.stdoutDescription)")
                let document = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
                #expect(document?["database"] as? String == Self.carried(name), "\(json.stdoutDescription)")

                let auditPath = Data(dir.utf8) + Data("/".utf8) + Data(name) + Data("-audit.jsonl".utf8)
                let read = try runProcess("/usr/bin/env", ["python3", "-c", "import sys; sys.stdout.buffer.write(open(bytes.fromhex(sys.argv[1]), 'rb').read())",
                                                           auditPath.map { String(format: "%02x", $0) }.joined()])
                #expect(read.status == 0, "\(read)")
                let lines = read.stdout.split(separator: "\n")
                #expect(lines.count >= 3)
                for line in lines {
                    let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                    #expect(entry?["event"] != nil, "\(line)")
                }
                let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
                #expect(first?["database"] as? String == dir + "/" + Self.carried(name), "\(lines[0])")
            }
        }
    }

    /// `--each 'F/*.db'` over a folder of databases named in bytes, and `--fleet FILE` listing
    /// such a name: every database is run under its bytes, its files made beside it under
    /// them, the summary names it with its bytes, `--json` stays UTF-8 with the carried form.
    @Test("--each over a folder of databases named in bytes, and --fleet FILE listing one")
    func fleet() throws {
        try withTemporaryDirectory { dir in
            try withTemporaryDirectory { scratch in
                let steps: [(String, String)] = [
                    ("create", #"mkdir "$F" && "$M" --noinit -m "$MIG" --create "$F/$S.db" '.apply --to 1 --yes' && exec "$M" --noinit -m "$MIG" --create "$F/$O.db" '.apply --to 2 --yes'"#),
                    ("each", #"exec "$M" --noinit -m "$MIG" --jobs 1 --each "$F/*.db" .version"#),
                    ("each apply", #"exec "$M" --noinit -m "$MIG" --jobs 1 --each "$F/*.db" '.apply --to 3 --yes'"#),
                    ("fleet file", #"printf '%s\n# a comment\n' "$F/$S.db" > "$F.list" && exec "$M" --noinit -m "$MIG" --fleet "$F.list" '.audit verify'"#),
                    // Standard error's lines, each after its database's name: the bytes of both.
                    ("each stderr", #"exec "$M" --noinit -m "$MIG" --jobs 1 --each "$F/*.db" ".read $F/$O.sql""#),
                ]
                for (step, script) in steps {
                    let plain = try Self.shell(script, .plain, in: dir, scratch: scratch)
                    let bytes = try Self.shell(script, .bytes, in: dir, scratch: scratch)
                    #expect(plain.status == (step == "each stderr" ? 1 : 0), "\(step): the clean run: \(plain)")
                    Self.expectSame(step, bytes: bytes, plain: plain)
                    try Self.expectSameFiles(step, dir, folder: Names.bytes.folder)
                }
                let json = try Self.shell(#"exec "$M" --noinit -m "$MIG" --json --each "$F/*.db" .version"#, .bytes, in: dir, scratch: scratch)
                #expect(String(validating: Array(json.stdout), as: UTF8.self) != nil, "not UTF-8: \(json.stdoutDescription)")
                let report = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
                let paths = (report?["databases"] as? [[String: Any]])?.compactMap { $0["path"] as? String }
                let expected = [Names.bytes.stem, Names.bytes.other].map { Self.carried(Names.bytes.folder + Array("/".utf8) + $0 + Array(".db".utf8)) }
                #expect(paths == expected, "\(json.stdoutDescription)")
            }
        }
    }

    /// sqlite3 and migsh on the same database named in bytes (made by sqlite3): the same
    /// standard output for a query, and migsh's companions are exactly the clean run's names.
    @Test("sqlite3 and migsh read the same database named in bytes")
    func sameAsSQLite3() throws {
        try withTemporaryDirectory { dir in
            try withTemporaryDirectory { scratch in
                let make = #"mkdir "$F" && exec "$Q" "$F/$S.db" "create table t(a, b); insert into t values(1, 'caf' || char(233)), (2, x'e9ff');""#
                let query = #"exec "$P" "$F/$S.db" "select a, hex(b) from t order by a;""#
                for names in [Names.plain, .bytes] {
                    let made = try Self.shell(make, names, in: dir, scratch: scratch)
                    #expect(made.status == 0, "\(made)")
                }
                let theirs = try Self.shell("P=\"$Q\"; " + query, .bytes, in: dir, scratch: scratch)
                let ours = try Self.shell("P=\"$M\"; " + query, .bytes, in: dir, scratch: scratch)
                #expect(theirs.stdout == Data("1|636166C3A9\n2|E9FF\n".utf8), "\(theirs)")
                #expect(ours.stdout == theirs.stdout, "migsh: \(ours)\nsqlite3: \(theirs)")
                #expect(ours.stderrBytes == theirs.stderrBytes)
                #expect(ours.status == theirs.status)
                let plain = try Self.shell("P=\"$M\"; " + query, .plain, in: dir, scratch: scratch)
                #expect(plain.stdout == theirs.stdout)
                try Self.expectSameFiles("migsh on sqlite3's database", dir, folder: Names.bytes.folder)
            }
        }
    }

    /// `.open NAME` in a session, NAME in bytes: the database opened, its audit log made under
    /// the bytes, as the clean run on an ASCII name.
    @Test(".open of a name in bytes opens it and makes its companions under the bytes")
    func openCommand() throws {
        try withTemporaryDirectory { dir in
            try withTemporaryDirectory { scratch in
                let steps: [(String, String)] = [
                    ("make", #"mkdir "$F" && exec "$Q" "$F/$S.db" "create table t(a); insert into t values(42);""#),
                    ("open", #"exec "$M" --noinit --create "$F/first.db" ".open $F/$S.db" "select a from t;" .databases"#),
                    ("open missing", #"exec "$M" --noinit "$F/first.db" ".open $F/$O.db""#),
                    ("open new", #"exec "$M" --noinit "$F/first.db" ".open --new $F/$O.db" "create table u(b);""#),
                ]
                for (step, script) in steps {
                    let plain = try Self.shell(script, .plain, in: dir, scratch: scratch)
                    let bytes = try Self.shell(script, .bytes, in: dir, scratch: scratch)
                    #expect(plain.status == (step == "open missing" ? 1 : 0), "\(step): the clean run: \(plain)")
                    Self.expectSame(step, bytes: bytes, plain: plain)
                    try Self.expectSameFiles(step, dir, folder: Names.bytes.folder)
                }
            }
        }
    }

    /// `--audit FILE`, `--backups=DIR`, `-m DIR` and `MIGSH_DATABASE` given in bytes: the files
    /// are made and found there, as the clean run's under ASCII names.
    @Test("--audit, --backups, -m and MIGSH_DATABASE in bytes name the files made", arguments: [
        #"exec "$M" --noinit -m "$MIG" --create --audit "$F/$AU.jsonl" "$F/$S.db" '.apply --to 1 --yes' '.audit verify'"#,
        #"exec "$M" --noinit -m "$MIG" --create "--backups=$F/$BK" "$F/$S.db" '.apply --to 2 --yes' .backups"#,
        #"cp -R "$MIG" "$F/$MG" && exec "$M" --noinit -m "$F/$MG" --create "$F/$S.db" '.apply --to 2 --yes' .version"#,
        #"MIGSH_DATABASE="$F/$S.db"; export MIGSH_DATABASE; exec "$M" --noinit -m "$MIG" --create"#,
    ])
    func options(_ script: String) throws {
        try withTemporaryDirectory { dir in
            try withTemporaryDirectory { scratch in
                let input = Data(".apply --to 1 --yes\n.version\n".utf8)
                let plain = try Self.shell(#"mkdir "$F" && "# + script, .plain, in: dir, scratch: scratch, stdin: input)
                let bytes = try Self.shell(#"mkdir "$F" && "# + script, .bytes, in: dir, scratch: scratch, stdin: input)
                #expect(plain.status == 0 || plain.status == 1, "the clean run: \(plain)")  // .version: pending
                Self.expectSame(script, bytes: bytes, plain: plain)
                try Self.expectSameFiles(script, dir, folder: Names.bytes.folder)
            }
        }
    }
}

extension Data {
    /// The bytes a string of hex digits spells.
    init(hex: String) {
        var bytes: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex, let j = hex.index(i, offsetBy: 2, limitedBy: hex.endIndex) {
            bytes.append(UInt8(hex[i..<j], radix: 16) ?? 0)
            i = j
        }
        self.init(bytes)
    }
}
