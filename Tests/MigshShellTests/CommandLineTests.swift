import ArgumentParser
import Foundation
@testable import MigshShell
import Testing

/// `MigshOptions.parseCommon`, the fast reader of the usual command lines, against
/// swift-argument-parser (`MigshCommandLine`) as the oracle: wherever the fast reader gives an
/// answer, it is the parser's answer.
@Suite("The command line: the fast reader agrees with swift-argument-parser")
struct CommandLineTests {
    static let words = [
        "db.sqlite", "other.sqlite", ".version", ".apply --yes", "SELECT 1;", "x", "3", "0", "-3", "+4", "",
        "-m", "--migrations", "migrations", "--backups", "--audit", "a.jsonl", "--target", "--app-version", "1.6.0", "1.6",
        "-f", "--file", "fix.sql", "-y", "--yes", "--bail", "--no-bail", "--readonly", "--busy-timeout", "100", "99999999999",
        "--json", "--mode", "csv", "box", "bogus", "--header", "--noheader", "--echo", "--create", "--check", "--init", "--noinit",
        "--scratch", "--each", "sites/*/db.sqlite", "--fleet", "list.txt", "--jobs", "--canary", "--max-failures",
        "--report", "r.html", "--merge-reports", "--help", "-h", "--version", "--", "-", "--mode=csv", "-ym", "--bogus",
        "--generate-completion-script",
    ]

    /// A seeded generator, so that a failure names a command line that reproduces.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("4,000 random command lines: every one the fast reader accepts, the parser reads the same")
    func randomCommandLines() throws {
        var rng = SplitMix(state: 15)
        var accepted = 0
        for _ in 0..<4_000 {
            let count = Int.random(in: 0...7, using: &rng)
            let line = (0..<count).map { _ in CommandLineTests.words.randomElement(using: &rng)! }
            guard let fast = MigshOptions.parseCommon(line) else { continue }
            accepted += 1
            let parsed: MigshOptions
            do { parsed = try MigshCommandLine.parse(line).options } catch {
                Issue.record("the fast reader accepted \(line), the parser refused it: \(MigshCommandLine.message(for: error))")
                continue
            }
            #expect(fast == parsed, "\(line)")
        }
        // The reader is used: a good share of random lines are ones it reads.
        #expect(accepted > 200)
        print("fast reader: \(accepted) of 4000 random command lines")
    }

    @Test("the usual forms are read without the parser", arguments: [
        ["db.sqlite", ".version"],
        ["-m", "migrations", "db.sqlite", ".version"],
        ["db.sqlite", "--check"],
        ["--json", "db.sqlite", ".diff"],
        ["db.sqlite", ".apply --yes", "--busy-timeout", "100"],
        ["-f", "fix.sql", "db.sqlite"],
        ["--each", "sites/*/db.sqlite", "--canary", "2", ".apply --yes"],
        ["db.sqlite", "--mode", "csv", "SELECT 1;"],
    ])
    func usualForms(line: [String]) throws {
        let fast = try #require(MigshOptions.parseCommon(line))
        #expect(fast == (try MigshCommandLine.parse(line).options))
    }

    @Test("the fast reader's option table is the parser's: every option the parser declares, each spelling once")
    func optionTableIsTheParsers() {
        let declared = DeclaredArguments(MigshCommandLine.self).arguments.filter { $0.kind != "positional" }.flatMap(\.names)
        let table = MigshOption.all.flatMap(\.spellings)
        #expect(table.count == Set(table).count, "a spelling twice: \(table)")
        #expect(Set(table) == Set(declared).subtracting(["--version"]),
                "in the parser only: \(Set(declared).subtracting(table)); in the table only: \(Set(table).subtracting(declared))")
    }

    @Test("the fast reader finds each option by exactly its spellings (the table the parser's declarations use), no other word")
    func spellingsMatchTheirOptionOnly() {
        let words = MigshOption.all.flatMap(\.spellings) + [
            "--migration", "--migrationss", "-mm", "-M", "m", "migrations", "--no-json", "--no-", "--no-bail-", "-no-bail",
            "---bail", "-", "--", "", "--m", "-migrations", "--bail=1", "--no-noinit", "-y ",
        ]
        for word in words {
            let matching = MigshOption.all.filter { $0.isSpelled(word) }.map(\.long)
            let expected = MigshOption.all.filter { $0.spellings.contains(word) }.map(\.long)
            #expect(matching == expected, "\(word): \(matching)")
        }
    }

    @Test("help, --version, --opt=value, --, repeats and invalid lines go to the parser", arguments: [
        ["--help"], ["-h"], ["--version"], ["db.sqlite", "--mode=csv"], ["--", "db.sqlite"], ["-m", "a", "-m", "b"],
        ["--target", "-3"], ["--header", "--noheader"], ["--mode", "bogus"], ["--jobs", "2"], ["db.sqlite", ""],
        ["--merge-reports", "a.json"], ["-ym", "x"], ["--bail", "--no-bail"],
    ])
    func leftToTheParser(line: [String]) {
        #expect(MigshOptions.parseCommon(line) == nil)
    }
}
