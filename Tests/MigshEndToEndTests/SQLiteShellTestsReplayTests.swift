import Foundation
import MigshTestSupport
import Testing

/// sqlite3 3.40.1's own shell tests (test/shell1.test … shell8.test, avfs.test), every call of the
/// CLI as recorded in `Tests/Fixtures/sqlite3-shell-tests` (see its README), replayed through
/// `/usr/bin/sqlite3` and the built migsh in the same fresh folder: standard output, standard
/// error and the exit status must be the same, byte for byte — unless the case is in
/// `allowlist`, with the README's difference or the reason it is still open.
/// `scripts/sqlite3-shell-tests` runs the same cases and prints the diffs.
@Suite("sqlite3 3.40.1's shell tests replayed through sqlite3 and migsh")
struct SQLiteShellTestsReplayTests {
    static let fixture = repositoryRoot + "/Tests/Fixtures/sqlite3-shell-tests"

    struct ReplayCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var file: String
        var args: [String]
        /// Blob names (`blobs/`), standard input and the folder's files.
        var stdin: String
        var files: [String: String]
        var testDescription: String { name }
    }

    static let cases: [ReplayCase] = {
        guard let data = FileManager.default.contents(atPath: fixture + "/cases.json"),
              let cases = try? JSONDecoder().decode([ReplayCase].self, from: data)
        else { return [] }
        return cases
    }()

    static func blob(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: fixture + "/blobs/" + name))
    }

    /// The folder a case ran in is `{CWD}` in its arguments and input.
    static let folderMark = "{CWD}"

    /// Runs `case` through `program` in `folder`, made afresh with the case's files.
    static func run(_ replay: ReplayCase, _ program: String, folder: String, scratch: String) throws -> ByteResult {
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (relative, name) in replay.files {
            let path = folder + "/" + relative
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try blob(name).write(to: URL(fileURLWithPath: path))
        }
        let arguments = replay.args.map { $0.replacingOccurrences(of: folderMark, with: folder) }
        let input = try blob(replay.stdin).replacing(folderMark, with: folder)
        return try runCollectingBytes(program, arguments, stdin: input, in: folder, scratch: scratch)
    }

    @Test("the fixture holds sqlite3's recorded calls")
    func fixtureIsThere() {
        #expect(Self.cases.count > 500, "Tests/Fixtures/sqlite3-shell-tests/cases.json: \(Self.cases.count) cases")
        let names = Set(Self.cases.map(\.name))
        let stale = Self.allowlist.keys.filter { !names.contains($0) }.sorted()
        #expect(stale.isEmpty, "allowlist entries naming no case: \(stale)")
    }

    @Test("migsh prints what sqlite3 prints for sqlite3's own shell tests", arguments: cases)
    func replay(_ replay: ReplayCase) throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/case"
            let theirs = try Self.run(replay, sqlite3Binary, folder: folder, scratch: dir)
            let ours = try Self.run(replay, migshBinary, folder: folder, scratch: dir)
            let compare = {
                #expect(ours.stdout == theirs.stdout, "stdout\nmigsh:\n\(ours.stdoutDescription)\nsqlite3:\n\(theirs.stdoutDescription)")
                #expect(ours.stderrBytes == theirs.stderrBytes, "stderr\nmigsh:\n\(ours.stderrDescription)\nsqlite3:\n\(theirs.stderrDescription)")
                #expect(ours.status == theirs.status, "migsh exited \(ours.status), sqlite3 \(theirs.status)")
            }
            switch Self.allowlist[replay.name] {
            case nil:
                compare()
            case .deliberate(let readme)?:
                // A deliberate difference must still be one: if the case now passes, the
                // README's list (and this entry) need updating.
                withKnownIssue("deliberate (README: \(readme))") { compare() }
            case .open(let reason)?, .theirs(let reason)?:
                withKnownIssue("still open: \(reason)", isIntermittent: true) { compare() }
            }
        }
    }

    enum Known {
        /// A difference the README lists ("Where migsh differs from sqlite3 on purpose").
        case deliberate(String)
        /// Not fixed yet, with why.
        case open(String)
        /// Another engineer's area (worked on in parallel).
        case theirs(String)
    }

    /// Every case that differs today, with the README's difference ("Where migsh differs from
    /// sqlite3 on purpose") or the reason it is still open. `scripts/sqlite3-shell-tests
    /// --failing` lists the differing cases with their diffs; an `.open` or `.theirs` entry that
    /// passes is not an error (remove it), a `.deliberate` one is (the README is out of date).
    static let allowlist: [String: Known] = listed


    static let listed: [String: Known] = [
        "shell1-1.1.1": .deliberate("an unknown option is a usage error, exit 2, with migsh's usage"),
        "shell1-1.1.1b": .deliberate("an unknown option is a usage error, exit 2, with migsh's usage"),
        "shell1-1.2.1": .deliberate("-help prints migsh's help on standard output, exit 0"),
        "shell1-1.7.1": .deliberate("-interactive needs a terminal (libedit)"),
        "shell1-1.14.3": .deliberate("messages about the command line begin `migsh:`"),
        "shell1-1.15.3": .deliberate("messages about the command line begin `migsh:`"),
        "shell1-3.1.1": .deliberate(".backup without a schema name is migsh's verified backup"),
        "shell1-3.1.2": .deliberate(".backup FILE is migsh's verified backup and prints what it verified"),
        "shell1-3.7.4": .deliberate("an argument sqlite3 ignores is ignored with a warning on standard error"),
        "shell1-3.10.1": .deliberate(".help lists migsh's commands and help"),
        "shell1-3.10.2": .deliberate(".help lists migsh's commands and help"),
        "shell1-3.17.4": .deliberate("an argument sqlite3 ignores is ignored with a warning on standard error"),
        "shell1-3.18.2": .deliberate("an argument sqlite3 ignores is ignored with a warning on standard error"),
        "shell1-3.20.2": .deliberate(".restore FILE takes only a verified backup of this database"),
        "shell1-3.23b.5": .deliberate(".stats on: the figures are migsh's (its process's memory and I/O, its own queries in the connection's counters)"),
        "shell1-3.24.3": .deliberate("an argument sqlite3 ignores is ignored with a warning on standard error"),
        "shell1-3.25.4": .deliberate("an argument sqlite3 ignores is ignored with a warning on standard error"),
        "shell2-1.1.1": .deliberate("a missing database file is not created without --create"),
        "shell2-1.4.1": .deliberate("a missing database file is not created without --create"),
        "shell2-1.4.2": .deliberate("a missing database file is not created without --create"),
        "shell2-1.4.3": .deliberate("a missing database file is not created without --create"),
        "shell2-1.4.4": .deliberate("a missing database file is not created without --create"),
        "shell2-1.4.5": .deliberate("a missing database file is not created without --create"),
        "shell2-1.4.6": .deliberate("a missing database file is not created without --create"),
        "shell3-1.1": .deliberate("a missing database file is not created without --create"),
        "shell3-2.1": .deliberate("a missing database file is not created without --create"),
        "shell3-3.1": .deliberate("a missing database file is not created without --create"),
        "shell4-1.5.2": .deliberate(".stats on: the figures are migsh's (its process's memory and I/O, its own queries in the connection's counters)"),
        "shell5-1.1.1": .deliberate("a missing database file is not created without --create"),
        "shell5-1.1.2": .deliberate("a missing database file is not created without --create"),
        "shell5-1.1.3": .deliberate("a missing database file is not created without --create"),
        "shell5-1.2.1": .deliberate("a missing database file is not created without --create"),
        "shell5-1.2.2": .deliberate("a missing database file is not created without --create"),
        "shell5-1.2.3": .deliberate("a missing database file is not created without --create"),
        "shell5-1.2.4": .deliberate("a missing database file is not created without --create"),
        "shell5-1.3.1.1": .deliberate("a missing database file is not created without --create"),
        "shell5-1.3.1.2": .deliberate("a missing database file is not created without --create"),
        "shell5-1.3.2": .deliberate("a missing database file is not created without --create"),
        "shell5-1.4.1": .deliberate("a missing database file is not created without --create"),
        "shell5-1.4.3": .deliberate(".import: a bad row imports nothing"),
        "shell5-1.4.4": .deliberate(".import: a bad row imports nothing"),
        "shell5-1.8": .deliberate("a missing database file is not created without --create"),
        "shell5-1.9": .deliberate("a missing database file is not created without --create"),
        "shell5-1.10": .deliberate("a missing database file is not created without --create"),
        "shell5-1.11": .deliberate("a missing database file is not created without --create"),
        "shell5-2.5": .deliberate("bail is on in batch mode"),
        "shell5-4.1": .deliberate(".import: a bad row imports nothing"),
        "shell5-4.2": .deliberate(".import: a bad row imports nothing"),
        "shell5-5.1": .deliberate("a missing database file is not created without --create"),
        "shell5-5.1#2": .deliberate("a missing database file is not created without --create"),
        "shell5-6.1": .deliberate("a missing database file is not created without --create"),
        "shell5-6.2": .deliberate("a missing database file is not created without --create"),
        "shell8:1.1.1": .deliberate("a missing database file is not created without --create"),
        "shell8:2.1.1": .deliberate("a missing database file is not created without --create"),
        "avfs:3.5": .deliberate(".help lists migsh's commands and help"),

    ]
}
