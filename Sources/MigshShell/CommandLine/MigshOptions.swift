import FoundationEssentials
import Glibc
import ArgumentParser
import MigshBase
import MigshCore

/// The command line's values: what `migsh` was asked to do.
///
/// `parse` reads the usual forms itself — known options with their value in the next word,
/// flags, then plain words — and hands anything else (help, `--version`, `--opt=value`, `--`,
/// an unknown or repeated option, a value that could be an option, an error) to
/// swift-argument-parser (`MigshCommandLine`), which owns the command line's meaning, help and
/// messages. The reason is start-up time: the parser builds its picture of the options by
/// reflection at every start, about a quarter of a `.version` run. The fast reader accepts
/// only what the parser reads the same way; a test and the fuzzer hold the two to equal
/// results on every command line the fast reader accepts.
struct MigshOptions: Equatable {
    var database: String?
    var commands: [String] = []
    var migrations: String?
    var backups: String?
    var audit: String?
    var target: Int?
    var appVersion: String?
    var file: String?
    var yes = false
    var bail: Bool?
    var readOnly = false
    var busyTimeout: Int32 = 5000
    var json = false
    var mode: String?
    var header = false
    var noheader = false
    var echo = false
    var create = false
    var check = false
    var initFile: String?
    var noInit = false
    var scratch = false
    var each: String?
    var fleet: String?
    var jobs: Int?
    var canary: Int?
    var maxFailures: Int?
    var report: String?
    var mergeReports: [String] = []
    /// sqlite3's own options (`-batch`, `-csv`, `-cmd SQL`, …), taken out before the rest is read.
    var sqlite3 = SQLite3Options()

    /// A fleet run: the positional arguments are all commands.
    var isFleet: Bool { each != nil || fleet != nil }

    /// The commands of a fleet run: every positional argument.
    var fleetCommands: [String] { (database.map { [$0] } ?? []) + commands }

    /// The command line (without the program name), or a parse error of swift-argument-parser's.
    /// sqlite3's options (`SQLite3Options`) are taken out first; `-version` and `-help` answer
    /// before the rest is read, as in sqlite3.
    static func parse(_ arguments: [String] = MigshMain.arguments()) throws -> MigshOptions {
        let (sqlite3, rest) = try SQLite3Options.extract(arguments)
        if sqlite3.version || sqlite3.help { return MigshOptions(sqlite3: sqlite3) }
        var options = try parseCommon(rest) ?? MigshCommandLine.parse(rest).options
        if !sqlite3.isEmpty { options.adopt(sqlite3) }
        return options
    }

    /// sqlite3's options that are migsh's settings too.
    mutating func adopt(_ s: SQLite3Options) {
        sqlite3 = s
        if s.bail { bail = true }
        if s.readOnly { readOnly = true }
        if let file = s.initFile { initFile = file }
    }

    /// The usual command lines, read without the parser; nil for anything it does not read
    /// exactly as swift-argument-parser would (including every invalid one). The options and
    /// their spellings come from the one table the parser's declarations use (`MigshOption`).
    static func parseCommon(_ arguments: [String]) -> MigshOptions? {
        var o = MigshOptions()
        // Every option in the table (`MigshOption.all`), each word matched against its
        // spellings in place: a dictionary of all spellings cost their strings and hashes at
        // every start (issue 25).
        let table = MigshOption.all
        var positionals: [String] = []
        var given: [String] = []
        var i = 0
        // The next word as an option's value: one that cannot be read as an option itself.
        func value() -> String? {
            guard i < arguments.count, let first = arguments[i].utf8.first, first != UInt8(ascii: "-") else { return nil }
            i += 1
            return arguments[i - 1]
        }
        func number() -> Int? { value().flatMap { Int($0) } }
        while i < arguments.count {
            let word = arguments[i]
            i += 1
            guard let first = word.utf8.first else { return nil }
            if first != UInt8(ascii: "-") {
                positionals.append(word)
                continue
            }
            guard let option = table.first(where: { $0.isSpelled(word) }) else { return nil }  // --help, --version, -x, --opt=value, --, …
            if given.contains(option.long) { return nil }
            given.append(option.long)
            switch option.field {
            case .text(let set, _): guard let v = value() else { return nil }; set(&o, v)
            case .number(let set, _): guard let v = number() else { return nil }; set(&o, v)
            case .milliseconds(let set, _): guard let v = value().flatMap({ Int32($0) }) else { return nil }; set(&o, v)
            case .flag(let set, _): set(&o, true)
            case .inversion(let set, _): set(&o, !word.hasPrefix("--no-"))
            case .list: return nil  // --merge-reports A B: the parser's
            }
        }
        o.database = positionals.first
        o.commands = Array(positionals.dropFirst())
        return o.validationError() == nil ? o : nil
    }

    /// Why these values do not go together; nil when they do.
    func validationError() -> String? {
        if busyTimeout < 0 { return "--busy-timeout must be 0 or more" }
        if let target, target < 0 { return "--target must be 0 or more" }
        if target != nil && appVersion != nil { return "give --target or --app-version, not both" }
        if let mode, OutputMode(rawValue: mode.lowercased()) == nil {
            return "unknown --mode \(mode); one of " + OutputMode.allCases.map(\.rawValue).joined(separator: ", ")
        }
        if let appVersion, appVersion.split(separator: ".", omittingEmptySubsequences: false).count != 3
            || !(appVersion.split(separator: ".").allSatisfy { Int($0) != nil }) {
            return "--app-version takes X.Y.Z (e.g. 1.6.0), got \"\(appVersion)\""
        }
        if header && noheader { return "--header and --noheader contradict each other" }
        if file != nil && !commands.isEmpty { return "give -f FILE or COMMAND arguments, not both" }
        if each != nil && fleet != nil { return "give --each GLOB or --fleet FILE, not both" }
        // One call each, not a loop over an array of (name, value) tuples: that array's type
        // is built from its mangled name at its first use, at every start (issue 25).
        func fleetNumberError(_ name: String, _ value: Int?) -> String? {
            if let value, value < 1 { return "\(name) must be 1 or more" }
            if value != nil && !isFleet { return "\(name) is for fleet runs (--each GLOB or --fleet FILE)" }
            return nil
        }
        if let error = fleetNumberError("--jobs", jobs) ?? fleetNumberError("--canary", canary)
            ?? fleetNumberError("--max-failures", maxFailures) { return error }
        if report != nil && !isFleet && mergeReports.isEmpty {
            return "--report is for fleet runs (--each, --fleet) and --merge-reports"
        }
        if !mergeReports.isEmpty && (isFleet || database != nil) {
            return "--merge-reports takes report files only, no database or commands"
        }
        if scratch && (isFleet || create) { return "--scratch copies one existing database (not with --create, --each or --fleet)" }
        if isFleet {
            if fleetCommands.isEmpty && file == nil && !check {
                return "a fleet run needs commands, -f FILE or --check (standard input is not read for each database)"
            }
            if file != nil && !fleetCommands.isEmpty { return "give -f FILE or COMMAND arguments, not both" }
            // `--each sites/*/db.sqlite` unquoted: the shell expanded the pattern, and the
            // other matches arrived as commands.
            if let each, !each.contains(where: { "*?[{".contains($0) }),
               let stray = fleetCommands.first(where: { !$0.hasPrefix(".") && FileSystem.exists($0) }) {
                return "\(stray) is a file, not a command: quote the pattern so that migsh expands it (--each '\(each)…')"
            }
        }
        return nil
    }
}
