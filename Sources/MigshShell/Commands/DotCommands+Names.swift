import MigshCore

/// How a dot-command's name is read, as sqlite3 3.40 reads it: the first word of the line
/// (quoted or not: `.'print' hi`), by a prefix of the name, case-sensitively.
extension DotCommands {
    /// sqlite3 3.40's commands, each with the shortest prefix `do_meta_command` accepts for it,
    /// in the order that resolves a prefix several names share as sqlite3 does: the longer a
    /// command's shortest prefix, the earlier (`.pro` is `.progress` though `.p` is `.prompt`;
    /// `.exp` is `.explain`, `.expe` `.expert`; `.w` is `.wheretrace`, `.wi` `.width`).
    /// Read off `/usr/bin/sqlite3` by trying every prefix of every name (the end-to-end test
    /// `DotCommandNamesTests` runs each prefix through both programs).
    static let sqlite3Names: [(name: String, shortest: Int)] = [
        ("selecttrace", 11), ("treetrace", 9), ("testcase", 8), ("testctrl", 8),
        ("excel", 5), ("imposter", 5), ("limit", 5), ("limits", 5), ("nonce", 5), ("timeout", 5), ("timer", 5),
        ("expert", 4), ("indices", 4), ("selftest", 4), ("sha3sum", 4), ("vfslist", 4), ("vfsname", 4),
        ("backup", 3), ("bail", 3), ("binary", 3), ("breakpoint", 3), ("changes", 3), ("check", 3),
        ("dbconfig", 3), ("dbinfo", 3), ("explain", 3), ("help", 3), ("lint", 3), ("log", 3),
        ("parameter", 3), ("print", 3), ("progress", 3), ("read", 3), ("restore", 3), ("save", 3),
        ("schema", 3), ("session", 3), ("show", 3),
        ("archive", 2), ("cd", 2), ("connection", 2), ("databases", 2), ("eqp", 2), ("exit", 2),
        ("fullschema", 2), ("indexes", 2), ("open", 2), ("output", 2), ("separator", 2), ("shell", 2),
        ("stats", 2), ("system", 2), ("tables", 2), ("vfsinfo", 2), ("width", 2),
        ("auth", 1), ("clone", 1), ("dump", 1), ("echo", 1), ("filectrl", 1), ("headers", 1),
        ("import", 1), ("load", 1), ("mode", 1), ("nullvalue", 1), ("once", 1), ("prompt", 1),
        ("quit", 1), ("recover", 1), ("scanstats", 1), ("trace", 1), ("version", 1), ("wheretrace", 1),
    ]

    /// The sqlite3 command a word (without its dot) names in sqlite3 3.40, or nil when sqlite3
    /// says "unknown command".
    static func sqlite3Command(named word: String) -> String? {
        sqlite3Names.first { word.utf8.count >= $0.shortest && $0.name.hasPrefix(word) }?.name
    }

    /// sqlite3 3.40's commands that migsh does not offer, each with the reason a user is told.
    static let sqlite3Refusals: [String: String] = [:]

    /// True when the line's command name is one sqlite3 3.40 reads as a command of its own.
    static func isSQLite3Name(_ line: String) -> Bool {
        guard let word = words(ofCommandLine: line).first else { return false }
        return sqlite3Command(named: String(word.dropFirst())) != nil
    }

    /// What a command name resolves to.
    enum Resolution {
        case command(any DotCommand.Type)
        /// sqlite3 reads the name as this command of its own, which migsh does not have.
        case sqlite3Only(String)
        /// A prefix of several commands, listed.
        case ambiguous([String])
        /// Nothing: with a suggestion when there is a likely one.
        case unknown(suggestion: String?)
    }

    /// Resolves `name` (with its dot) in this order: a command's full name or alias; the
    /// command sqlite3 reads it as (a prefix keeps sqlite3's meaning, and a prefix sqlite3
    /// refuses is refused: `.ti` is neither `.timeout` nor `.timer` there); then a unique
    /// prefix of one of migsh's own commands (`.hist`, `.pe`, `.scr`).
    static func resolve(_ name: String) -> Resolution {
        if let type = command(named: name) { return .command(type) }
        guard name.hasPrefix(".") else { return .unknown(suggestion: nil) }
        let word = String(name.dropFirst())
        if let theirs = sqlite3Command(named: word) {
            if let type = command(named: "." + theirs) { return .command(type) }
            return .sqlite3Only("." + theirs)
        }
        guard !word.isEmpty else { return .unknown(suggestion: nil) }
        let starting = names.filter { $0.hasPrefix(name) }
        let own = starting.filter { sqlite3Command(named: String($0.dropFirst())) == nil }
        if own.count == 1, let type = command(named: own[0]) { return .command(type) }
        if starting.count > 1 { return .ambiguous(starting) }
        return .unknown(suggestion: starting.first ?? suggestion(for: name) ?? names.first { $0.lowercased() == name.lowercased() })
    }

    /// The full name `name` stands for: migsh's command, or sqlite3's that migsh does not have
    /// (safe mode refuses `.lo` as sqlite3 does, as `.load`).
    static func fullName(of name: String) -> String? {
        switch resolve(name) {
        case .command(let type): return self.name(of: type)
        case .sqlite3Only(let theirs): return theirs
        case .ambiguous, .unknown: return nil
        }
    }

    /// A line's words as sqlite3 reads them: the name is the first word after the dot,
    /// quoted or not (`.'print' hi`, `. print hi`), and keeps its dot here; a line that is
    /// only a dot has no words.
    static func words(ofCommandLine line: String) -> [String] {
        var words = tokenize(String(line.drop { $0 == " " || $0 == "\t" }.dropFirst()))
        if !words.isEmpty { words[0] = "." + words[0] }
        return words
    }

    /// The error for a name that runs no command.
    static func unresolved(_ name: String, _ resolution: Resolution) -> MigshError {
        switch resolution {
        case .command: preconditionFailure("resolved")
        case .sqlite3Only(let theirs):
            if let reason = sqlite3Refusals[theirs] {
                return MigshError(.usage, (theirs == name ? "\(name) is sqlite3's" : "\"\(name)\" is sqlite3's \(theirs)") + ", not in migsh: " + reason)
            }
            return MigshError(.usage, (theirs == name ? "\(name) is sqlite3's" : "\"\(name)\" is sqlite3's \(theirs)")
                              + ", which migsh does not have. Enter \".help\" for help")
        case .ambiguous(let candidates):
            return MigshError(.usage, "ambiguous command: \"\(name)\" could be \(candidates.joined(separator: ", ")). Enter \".help\" for help")
        case .unknown(let suggestion):
            return MigshError(.usage, "unknown command: \"\(name)\"" + (suggestion.map { "; did you mean \($0)? " } ?? ". ")
                              + "Enter \".help\" for help")
        }
    }
}
