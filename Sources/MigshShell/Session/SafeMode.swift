import MigshCore

/// sqlite3's `-safe`: no dot-command or SQL function that reads or writes a file other than
/// the database, or runs a program. As in sqlite3 3.40, the first attempt ends the run with
/// `line N: cannot run .shell in safe mode`, exit 1 (`Shell.safeModeViolation`).
enum SafeMode {
    /// sqlite3 3.40's list (commands migsh does not have are refused the same way, so that a
    /// script sees sqlite3's message), then migsh's own commands that write files beside the
    /// database (backups, migration files, `migsh.sum`, a kept scratch copy).
    static let refusedCommands: Set<String> = [
        ".shell", ".system", ".output", ".once", ".excel", ".import", ".read", ".cd", ".backup", ".save",
        ".restore", ".load", ".log", ".clone", ".archive",
        ".apply", ".repair", ".new", ".seal", ".scratch",
    ]

    /// sqlite3's azProhibitedFunctions.
    static let prohibitedFunctions: Set<String> = [
        "edit", "fts3_tokenizer", "load_extension", "readfile", "writefile", "zipfile", "zipfile_cds",
        // Not in sqlite3 3.40's list: CONTRACT.md turns lsmode off under -safe with the file functions.
        "lsmode",
    ]

    /// Why `name` (with its words) is refused in safe mode; nil when it may run.
    static func refusal(of name: String, words: [String]) -> String? {
        if refusedCommands.contains(name) { return "cannot run \(name) in safe mode" }
        if name == ".trace", words.dropFirst().contains(where: { !$0.hasPrefix("-") && !["stdout", "stderr", "off"].contains($0) }) {
            // Not in sqlite3 3.40, which writes the trace to any file under -safe (and
            // refuses .output and .log): safe mode writes no file but the database.
            return "cannot run .trace in safe mode"
        }
        // Likewise `.testcase`, which writes testcase-out.txt (sqlite3 3.40 lets it).
        if name == ".testcase" { return "cannot run .testcase in safe mode" }
        if name == ".open" {
            // As sqlite3: `.open` alone (a new temporary database) and `.open :memory:` are allowed.
            if let file = words.dropFirst().first(where: { !$0.hasPrefix("-") }), file != ":memory:" {
                return "cannot open disk-based database files in safe mode"
            }
        }
        return nil
    }

    /// The message for an authorizer event safe mode refuses (sqlite3's safeModeAuth); nil to allow.
    static func refusal(of event: AuthorizerEvent) -> String? {
        switch event.kind {
        case .attach:
            return "cannot run ATTACH in safe mode"  // VACUUM INTO is authorized as an ATTACH
        case .function:
            guard let name = event.arg2?.lowercased(), prohibitedFunctions.contains(name) else { return nil }
            return "cannot use the \(name)() function in safe mode"
        case .createVirtualTable:
            // A zipfile table writes its file (sqlite3 3.40's -safe has no zipfile module).
            guard event.arg2?.lowercased() == "zipfile" else { return nil }
            return "cannot use the zipfile() function in safe mode"
        case .read:
            // fsdir reads every file below a folder: migsh refuses it too (sqlite3 3.40 lets
            // it run). A scan of it is a read of the table "fsdir", whatever columns it uses.
            // zipfile() reads a file the same way.
            guard let table = event.arg1?.lowercased(), table == "fsdir" || table == "zipfile",
                  event.database == nil || event.database == "main" else { return nil }
            return "cannot use the \(table)() function in safe mode"
        default:
            return nil
        }
    }
}
