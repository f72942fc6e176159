import CMigshSQLite

/// One SQL statement cut out of a larger text, with where it came from.
public struct SQLStatementText: Sendable, Equatable {
    /// The statement's text, including its terminating `;` when present.
    public var sql: String
    /// 1-based line of the statement's first token (comments before it are skipped).
    public var line: Int
    /// 1-based position of the statement among the statements of its text.
    public var index: Int
}

/// Splits SQL text into complete statements the way SQLite's shell does: a statement ends at a
/// `;` for which `sqlite3_complete()` is true, so `CREATE TRIGGER … BEGIN …; END;` stays whole.
public enum SQLScript {
    public struct Split: Sendable {
        public var statements: [SQLStatementText]
        /// Text after the last complete statement that is not only white space and comments
        /// (an unterminated string, trigger or statement).
        public var incompleteTail: SQLStatementText?
    }

    public static func split(_ text: String) -> Split {
        let bytes = Array(text.utf8)
        var statements: [SQLStatementText] = []
        var start = 0
        var line = 1
        var startLine = 1
        var i = 0
        let n = bytes.count

        func firstTokenLine(_ from: Int, _ to: Int, baseLine: Int) -> (Int, Bool) {
            // Returns the line of the first token and whether any token exists.
            var l = baseLine
            var j = from
            while j < to {
                let c = bytes[j]
                if c == UInt8(ascii: "\n") { l += 1; j += 1; continue }
                if c == 32 || c == 9 || c == 13 || c == 12 || c == 11 { j += 1; continue }
                if c == UInt8(ascii: "-"), j + 1 < to, bytes[j + 1] == UInt8(ascii: "-") {
                    while j < to && bytes[j] != UInt8(ascii: "\n") { j += 1 }
                    continue
                }
                if c == UInt8(ascii: "/"), j + 1 < to, bytes[j + 1] == UInt8(ascii: "*") {
                    j += 2
                    while j < to && !(bytes[j] == UInt8(ascii: "*") && j + 1 < to && bytes[j + 1] == UInt8(ascii: "/")) {
                        if bytes[j] == UInt8(ascii: "\n") { l += 1 }
                        j += 1
                    }
                    j += 2
                    continue
                }
                return (l, true)
            }
            return (l, false)
        }

        func emitIfComplete(upTo end: Int) -> Bool {
            let slice = bytes[start..<end]
            let complete: Bool = slice.withContiguousStorageIfAvailable { buf -> Bool in
                var copy = Array(buf)
                copy.append(0)
                return copy.withUnsafeBufferPointer { p in
                    sqlite3_complete(UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: CChar.self)) != 0
                }
            } ?? false
            guard complete else { return false }
            let (tokenLine, hasToken) = firstTokenLine(start, end, baseLine: startLine)
            if hasToken {
                statements.append(SQLStatementText(sql: String(decoding: slice, as: UTF8.self),
                                                   line: tokenLine, index: statements.count + 1))
            }
            start = end
            startLine = line
            return true
        }

        while i < n {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "\n"):
                line += 1
                i += 1
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "["):
                let close = c == UInt8(ascii: "[") ? UInt8(ascii: "]") : c
                i += 1
                while i < n {
                    if bytes[i] == UInt8(ascii: "\n") { line += 1 }
                    if bytes[i] == close {
                        // A doubled quote inside a quoted string is an escaped quote.
                        if close != UInt8(ascii: "]"), i + 1 < n, bytes[i + 1] == close { i += 2; continue }
                        break
                    }
                    i += 1
                }
                i += 1
            case UInt8(ascii: "-") where i + 1 < n && bytes[i + 1] == UInt8(ascii: "-"):
                while i < n && bytes[i] != UInt8(ascii: "\n") { i += 1 }
            case UInt8(ascii: "/") where i + 1 < n && bytes[i + 1] == UInt8(ascii: "*"):
                i += 2
                while i < n && !(bytes[i] == UInt8(ascii: "*") && i + 1 < n && bytes[i + 1] == UInt8(ascii: "/")) {
                    if bytes[i] == UInt8(ascii: "\n") { line += 1 }
                    i += 1
                }
                i = min(n, i + 2)
            case UInt8(ascii: ";"):
                i += 1
                _ = emitIfComplete(upTo: i)
            default:
                i += 1
            }
        }
        var tail: SQLStatementText?
        if start < n {
            let (tokenLine, hasToken) = firstTokenLine(start, n, baseLine: startLine)
            if hasToken {
                tail = SQLStatementText(sql: String(decoding: bytes[start..<n], as: UTF8.self),
                                        line: tokenLine, index: statements.count + 1)
            }
        }
        return Split(statements: statements, incompleteTail: tail)
    }

    /// True when the statement holds nothing but `;` (and white space or comments): sqlite3
    /// runs `;;` as no statement at all.
    public static func isEmptyStatement(_ sql: String) -> Bool {
        var tokenizer = SQLTokenizer(sql)
        while let token = tokenizer.next() {
            if token != .punctuation(";") { return false }
        }
        return true
    }

    /// `sqlite3_complete()`: true when `sql` ends with a complete statement.
    public static func isComplete(_ sql: String) -> Bool {
        sqlite3_complete(sql) != 0
    }

    /// The first `count` keywords of a statement, upper-cased, skipping comments.
    /// Identifiers count as words too; quoted names are returned without quotes.
    public static func leadingWords(_ sql: String, count: Int) -> [String] {
        var words: [String] = []
        var tokenizer = SQLTokenizer(sql)
        while words.count < count, let token = tokenizer.next() {
            switch token {
            case .word(let w): words.append(w.uppercased())
            case .quoted(let w): words.append(w)
            case .punctuation(let p): words.append(String(p))
            case .literal(let l): words.append(l)
            }
        }
        return words
    }
}

/// A small SQL tokenizer for classifying statements (not for executing them).
public struct SQLTokenizer: IteratorProtocol {
    public enum Token: Equatable, Sendable {
        case word(String)
        case quoted(String)
        case literal(String)
        case punctuation(Character)
    }

    private let scalars: [Unicode.Scalar]
    private var i = 0

    public init(_ sql: String) { scalars = Array(sql.unicodeScalars) }

    public mutating func next() -> Token? {
        let n = scalars.count
        while i < n {
            let c = scalars[i]
            if c.properties.isWhitespace { i += 1; continue }
            if c == "-", i + 1 < n, scalars[i + 1] == "-" {
                while i < n && scalars[i] != "\n" { i += 1 }
                continue
            }
            if c == "/", i + 1 < n, scalars[i + 1] == "*" {
                i += 2
                while i < n && !(scalars[i] == "*" && i + 1 < n && scalars[i + 1] == "/") { i += 1 }
                i = min(n, i + 2)
                continue
            }
            if c == "'" || c == "\"" || c == "`" || c == "[" {
                let close: Unicode.Scalar = c == "[" ? "]" : c
                var value = String.UnicodeScalarView()
                i += 1
                while i < n {
                    if scalars[i] == close {
                        if close != "]", i + 1 < n, scalars[i + 1] == close { value.append(close); i += 2; continue }
                        break
                    }
                    value.append(scalars[i])
                    i += 1
                }
                i += 1
                let s = String(value)
                return c == "'" ? .literal(s) : .quoted(s)
            }
            if c.properties.isAlphabetic || c == "_" || c.value > 127 {
                var value = String.UnicodeScalarView()
                while i < n, scalars[i].properties.isAlphabetic || scalars[i] == "_" || scalars[i] == "$"
                        || ("0"..."9").contains(scalars[i]) || scalars[i].value > 127 {
                    value.append(scalars[i]); i += 1
                }
                return .word(String(value))
            }
            if ("0"..."9").contains(c) {
                var value = String.UnicodeScalarView()
                while i < n, ("0"..."9").contains(scalars[i]) || scalars[i] == "." || scalars[i].properties.isAlphabetic {
                    value.append(scalars[i]); i += 1
                }
                return .literal(String(value))
            }
            i += 1
            return .punctuation(Character(c))
        }
        return nil
    }
}
