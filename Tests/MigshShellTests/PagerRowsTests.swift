import Testing
@testable import MigshShell

/// The rows a text takes on a terminal, as the pager decides with them (one count for held
/// query results and for a command's text): a long line wraps, a colour escape takes no column.
@Suite("The rows a text takes on the terminal")
struct PagerRowsTests {
    @Test("Lines, wrapped lines, escapes and multi-byte characters on a terminal 10 columns wide",
          arguments: [
            ("", 0), ("abc", 1), ("abc\n", 1), ("\n\n", 2), ("a\nb", 2),
            (String(repeating: "a", count: 10) + "\n", 1), (String(repeating: "a", count: 11) + "\n", 2),
            (String(repeating: "a", count: 21), 3),
            ("\u{1b}[31m" + String(repeating: "a", count: 10) + "\u{1b}[0m\n", 1),
            (String(repeating: "é", count: 10) + "\n", 1), ("a\r\n", 1),
          ])
    func rows(_ text: String, _ expected: Int) {
        #expect(PagerHold.rows(text, width: 10) == expected)
    }

    @Test("Held output counts the same rows as the whole text, chunk by chunk, and stops counting at the height")
    func heldChunks() {
        // The chunks end inside a long line and inside a colour escape.
        let text = "first line\n" + String(repeating: "b", count: 25) + "\n\u{1b}[1mlast\u{1b}[0m\n"
        var hold = PagerHold(height: 100, width: 10, command: "")
        for chunk in [Array(text.utf8)[..<7], Array(text.utf8)[7..<39], Array(text.utf8)[39...]] {
            Array(chunk).withUnsafeBytes { hold.take($0) }
        }
        #expect(hold.rows == 5)
        #expect(hold.rows == PagerHold.rows(text, width: 10))
        #expect(hold.bytes == Array(text.utf8))
        var short = PagerHold(height: 2, width: 10, command: "")
        Array(text.utf8).withUnsafeBytes { short.take($0) }
        #expect(short.rows == 2)
    }
}
