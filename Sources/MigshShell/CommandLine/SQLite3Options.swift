import FoundationEssentials
import Glibc
import ArgumentParser
import MigshBase

/// sqlite3 3.40's own command-line options (`sqlite3 -help`), so that scripts written for
/// sqlite3 run unchanged: `-batch`, `-csv`, `-header`, `-cmd COMMAND`, `-separator SEP`, …
///
/// sqlite3 spells them with one dash or two (`-csv`, `--csv`), anywhere before or after the
/// database name, and takes an option's value as the next word whatever it looks like
/// (`-separator -`, `-nullvalue ''`). swift-argument-parser would read `-batch` as the short
/// flags `-b -a -t -c -h` (and print the help), so these are taken out of the command line
/// first, in order, by `extract`; the rest goes to migsh's readers. Where migsh has an option
/// of the same name with two dashes (`--json`, `--version`, `--help`, and `--bail`,
/// `--readonly`, `--header`, `--noheader`, `--echo`, `--init`, which mean what sqlite3's do),
/// the two-dash spelling is migsh's and the one-dash spelling sqlite3's.
struct SQLite3Options: Equatable {
    /// What the options do, in the order given: sqlite3 applies its settings and runs each
    /// `-cmd` in command-line order, after the init file and before the input.
    enum Action: Equatable {
        case mode(OutputMode)
        case separator(String)
        case newline(String)
        case nullValue(String)
        case header(Bool)
        case echo
        case eqp(Int)
        case stats
        case command(String)
    }

    var actions: [Action] = []
    /// `-batch` (false) or `-interactive` (true): whether standard input is read as a person's.
    var interactive: Bool?
    var bail = false
    var readOnly = false
    var safe = false
    var nonce: String?
    var noFollow = false
    var initFile: String?
    var version = false
    var help = false
    var vfs: String?
    /// `-append`: open the database through sqlite3's apndvfs (`AppendVFS`).
    var append = false
    var mmap: Int64?
    var lookaside: [Int64]?
    var pageCache: [Int64]?

    /// True when no sqlite3 option was given.
    var isEmpty: Bool { self == SQLite3Options() }

    /// An sqlite3 option migsh cannot honour, or one given without its value: sqlite3's
    /// `Error:` line on standard error, exit 1 (never the help, never exit 0).
    struct Refusal: Error, Equatable {
        var message: String
    }

    /// migsh's own options that take a value: their value stays with them. (Switches, not
    /// sets: a `Set<String>` is built and hashed at its first use, at every start.)
    private static func isMigshOptionWithValue(_ word: String) -> Bool {
        switch word {
        case "-m", "--migrations", "--backups", "--audit", "--target", "--app-version", "-f", "--file",
             "--busy-timeout", "--mode", "--init", "--each", "--fleet", "--jobs", "--canary", "--max-failures", "--report":
            true
        default: false
        }
    }
    /// migsh's own two-dash options whose names sqlite3 also has: the two-dash spelling is migsh's.
    private static func isMigshTwoDash(_ word: String) -> Bool {
        switch word {
        case "--bail", "--readonly", "--json", "--header", "--noheader", "--echo", "--version", "--help": true
        default: false
        }
    }

    /// Takes sqlite3's options out of `arguments`; returns them and the words left for
    /// migsh's own readers, in order. A one-dash word of several letters that is no option of
    /// sqlite3's is an unknown option (a usage error), never a group of short flags.
    static func extract(_ arguments: [String]) throws -> (options: SQLite3Options, rest: [String]) {
        var o = SQLite3Options()
        var rest: [String] = []
        rest.reserveCapacity(arguments.count)
        var i = 0
        func value(_ option: String) throws -> String {
            guard i < arguments.count else { throw Refusal(message: "missing argument to \(option)") }
            i += 1
            return arguments[i - 1]
        }
        func integer(_ option: String) throws -> Int64 { integerValue(try value(option)) }
        func refuse(_ option: String, _ why: String) -> Refusal {
            Refusal(message: "\(option) is not supported: \(why)")
        }
        while i < arguments.count {
            let word = arguments[i]
            i += 1
            let bytes = word.utf8
            guard bytes.count >= 2, bytes.first == UInt8(ascii: "-") else {
                rest.append(word)
                continue
            }
            if word == "--" {
                rest.append(contentsOf: arguments[(i - 1)...])
                break
            }
            if isMigshOptionWithValue(word) {
                rest.append(word)
                if i < arguments.count { rest.append(arguments[i]); i += 1 }
                continue
            }
            if isMigshTwoDash(word) {
                rest.append(word)
                continue
            }
            // sqlite3: "if( z[1]=='-' ) z++;" — both spellings are one option.
            let name = word.hasPrefix("--") ? String(word.dropFirst()) : word
            switch name {
            case "-ascii": o.actions.append(.mode(.ascii))
            case "-box": o.actions.append(.mode(.box))
            case "-column": o.actions.append(.mode(.column))
            case "-csv": o.actions.append(.mode(.csv))
            case "-html": o.actions.append(.mode(.html))
            case "-json": o.actions.append(.mode(.json))
            case "-line": o.actions.append(.mode(.line))
            case "-list": o.actions.append(.mode(.list))
            case "-markdown": o.actions.append(.mode(.markdown))
            case "-quote": o.actions.append(.mode(.quote))
            case "-table": o.actions.append(.mode(.table))
            case "-tabs": o.actions.append(.mode(.tabs))
            case "-separator": o.actions.append(.separator(try value(word)))
            case "-newline": o.actions.append(.newline(try value(word)))
            case "-nullvalue": o.actions.append(.nullValue(try value(word)))
            case "-header": o.actions.append(.header(true))
            case "-noheader": o.actions.append(.header(false))
            case "-echo": o.actions.append(.echo)
            case "-eqp": o.actions.append(.eqp(1))
            case "-eqpfull": o.actions.append(.eqp(3))
            case "-stats": o.actions.append(.stats)
            case "-cmd": o.actions.append(.command(try value(word)))
            case "-init": o.initFile = try value(word)
            case "-bail": o.bail = true
            case "-batch": o.interactive = false
            case "-interactive": o.interactive = true
            case "-readonly": o.readOnly = true
            case "-safe": o.safe = true
            case "-nonce": o.nonce = try value(word)
            case "-nofollow": o.noFollow = true
            case "-version": o.version = true
            case "-help": o.help = true
            case "-vfs": o.vfs = try value(word)
            case "-mmap": o.mmap = try integer(word)
            case "-lookaside": o.lookaside = [try integer(word), try integer(word)]
            case "-pagecache": o.pageCache = [try integer(word), try integer(word)]
            case "-A":
                throw refuse(word, "it takes the rest of the command line as .archive's words; give migsh the command instead: migsh DB '.archive ARGS…'")
            case "-append": o.append = true
            case "-zip":
                throw refuse(word, "it opens a ZIP archive as the zipfile table zip of :memory:, not as a database; the same table: migsh :memory: \"CREATE VIRTUAL TABLE zip USING zipfile('FILE')\"")
            case "-deserialize", "-maxsize":
                throw refuse(word, "it works on an in-memory image of the file that is never written back, which migsh's backups, restores and audit log cannot follow; use --scratch for a private copy")
            case "-memtrace":
                throw refuse(word, "it traces every memory allocation through the shell's own allocator")
            case "-heap", "-threadsafe", "-scanstats", "-backslash":
                throw refuse(word, "it is an undocumented testing option of sqlite3's")
            default:
                // A one-dash word of several letters: sqlite3 reads it as one option name.
                if !word.hasPrefix("--") && bytes.count > 2 {
                    throw ValidationError("unknown option: \(word)")
                }
                rest.append(word)
            }
        }
        return (o, rest)
    }

    /// sqlite3's `integerValue`: decimal or 0x hex, with an optional KiB/MiB/GiB or KB/MB/GB suffix.
    static func integerValue(_ text: String) -> Int64 {
        var s = Substring(text)
        var negative = false
        if s.hasPrefix("-") { negative = true; s = s.dropFirst() } else if s.hasPrefix("+") { s = s.dropFirst() }
        var v: Int64 = 0
        if s.hasPrefix("0x") || s.hasPrefix("0X") {
            s = s.dropFirst(2)
            while let c = s.first, let d = c.hexDigitValue {
                v = (v &<< 4) &+ Int64(d)
                s = s.dropFirst()
            }
            return negative ? -v : v
        }
        while let c = s.first, let d = c.wholeNumberValue, c.isASCII {
            v = v &* 10 &+ Int64(d)
            s = s.dropFirst()
        }
        let multipliers: [(String, Int64)] = [("KiB", 1024), ("MiB", 1024 * 1024), ("GiB", 1024 * 1024 * 1024),
                                              ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000),
                                              ("K", 1000), ("M", 1_000_000), ("G", 1_000_000_000)]
        for (suffix, m) in multipliers where s.equalsIgnoringCase(suffix) {
            v = v &* m
            break
        }
        return negative ? -v : v
    }
}

extension OutputSettings {
    /// What sqlite3 3.40's mode option does (`-csv`, `-box`, …): the mode and, for some, the
    /// separators — not `.mode`'s other side effects (`-csv` keeps "\n" between rows, the
    /// columnar options do not wrap, `-column` leaves headers as they are).
    mutating func applyCommandLineMode(_ newMode: OutputMode) {
        mode = newMode
        switch newMode {
        case .csv: separator = ","
        case .quote:
            separator = ","
            rowSeparator = "\n"
        case .tabs:
            separator = "\t"
            rowSeparator = "\n"
        case .ascii:
            separator = "\u{1f}"
            rowSeparator = "\u{1e}"
        default: break
        }
    }
}
