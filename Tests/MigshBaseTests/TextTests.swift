import Foundation
import Testing
import MigshBase

/// Strings with every white space and newline scalar Foundation knows, the ones next to them,
/// combining marks, CR LF, emoji and text in between.
let samples: [String] = [
    "", " ", "  a b  ", "\t\n x \r\n", "\u{A0}a\u{A0}", "\u{200B}a\u{200B}", "\u{200C}a\u{200C}", "\u{2028}a\u{2029}",
    "\u{85}a\u{85}", "\u{1680}\u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}\u{2006}\u{2007}\u{2008}\u{2009}\u{200A}a\u{202F}\u{205F}\u{3000}",
    "\u{0B}\u{0C}a\u{0B}\u{0C}", "\u{FEFF}a\u{FEFF}", "e\u{301} ", " \u{301}a", "a\u{301}\n", "👍🏽 x 👍🏽", ";a;", ";;", "\"a'b`[c]\"",
    ",a;:", "x,;:)", "CREATE TABLE t (a);  ", "-- comment\n", "a\r", "a\r\n\r\n", "\n\n", "ab\u{1F600}cd", "日本語 テキスト",
]

@Suite("MigshBase text helpers, against Foundation")
struct TextTests {
    @Test func trimmingMatchesFoundation() {
        let sets: [(ScalarSet, CharacterSet)] = [
            (.whitespaces, .whitespaces), (.newlines, .newlines), (.whitespacesAndNewlines, .whitespacesAndNewlines),
            (ScalarSet(charactersIn: ";"), CharacterSet(charactersIn: ";")),
            (ScalarSet(charactersIn: ",;:)"), CharacterSet(charactersIn: ",;:)")),
            (ScalarSet(charactersIn: "\"'`[]"), CharacterSet(charactersIn: "\"'`[]")),
            (.whitespacesAndNewlines.union(ScalarSet(charactersIn: ";")), CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: ";"))),
        ]
        for (mine, theirs) in sets {
            for s in samples {
                #expect(Array(s.trimming(mine).unicodeScalars) == Array(s.trimmingCharacters(in: theirs).unicodeScalars), "\(Array(s.unicodeScalars))")
                let sub = s.dropFirst(0)
                #expect(sub.trimming(mine) == sub.trimmingCharacters(in: theirs))
            }
        }
    }

    @Test func predefinedSetsMatchFoundationOnEveryScalar() {
        for v in UInt32(0)...0x10FFFF {
            guard let u = Unicode.Scalar(v) else { continue }
            #expect(ScalarSet.whitespaces.contains(u) == CharacterSet.whitespaces.contains(u))
            #expect(ScalarSet.newlines.contains(u) == CharacterSet.newlines.contains(u))
            #expect(ScalarSet.whitespacesAndNewlines.contains(u) == CharacterSet.whitespacesAndNewlines.contains(u))
        }
    }

    @Test func replacingAllMatchesFoundation() {
        let pairs: [(String, String)] = [("'", "''"), ("\"", "\"\""), ("\n", " "), ("\"\n", "\"  <--- CURRENT\n"),
                                         ("Usage: ", ""), ("\\", "\\e"), ("-", "\\-"), (" of t", ""), ("aa", "b"), ("a", "aa"), ("", "x")]
        let texts = samples + ["it's", "'''", "a\"b\"\"c", "x\r\ny\nz", "Usage: migsh DB", "--a-b\\c", "differs of t of tt", "aaaa", "aaa"]
        for (target, replacement) in pairs {
            // Foundation skips a match that a combining mark or joiner follows: replacingAllComparesBytes.
            for s in texts where !s.unicodeScalars.contains(where: { $0.properties.isGraphemeExtend }) {
                #expect(s.replacingAll(target, with: replacement) == s.replacingOccurrences(of: target, with: replacement), "\(s) \(target)")
            }
        }
    }

    /// Where this differs from Foundation on purpose: a quote before a combining mark is
    /// doubled (Foundation left it single, which unbalanced an SQL literal).
    @Test func replacingAllComparesBytes() {
        let s = "a'\u{301}b"
        #expect(s.replacingOccurrences(of: "'", with: "''") == s)
        #expect(Array(s.replacingAll("'", with: "''").unicodeScalars) == ["a", "'", "'", "\u{301}", "b"])
    }

    @Test func paddedMatchesFoundation() {
        for s in samples + ["name", "a much longer label than the column", "é", "e\u{301}e\u{301}"] {
            for n in [0, 1, 2, 3, 5, 14, 36] {
                #expect(s.padded(toLength: n) == s.padding(toLength: n, withPad: " ", startingAt: 0), "\(s) \(n)")
            }
        }
    }

    @Test func rangesMatchFoundation() {
        for s in samples + ["a,  -- x,  -- y", ",  --", "x,  -", "insert into t", "  InSeRt INTO t", "INSERT", "no", "Ins", "ÄINSERT"] {
            let mine = s.lastRange(of: ",  --").map { s[$0] }
            let theirs = s.range(of: ",  --", options: .backwards).map { s[$0] }
            #expect(mine == theirs)
            #expect(s.lastRange(of: ",  --")?.lowerBound == s.range(of: ",  --", options: .backwards)?.lowerBound)
            #expect(s.firstRangeIgnoringASCIICase(of: "insert") == s.range(of: "insert", options: .caseInsensitive), "\(s)")
            if let r = s.firstRangeIgnoringASCIICase(of: "insert") {
                #expect(s.replacingSubrange(r, with: "INSERT OR REPLACE") == s.replacingCharacters(in: r, with: "INSERT OR REPLACE"))
            }
        }
    }

    @Test func equalsIgnoringCaseMatchesFoundation() {
        for s in ["KiB", "kib", "KIB", "kIb", "Ki", "K", "k", "m", "MB", "mb", "Mb", "GiB", "gib", "\u{212A}iB", "", "x", "KiBs"] {
            for suffix in ["KiB", "MiB", "GiB", "KB", "MB", "GB", "K", "M", "G"] {
                #expect(s.equalsIgnoringCase(suffix) == (s.caseInsensitiveCompare(suffix) == .orderedSame), "\(s) \(suffix)")
            }
        }
    }

    @Test func trailingRegexWhitespaceMatchesFoundation() {
        for s in samples + ["a   ", "a \t", "a \u{0B}", "a \u{85}", "a\u{2028}", "a \n", "a", "  ", "a \u{200B}", "a\u{3000}"] {
            let theirs = s.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
            #expect(Array(s.trimmingTrailingRegexWhitespace().unicodeScalars) == Array(theirs.unicodeScalars), "\(Array(s.unicodeScalars))")
            #expect(s.dropFirst(0).trimmingTrailingRegexWhitespace() == theirs)
        }
    }
}
