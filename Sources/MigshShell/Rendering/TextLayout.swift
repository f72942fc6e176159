import FoundationEssentials
import MigshBase

// migsh's one layout for what it says to a person on a terminal: prose breaks between words,
// each continuation hanging under the text of its line; what a person copies — SQL, a file
// name, a path, a dot-command with its arguments, an option with its value — is never broken
// and never re-wrapped (the terminal may wrap a piece longer than the whole line). Without a
// width (batch, a pipe, --json) nothing changes.

/// Text made to fit `width` columns, line by line (see `TextLayout.wrapLine`).
func wrapText(_ text: String, width: Int?) -> String {
    guard let width, width >= TextLayout.narrowest else { return text }
    return text.split(separator: "\n", omittingEmptySubsequences: false)
        .map { TextLayout.wrapLine(String($0), width: width).joined(separator: "\n") }
        .joined(separator: "\n")
}

/// `-- text` as SQL comment lines: wrapped, every continuation a comment too.
func sqlComment(_ text: String, width: Int?) -> String {
    guard let width, width >= TextLayout.narrowest else { return "-- " + text + "\n" }
    return TextLayout.wrapLine(text, width: width - 3, hang: "  ").map { "-- " + $0 + "\n" }.joined()
}

enum TextLayout {
    /// Below this, breaking lines helps nobody: the text is left to the terminal.
    static let narrowest = 16

    /// One line broken between words; its continuations hang under the line's text: after
    /// its indentation and a bullet (`• `, `- `, `3. `), else two more spaces.
    /// `hang`: the continuations' indentation, when the caller sets it.
    static func wrapLine(_ line: String, width: Int, hang fixedHang: String? = nil) -> [String] {
        guard visibleCount(line) > width else { return [line] }
        let indent = String(line.prefix { $0 == " " })
        // Trailing spaces (a prompt's) stay at the end of the last line.
        let trailing = String(line.reversed().prefix { $0 == " " })
        guard trailing.count < line.count else { return [line] }
        let body = String(line.dropFirst(indent.count).dropLast(trailing.count))
        let pieces = unbreakablePieces(body)
        var hang = indent + "  "
        if let bullet = bulletPrefix(body) { hang = indent + String(repeating: " ", count: bullet) }
        if hang.count > width / 2 { hang = indent.count + 2 > width / 2 ? "  " : indent + "  " }
        if let fixedHang { hang = fixedHang }
        var out: [String] = []
        var current = indent
        var empty = true
        for piece in pieces {
            if empty {
                current += piece
                empty = false
            } else if visibleCount(current) + 1 + visibleCount(piece) > width {
                out.append(current)
                current = hang + piece
            } else {
                current += " " + piece
            }
        }
        out.append(current + trailing)
        return out
    }

    /// The line's words, with the ones that belong together joined by their space: a
    /// dot-command and its arguments (`.restore backup.sqlite`, `.apply --resume`), an option
    /// and its value (`--audit FILE`, `--to 5`), and anything between backquotes.
    static func unbreakablePieces(_ text: String) -> [String] {
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        var pieces: [String] = []
        var i = 0
        while i < words.count {
            var piece = words[i]
            var j = i + 1
            if piece.hasPrefix("`"), !piece.dropFirst().contains("`") {
                // To the closing backquote.
                while j < words.count {
                    piece += " " + words[j]
                    j += 1
                    if words[j - 1].contains("`") { break }
                }
            } else if isCommand(piece) || isOption(piece) {
                while j < words.count, isArgument(words[j]) || (isOption(words[j]) && isCommand(piece)) {
                    let joinsAnother = isOption(words[j])
                    piece += " " + words[j]
                    j += 1
                    if !joinsAnother && endsClause(words[j - 1]) { break }
                }
            }
            pieces.append(piece)
            i = j
        }
        // A double space in the text stays one empty piece: keep it as written.
        return pieces
    }

    /// `.apply`, `(.diff`: a dot-command.
    static func isCommand(_ word: String) -> Bool {
        let w = word.drop { $0 == "(" }
        guard w.first == ".", let second = w.dropFirst().first else { return false }
        return second.isLetter && second.isLowercase
    }

    /// `--resume`, `-y`.
    static func isOption(_ word: String) -> Bool {
        guard word.hasPrefix("-"), let second = word.dropFirst().first else { return false }
        return second == "-" ? word.dropFirst(2).first?.isLetter == true : second.isLetter
    }

    /// What reads as the value of a command or an option, not as the next word of prose: a
    /// number, a placeholder (`FILE`, `N`), a file name or path, something quoted.
    static func isArgument(_ word: String) -> Bool {
        let w = word.trimming(ScalarSet(charactersIn: ",;:)"))
        guard let first = w.first, first != "(" else { return false }
        if first.isNumber || first == "'" || first == "\"" || first == "/" || first == "~" { return true }
        if w.contains("/") || w.contains("_") { return true }
        if w.contains("."), w.last?.isLetter == true || w.last?.isNumber == true { return true }  // a file name
        return w.count >= 1 && w.allSatisfy { $0.isUppercase || $0 == "|" || $0 == "-" || $0 == "." } && w.contains(where: \.isLetter)
    }

    static func endsClause(_ word: String) -> Bool {
        guard let last = word.last else { return false }
        return ",;:)".contains(last)
    }

    /// The width of a bullet at the start of `text` (`• `, `- `, `12. `), or nil.
    static func bulletPrefix(_ text: String) -> Int? {
        if text.hasPrefix("• ") || text.hasPrefix("- ") || text.hasPrefix("* ") { return 2 }
        let digits = text.prefix { $0.isNumber }
        if !digits.isEmpty, text.dropFirst(digits.count).hasPrefix(". ") { return digits.count + 2 }
        return nil
    }

    /// Characters that take a column: colour escapes (`ESC [ … m`) take none.
    static func visibleCount(_ text: String) -> Int {
        guard text.contains("\u{1b}") else { return text.count }
        var count = 0
        var inEscape = false
        for c in text.unicodeScalars {
            if inEscape {
                if c == "m" { inEscape = false }
            } else if c == "\u{1b}" {
                inEscape = true
            } else {
                count += 1
            }
        }
        return count
    }
}
