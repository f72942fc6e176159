import CMigshSQLite

/// sqlite3's `process_input`, as a value: lines of bytes go in, units to run come out — a
/// dot-command, SQL for `sqlite3_prepare`, or input that runs nothing. The bytes are never
/// decoded: what a script holds (Latin-1, invalid UTF-8) reaches SQLite unchanged.
///
/// The rules are sqlite3 3.40's (`shell.c.in`: `process_input`, `quickscan`,
/// `line_is_command_terminator`, `line_is_complete`):
/// - a line that is only white space or `--`/`/* */` comments, with no SQL pending, runs nothing;
/// - a line starting with `.` (or `#`, a comment) with no SQL pending is a dot-command;
/// - otherwise the line joins the pending SQL (leading white space of its first line dropped),
///   which runs once the line ends with a `;` outside strings and comments and
///   `sqlite3_complete()` agrees (triggers stay whole); pending text that is only comments
///   (a block comment over several lines) runs nothing;
/// - a line that is only `/` or `go` ends the pending SQL when adding `;` would complete it;
/// - at the end of input, pending SQL runs as it is (`finish()`): a last statement without
///   `;` runs, and an unterminated string is SQLite's "unrecognized token".
public struct SQLInput: Sendable {
    /// What to do with the input read so far.
    public enum Unit: Equatable, Sendable {
        /// A dot-command line (without its newline).
        case dotCommand([UInt8], line: Int)
        /// SQL text for `sqlite3_prepare` (no terminating NUL); `line` is where it starts.
        case sql([UInt8], line: Int)
        /// Input that runs nothing (white space, comments, a `#` line), as `.echo` shows it.
        case nothing([UInt8])
    }

    private var scan = QuickScan()
    /// The SQL read so far that is not complete yet.
    public private(set) var pending: [UInt8] = []
    private var startLine = 0
    /// The number of lines read.
    public private(set) var lineNumber = 0

    public init() {}

    /// True while SQL is pending (the continuation prompt).
    public var hasPending: Bool { !pending.isEmpty }

    /// Reads one line (without its line ending); returns what to run now, if anything.
    public mutating func add<Line: Collection>(_ line: Line) -> Unit? where Line.Element == UInt8 {
        lineNumber += 1
        var line = Array(line)
        if scan.wait == 0 && SQLInput.isCommandTerminator(line) && SQLInput.isCompleteWithSemicolon(pending) {
            line = [UInt8(ascii: ";")]
        }
        scan.scan(line)
        if scan.isPlainWhite && pending.isEmpty {
            scan = QuickScan()
            return .nothing(line)
        }
        if pending.isEmpty, let first = line.first, first == UInt8(ascii: ".") || first == UInt8(ascii: "#") {
            scan = QuickScan()
            return first == UInt8(ascii: ".") ? .dotCommand(line, line: lineNumber) : .nothing(line)
        }
        if pending.isEmpty {
            let start = line.firstIndex { !SQLInput.isSpace($0) } ?? line.count
            pending.append(contentsOf: line[start...])
            startLine = lineNumber
        } else {
            pending.append(UInt8(ascii: "\n"))
            pending.append(contentsOf: line)
        }
        if !pending.isEmpty && scan.isSemicolonTerminated && SQLInput.isComplete(pending) {
            defer { reset() }
            return .sql(pending, line: startLine)
        }
        if !pending.isEmpty && scan.isPlainWhite {
            defer { reset() }
            return .nothing(pending)
        }
        return nil
    }

    /// The end of input: the pending SQL, run as it is (SQLite's parser says what is wrong
    /// with it, as in sqlite3); nil when nothing is pending.
    public mutating func finish() -> Unit? {
        guard !pending.isEmpty else { return nil }
        defer { reset() }
        return .sql(pending, line: startLine)
    }

    /// Drops the pending SQL (Ctrl-C at the prompt).
    public mutating func reset() {
        pending = []
        scan = QuickScan()
    }

    /// sqlite3's `IsSpace`: C's isspace in the C locale.
    static func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }

    /// `sqlite3_complete()` on bytes.
    public static func isComplete<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        var text = Array(bytes)
        text.append(0)
        return text.withUnsafeBufferPointer { p in
            sqlite3_complete(UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: CChar.self)) != 0
        }
    }

    /// sqlite3's `line_is_complete`: the pending SQL with a `;` added is complete.
    static func isCompleteWithSemicolon(_ sql: [UInt8]) -> Bool {
        isComplete(sql + [UInt8(ascii: ";")])
    }

    /// sqlite3's `line_is_command_terminator`: `/` (Oracle) or `go` (SQL Server) alone on a line.
    static func isCommandTerminator(_ line: [UInt8]) -> Bool {
        var i = line.firstIndex { !isSpace($0) } ?? line.count
        if i < line.count && line[i] == UInt8(ascii: "/") {
            i += 1
        } else if i + 1 < line.count, line[i] | 0x20 == UInt8(ascii: "g"), line[i + 1] | 0x20 == UInt8(ascii: "o") {
            i += 2
        } else {
            return false
        }
        var rest = QuickScan()
        rest.scan(line[i...])
        return rest == QuickScan()
    }
}

/// sqlite3's `quickscan`: where a line leaves the input — inside a string, a quoted name or
/// a block comment, after something that is not white space or a comment, ending with `;`.
struct QuickScan: Equatable, Sendable {
    /// The byte that ends the current string, name or comment (`*` for `/* */`); 0 outside.
    var wait: UInt8 = 0
    /// Something other than white space and comments was seen.
    var dark = false
    /// The last thing seen outside strings and comments was `;`.
    var endingSemicolon = false

    var isPlainWhite: Bool { wait == 0 && !dark }
    var isSemicolonTerminated: Bool { wait == 0 && endingSemicolon }

    mutating func scan<Line: Collection>(_ line: Line) where Line.Element == UInt8, Line.Index == Int {
        var i = line.startIndex
        let end = line.endIndex
        while i < end {
            if wait == 0 {
                let c = line[i]
                i += 1
                if SQLInput.isSpace(c) { continue }
                switch c {
                case UInt8(ascii: "-") where i < end && line[i] == UInt8(ascii: "-"):
                    return  // a line comment: the rest of the line
                case UInt8(ascii: ";"):
                    endingSemicolon = true
                    continue
                case UInt8(ascii: "/") where i < end && line[i] == UInt8(ascii: "*"):
                    i += 1
                    wait = UInt8(ascii: "*")
                    continue
                case UInt8(ascii: "["), UInt8(ascii: "`"), UInt8(ascii: "'"), UInt8(ascii: "\""):
                    wait = c == UInt8(ascii: "[") ? UInt8(ascii: "]") : c
                    dark = true
                    endingSemicolon = false
                    continue
                default:
                    break
                }
                endingSemicolon = false
                dark = true
            } else {
                let c = line[i]
                i += 1
                guard c == wait else { continue }
                switch wait {
                case UInt8(ascii: "*"):
                    guard i < end && line[i] == UInt8(ascii: "/") else { continue }
                    i += 1
                    wait = 0
                case UInt8(ascii: "]"):
                    wait = 0
                default:
                    // A doubled quote is an escaped quote.
                    if i < end && line[i] == wait { i += 1; continue }
                    wait = 0
                }
            }
        }
    }
}
