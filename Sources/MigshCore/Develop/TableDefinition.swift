import FoundationEssentials
import Glibc
import MigshBase

/// A CREATE TABLE statement taken apart as text: the column definitions and table
/// constraints between its parentheses, each kept as written (comments included), so that a
/// rebuild can change one column's type, drop or add a constraint, reorder columns — and
/// leave everything else byte for byte as the developer wrote it.
public struct TableDefinition: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        /// The name as SQLite knows it (unquoted).
        public var name: String
        /// The whole definition: name, type, constraints.
        public var text: String
    }

    /// `CREATE TABLE` (with `TEMP`, `IF NOT EXISTS`) before the name.
    public var head: String
    public var name: String
    public var columns: [Column]
    /// Table constraints (PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY, CONSTRAINT …), as written.
    public var constraints: [String]
    /// After the closing parenthesis: `WITHOUT ROWID`, `STRICT`.
    public var options: String

    /// A token of SQL with its place in the text.
    struct Token {
        enum Kind { case word, quoted, literal, punctuation }
        var kind: Kind
        var text: String      // unquoted for `quoted`
        var start: String.Index
        var end: String.Index
    }

    /// Tokens of `sql`, comments and white space skipped.
    static func tokens(_ sql: String) -> [Token] {
        var out: [Token] = []
        var i = sql.startIndex
        func at(_ k: String.Index, _ c: Character) -> Bool { k < sql.endIndex && sql[k] == c }
        while i < sql.endIndex {
            let c = sql[i]
            if c.isWhitespace { i = sql.index(after: i); continue }
            if c == "-" && at(sql.index(after: i), "-") {
                while i < sql.endIndex && sql[i] != "\n" { i = sql.index(after: i) }
                continue
            }
            if c == "/" && at(sql.index(after: i), "*") {
                i = sql.index(i, offsetBy: 2)
                while i < sql.endIndex && !(sql[i] == "*" && at(sql.index(after: i), "/")) { i = sql.index(after: i) }
                i = i < sql.endIndex ? sql.index(i, offsetBy: 2, limitedBy: sql.endIndex) ?? sql.endIndex : i
                continue
            }
            let start = i
            if c == "'" || c == "\"" || c == "`" || c == "[" {
                let close: Character = c == "[" ? "]" : c
                var value = ""
                i = sql.index(after: i)
                while i < sql.endIndex {
                    if sql[i] == close {
                        let next = sql.index(after: i)
                        if close != "]" && at(next, close) { value.append(close); i = sql.index(after: next); continue }
                        break
                    }
                    value.append(sql[i])
                    i = sql.index(after: i)
                }
                if i < sql.endIndex { i = sql.index(after: i) }
                out.append(Token(kind: c == "'" ? .literal : .quoted, text: value, start: start, end: i))
                continue
            }
            if c.isLetter || c == "_" || (c.unicodeScalars.first?.value ?? 0) > 127 {
                while i < sql.endIndex && (sql[i].isLetter || sql[i].isNumber || sql[i] == "_" || sql[i] == "$"
                                           || (sql[i].unicodeScalars.first?.value ?? 0) > 127) { i = sql.index(after: i) }
                out.append(Token(kind: .word, text: String(sql[start..<i]), start: start, end: i))
                continue
            }
            if c.isNumber {
                while i < sql.endIndex && (sql[i].isNumber || sql[i] == "." || sql[i].isLetter) { i = sql.index(after: i) }
                out.append(Token(kind: .literal, text: String(sql[start..<i]), start: start, end: i))
                continue
            }
            i = sql.index(after: i)
            out.append(Token(kind: .punctuation, text: String(c), start: start, end: i))
        }
        return out
    }

    static let constraintWords: Set = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]

    public static func parse(_ sql: String) throws -> TableDefinition {
        let tokens = Self.tokens(sql)
        guard tokens.count > 3, tokens[0].text.uppercased() == "CREATE" else {
            throw MigshError(.usage, "not a CREATE TABLE statement: \(sql.prefix(60))")
        }
        // CREATE [TEMP|TEMPORARY] TABLE [IF NOT EXISTS] [schema.]name (
        var k = 1
        while k < tokens.count && tokens[k].text.uppercased() != "TABLE" { k += 1 }
        k += 1
        if k + 2 < tokens.count && tokens[k].text.uppercased() == "IF" { k += 3 }
        guard k < tokens.count else { throw MigshError(.usage, "cannot read the table name in: \(sql.prefix(60))") }
        var nameToken = tokens[k]
        if k + 2 < tokens.count && tokens[k + 1].text == "." { k += 2; nameToken = tokens[k] }
        let head = String(sql[sql.startIndex..<nameToken.start]).trimming(.whitespaces)
        k += 1
        guard k < tokens.count, tokens[k].text == "(" else {
            throw MigshError(.usage, "\(nameToken.text) is not defined by a column list (CREATE TABLE … AS SELECT?)")
        }
        // Split the parenthesised body at top-level commas, keeping each part's text.
        var depth = 0
        var partStart = tokens[k].end
        var parts: [(text: String, first: Token?)] = []
        var first: Token?
        var close: Token?
        for t in tokens[(k + 1)...] {
            if t.kind == .punctuation && t.text == "(" { depth += 1 }
            if t.kind == .punctuation && t.text == ")" {
                if depth == 0 { close = t; break }
                depth -= 1
            }
            if depth == 0 && t.kind == .punctuation && t.text == "," {
                parts.append((String(sql[partStart..<t.start]), first))
                partStart = t.end
                first = nil
                continue
            }
            if first == nil { first = t }
        }
        guard let close else { throw MigshError(.usage, "unbalanced parentheses in the definition of \(nameToken.text)") }
        parts.append((String(sql[partStart..<close.start]), first))
        // A comment after a comma, on the same line, belongs to the definition before it.
        for k in 1..<max(1, parts.count) {
            let text = parts[k].text
            let lead = text.prefix { $0 == " " || $0 == "\t" }
            guard text.dropFirst(lead.count).hasPrefix("--") else { continue }
            let lineEnd = text.firstIndex(of: "\n") ?? text.endIndex
            parts[k - 1].text += " " + text[text.index(text.startIndex, offsetBy: lead.count)..<lineEnd]
            parts[k].text = String(text[lineEnd...])
        }
        var definition = TableDefinition(head: head, name: nameToken.text, columns: [], constraints: [],
                                         options: String(sql[close.end...]).trimming(.whitespacesAndNewlines.union(ScalarSet(charactersIn: ";"))))
        for part in parts {
            let text = trimmed(part.text)
            guard let firstToken = part.first else { continue }
            if firstToken.kind == .word && constraintWords.contains(firstToken.text.uppercased()) {
                definition.constraints.append(text)
            } else {
                definition.columns.append(Column(name: firstToken.text, text: text))
            }
        }
        return definition
    }

    /// Text trimmed of white space, and of a comment that ended the previous line (kept with
    /// the part it followed in the source, where it reads naturally).
    static func trimmed(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // A part starts after a comma: a "-- comment" right after that comma belongs to the
        // previous part's line; keep it on this one.
        while let first = lines.first, first.trimming(.whitespaces).isEmpty { lines.removeFirst() }
        return lines.joined(separator: "\n").trimming(.whitespacesAndNewlines)
    }

    /// The statement with `name`, laid out one definition a line (a definition's trailing
    /// comment after its comma).
    public func sql(named newName: String? = nil) -> String {
        let parts = columns.map(\.text) + constraints
        let body = parts.enumerated().map { i, text in
            "    " + (i == parts.count - 1 ? text : Self.withComma(text))
        }.joined(separator: "\n")
        var text = "\(head) \(SQLLiteral.identifierIfNeeded(newName ?? name)) (\n\(body)\n)"
        if !options.isEmpty { text += " " + options }
        return text
    }

    /// `text` + `clause` — before a trailing `--` comment, if the definition has one.
    static func appending(_ clause: String, to text: String) -> String {
        let withMarker = withComma(text)
        if withMarker.hasSuffix(",") && !withMarker.hasSuffix(",  ") && withMarker == text + "," { return text + clause }
        guard let comma = withMarker.lastRange(of: ",  --") else { return text + clause }
        return String(withMarker[..<comma.lowerBound]) + clause + "  " + String(withMarker[withMarker.index(comma.lowerBound, offsetBy: 3)...])
    }

    /// `text,` — or, when its last line ends in a `--` comment, the comma before the comment.
    static func withComma(_ text: String) -> String {
        let lastLineStart = text.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
        let lastLine = text[lastLineStart...]
        var quote: Character?
        var i = lastLine.startIndex
        while i < lastLine.endIndex {
            let c = lastLine[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" || c == "`" {
                quote = c
            } else if c == "-", lastLine.index(after: i) < lastLine.endIndex, lastLine[lastLine.index(after: i)] == "-" {
                let code = text[..<i].trimmingTrailingRegexWhitespace()
                return code + ",  " + lastLine[i...]
            }
            i = lastLine.index(after: i)
        }
        return text + ","
    }

    public func column(_ name: String) -> Int? {
        columns.firstIndex { $0.name.lowercased() == name.lowercased() }
    }

    /// The column's declared type: the words after the name up to the first constraint.
    public func typeRange(ofColumn i: Int) -> Range<String.Index>? {
        let text = columns[i].text
        let tokens = Self.tokens(text)
        guard tokens.count > 1 else { return nil }
        let stop: Set = ["CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES", "GENERATED", "AS"]
        var end: String.Index?
        var depth = 0
        var k = 1
        while k < tokens.count {
            let t = tokens[k]
            if depth == 0 && t.kind == .word && stop.contains(t.text.uppercased()) { break }
            if t.text == "(" { depth += 1 }
            if t.text == ")" { depth -= 1 }
            end = t.end
            k += 1
        }
        guard let end else { return nil }
        return tokens[1].start..<end
    }
}
