import FoundationEssentials
/// The result display modes of `.mode`, named as in the sqlite3 shell.
public enum OutputMode: String, CaseIterable, Sendable {
    case list, csv, json, line, box, table, markdown, column, quote, tabs, insert, html, ascii, tcl, count, off

    /// sqlite3 3.40's `.mode` matches a prefix of these names, in this order (`.mode t` is tcl,
    /// `.mode tab` tabs, `.mode tabl` table).
    static let prefixOrder: [(name: String, mode: OutputMode)] = [
        ("lines", .line), ("columns", .column), ("list", .list), ("html", .html), ("tcl", .tcl), ("csv", .csv),
        ("tabs", .tabs), ("insert", .insert), ("quote", .quote), ("ascii", .ascii), ("markdown", .markdown),
        ("table", .table), ("box", .box), ("count", .count), ("off", .off), ("json", .json),
    ]

    /// The mode whose name starts with `word`, as sqlite3 matches them.
    public static func matching(_ word: String) -> OutputMode? {
        prefixOrder.first { $0.name.hasPrefix(word) }?.mode
    }

    /// The name `.mode` and `.show` print (tabs is list with a tab separator, as in sqlite3).
    public var displayName: String { self == .tabs ? "list" : rawValue }

    /// Modes that read the whole result before printing, to size the columns.
    public var isColumnar: Bool {
        switch self {
        case .box, .table, .markdown, .column: return true
        default: return false
        }
    }
}

/// How query results are printed. The defaults are the sqlite3 shell's at start-up.
public struct OutputSettings: Sendable, Equatable {
    public var mode: OutputMode = .list
    public var showHeaders = false
    /// Between columns in list, tabs, csv and quote modes (`.separator COL`).
    public var separator: String = "|"
    /// After each row in list, tabs, csv, quote and line modes (`.separator COL ROW`).
    public var rowSeparator = "\n"
    /// Shown for NULL in every mode except json and quote (`.nullvalue`).
    public var nullValue = ""
    /// True once the user chose headers with `.headers`: `.mode column` then leaves them alone.
    public var headersChosenByUser = false
    /// Columnar modes: wrap cell text at this many characters; 0 means never
    /// (`.mode box --wrap N`). `setMode` sets 60 as `.mode` does; sqlite3 starts with 0, which
    /// is what its `-box` command-line flag keeps.
    public var wrapWidth = 0
    /// Columnar modes: prefer breaking wrapped text between words (`--wordwrap on`).
    public var wordWrap = false
    /// Columnar modes: fixed widths per column (`.width`); 0 = automatic, negative = right-aligned.
    public var columnWidths: [Int] = []
    /// Columnar modes: values as SQL literals (`--quote`).
    public var quoteValues = false
    /// Insert mode: the table name, already quoted where SQL needs it (`.mode insert NAME`).
    public var insertTable = "\"table\""

    public init() {}

    /// The settings sqlite3's start-up flag for `mode` gives (`sqlite3 -csv`, `-box`, …).
    /// These differ from `.mode`: `-csv` keeps "\n" between rows, `-column` leaves headers
    /// off, and the columnar flags do not wrap.
    public init(commandLineMode mode: OutputMode) {
        self.init()
        self.mode = mode
        switch mode {
        case .csv, .quote: separator = ","
        case .tabs: separator = "\t"
        case .tcl: separator = " "
        case .ascii:
            separator = "\u{1f}"
            rowSeparator = "\u{1e}"
        default: break
        }
    }

    /// Switches mode with the separator side effects of sqlite3 3.40's `.mode`.
    public mutating func setMode(_ newMode: OutputMode) {
        mode = newMode
        switch newMode {
        case .list:
            separator = "|"
            rowSeparator = "\n"
        case .csv:
            separator = ","
            rowSeparator = "\r\n"
        case .tabs:
            separator = "\t"  // the row separator is left as it was
        case .quote:
            separator = ","
            rowSeparator = "\n"
        case .line:
            rowSeparator = "\n"
        case .tcl:
            separator = " "
            rowSeparator = "\n"
        case .ascii:
            separator = "\u{1f}"
            rowSeparator = "\u{1e}"
        case .insert:
            insertTable = "\"table\""
        case .html, .count, .off:
            break
        case .column:
            rowSeparator = "\n"
            if !headersChosenByUser { showHeaders = true }
        case .json, .box, .table, .markdown:
            break
        }
        if newMode.isColumnar {
            wrapWidth = 60
            wordWrap = false
            quoteValues = false
        }
    }

    /// `.headers on|off`: an explicit choice that later mode switches respect.
    public mutating func setHeaders(_ on: Bool) {
        showHeaders = on
        headersChosenByUser = true
    }
}
