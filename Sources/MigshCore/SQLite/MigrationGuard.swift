import CMigshSQLite
import FoundationEssentials
import Glibc
import MigshBase

/// What SQL from a migration file must never do to the database file or to migsh, and how
/// the connections that run it are closed against it. Validation (`MigrationScript`) refuses
/// these by name, with the line; every connection that runs migration SQL (the replay and
/// the data probe's in-memory sandboxes, the rehearsal's copy, and the session's connection
/// for the length of `.apply`, `.repair` and `.baseline`) also denies them at SQLite's
/// authorizer and runs with SQLite's own defenses on, so a form validation does not spot
/// still cannot run.
public enum MigrationHazard {
    /// SQL functions a migration may never call, and why.
    ///
    /// - `fts3_tokenizer`: its two-argument form installs a C pointer given as a blob as a
    ///   tokenizer; a wrong blob crashes migsh (SIGSEGV), a crafted one runs code.
    /// - `load_extension`: loads native code into migsh from a file.
    /// - `readfile`, `writefile`, `edit`, `fsdir`, `zipfile`: sqlite3's shell functions that reach files
    ///   beside the database. They are never registered on the connections that run
    ///   migrations, so they would only fail with "no such function"; named here so the
    ///   refusal says why.
    public static let functions: [String: String] = [
        "fts3_tokenizer": "fts3_tokenizer() can install a C pointer as a tokenizer: a wrong one crashes migsh, a crafted one runs code",
        "load_extension": "load_extension() loads native code into migsh",
        "readfile": "readfile() reads a file outside the database",
        "writefile": "writefile() writes a file outside the database",
        "edit": "edit() runs an editor",
        "fsdir": "fsdir() reads folders outside the database",
        "zipfile": "zipfile() reads a file outside the database",
    ]

    /// SQLite's own tables a migration may never write: the schema table is SQLite's record
    /// of what the file holds (a wrong row and the file no longer opens), `sqlite_dbpage`
    /// writes raw pages.
    static let ownTables: Set<String> = ["sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema", "sqlite_dbpage"]

    /// Why a `PRAGMA [schema.]name [= value | (value)]` in a migration is refused, or nil.
    /// `value`: nil when the pragma is only read.
    ///
    /// Not refused, on purpose (validation warns about any other PRAGMA):
    /// - `cell_size_check`: a detection aid, off by default; on or off, it cannot damage the file.
    /// - `ignore_check_constraints`: it lets rows in that break a CHECK constraint, which the
    ///   file's structure does not mind; the `PRAGMA quick_check` migsh runs on a fresh
    ///   connection after COMMIT reports them, and `.apply` then restores its backup.
    /// - `foreign_keys`, `journal_mode`, `locking_mode`, `page_size`, `auto_vacuum` are refused
    ///   by `MigrationScript` already (they cannot take effect inside the transaction).
    public static func pragmaRefusal(name: String, value: String?) -> String? {
        switch name {
        case "writable_schema":
            // Even a read: no migration needs it, and ON lets plain SQL rewrite sqlite_schema.
            return "PRAGMA writable_schema lets SQL edit sqlite_schema directly: one wrong row and the database no longer opens"
        case "schema_version":
            guard value != nil else { return nil }
            return "PRAGMA schema_version = N sets SQLite's schema cookie by hand: other connections then use a stale schema, which corrupts the database (sqlite.org/pragma.html#pragma_schema_version)"
        case "trusted_schema":
            guard let value, !isOff(value) else { return nil }
            return "PRAGMA trusted_schema = ON lets views and triggers in the file call functions with side effects"
        case "synchronous":
            guard let value, isOff(value) else { return nil }
            return "PRAGMA synchronous = OFF: a power cut during the COMMIT could then corrupt the database"
        case "temp_store_directory", "data_store_directory":
            guard value != nil else { return nil }
            return "PRAGMA \(name) chooses where SQLite writes files, for the whole process: a migration does not"
        default:
            return nil
        }
    }

    static func isOff(_ value: String) -> Bool {
        ["0", "off", "no", "false", "'0'", "'off'", "'no'", "'false'"].contains(value.lowercased())
    }

    /// `PRAGMA [schema.]name [= value | (value)]` from a statement's lower-cased tokens
    /// (`SQLNormalizer.tokens`), or nil when it is no PRAGMA.
    static func pragma(_ tokens: [String]) -> (name: String, value: String?)? {
        guard tokens.first == "pragma", tokens.count > 1 else { return nil }
        var i = 1
        if tokens.count > 3, tokens[2] == "." { i = 3 }
        let name = tokens[i]
        var rest = Array(tokens[(i + 1)...].filter { $0 != ";" })
        if rest.first == "=" || rest.first == "(" { rest.removeFirst() }
        if rest.last == ")" { rest.removeLast() }
        return (name, rest.isEmpty ? nil : rest.joined())
    }

    /// True when `sql` names nothing `refusals` looks for (no `pragma`, no refused function,
    /// no `sqlite_` table): most statements, and a migration of half a million INSERTs must
    /// not be tokenized once more for them.
    public static func cannotMatter(_ sql: String) -> Bool {
        var sql = sql
        return sql.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { text in
                migsh_contains_any_ascii_ci(text.baseAddress, text.count, needles.pointers, Int32(needles.pointers.count)) == 0
            }
        }
    }

    /// The words `refusals` looks for, as C strings made once for the process.
    private static let needles = CStrings(["pragma", "sqlite_"] + functions.keys.sorted())

    private final class CStrings: @unchecked Sendable {
        // @unchecked Sendable: made once, only read; the strings live as long as the process.
        let pointers: [UnsafePointer<CChar>?]
        init(_ words: [String]) { pointers = words.map { UnsafePointer(strdup($0)) } }
    }

    /// The refusals for one statement of a migration body (its lower-cased tokens).
    public static func refusals(_ tokens: [String]) -> [String] {
        var out: [String] = []
        if let p = pragma(tokens), let why = pragmaRefusal(name: p.name, value: p.value) { out.append(why) }
        for (i, token) in tokens.enumerated() {
            if i + 1 < tokens.count, tokens[i + 1] == "(", let why = functions[token], !out.contains(why) {
                out.append(why)
            }
            if token == "sqlite_dbpage", !out.contains(where: { $0.contains("sqlite_dbpage") }) {
                out.append("sqlite_dbpage reads and writes the file's raw pages")
            }
        }
        // INSERT|REPLACE … INTO, UPDATE [OR x], DELETE FROM — then [schema.]name.
        for (i, token) in tokens.enumerated() {
            var j = i + 1
            switch token {
            case "into": break
            case "update": if j + 1 < tokens.count, tokens[j] == "or" { j += 2 }
            case "from": guard i > 0, tokens[i - 1] == "delete" else { continue }
            default: continue
            }
            if j + 2 < tokens.count, tokens[j + 1] == "." { j += 2 }
            if j < tokens.count, ownTables.contains(tokens[j]), tokens[j] != "sqlite_dbpage" {
                out.append("writes \(tokens[j]), SQLite's record of the schema: one wrong row and the database no longer opens")
            }
        }
        return out
    }

    /// The authorizer rule of every connection that runs migration SQL: false denies.
    static func allows(_ event: AuthorizerEvent) -> Bool {
        switch event.kind {
        case .attach, .detach:
            return false                          // VACUUM INTO is authorized as an ATTACH
        case .function:
            return event.arg2.map { functions[$0.lowercased()] == nil } ?? true
        case .pragma:
            guard let name = event.arg1?.lowercased() else { return true }
            if pragmaRefusal(name: name, value: event.arg2) != nil { return false }
            // Inside migsh's transaction these would fail or do harm; migsh sets them itself.
            if ["journal_mode", "locking_mode"].contains(name), event.arg2 != nil { return false }
            return true
        default:
            return true
        }
    }
}

/// The bound on the virtual-machine steps one statement of migration SQL may take where
/// migsh replays or rehearses it (`.lint`, `.diff`, `.test`, the investigation's data probe):
/// an endless `WITH RECURSIVE` stops there with an error naming the file and line, instead
/// of hanging. `MIGSH_STEP_LIMIT=N` sets it (0: no bound).
public struct StepLimit: Sendable, Equatable {
    public var steps: Int64
    /// True when set by `MIGSH_STEP_LIMIT`: the rehearsal then uses it as it is.
    public var explicit: Bool

    /// 100 million steps: a few seconds of one core. The shipped migrations and the test
    /// fixtures take under a million per statement on their clean replays.
    public static let defaultSteps: Int64 = 100_000_000
    public static let variable = "MIGSH_STEP_LIMIT"

    /// From `MIGSH_STEP_LIMIT`, else the default; nil when the variable is 0 (no bound).
    /// A value that is not a number is ignored (the default holds).
    public static func fromEnvironment(_ value: String? = Environment.process[variable]) -> StepLimit? {
        if let value, let n = Int64(value.trimming(.whitespaces)), n >= 0 {
            return n == 0 ? nil : StepLimit(steps: n, explicit: true)
        }
        return StepLimit(steps: defaultSteps, explicit: false)
    }

    /// The bound for a rehearsal on a copy of a database of `pages` pages: statements there
    /// go over the real rows, so unless set explicitly the default grows with the database
    /// (20,000 steps a page: a table rebuild's copy takes a few thousand).
    public func forDatabase(pages: Int64) -> StepLimit {
        explicit ? self : StepLimit(steps: max(steps, pages.multipliedReportingOverflow(by: 20_000).partialValue), explicit: false)
    }

    public var message: String {
        "statement stopped after \(steps) virtual-machine steps (an endless WITH RECURSIVE?); if it is sound, raise the bound: \(StepLimit.variable)=N (0: none)"
    }
}

extension Connection {
    /// Closes this connection, for good, against what migration SQL must never do: the FTS3
    /// tokenizer's pointer form off, SQLite's defensive mode on (no writable_schema, no
    /// journal_mode=OFF, no schema_version writes, no raw page or shadow-table writes), no
    /// extension loading, no attached database, and the authorizer's `MigrationHazard` rule.
    /// For the connections migsh opens only to run migration SQL on.
    func hardenForMigrationSQL(stepLimit: StepLimit?) {
        set(.fts3Tokenizer, on: false)
        set(.defensive, on: true)
        set(.loadExtension, on: false)
        sqlite3_enable_load_extension(handle, 0)
        // > SQLITE_LIMIT_ATTACHED: The maximum number of attached databases.
        sqlite3_limit(handle, SQLITE_LIMIT_ATTACHED, 0)
        addRestriction(MigrationHazard.allows)
        progressReport = nil
        setStepLimit(stepLimit)
    }

    /// Runs `body` with this connection closed as `hardenForMigrationSQL` does, then puts
    /// back what it had: the session's connection runs migrations (`.apply`) and then the
    /// user's SQL again, as sqlite3 would.
    public func hardenedForMigrationSQL<R>(stepLimit: StepLimit? = nil, _ body: () throws -> R) rethrows -> R {
        let tokenizer = set(.fts3Tokenizer, on: false)
        let defensive = set(.defensive, on: true)
        let loading = set(.loadExtension, on: false)
        // migsh never turns the SQL function load_extension() on; it stays off.
        sqlite3_enable_load_extension(handle, 0)
        let attached = sqlite3_limit(handle, SQLITE_LIMIT_ATTACHED, 0)
        let bound = self.stepLimit
        // The user's `.progress` never reports on (or stops) migration SQL.
        let report = progressReport
        progressReport = nil
        setStepLimit(stepLimit)
        defer {
            progressReport = report
            setStepLimit(bound)
            sqlite3_limit(handle, SQLITE_LIMIT_ATTACHED, attached)
            set(.loadExtension, on: loading)
            set(.defensive, on: defensive)
            set(.fts3Tokenizer, on: tokenizer)
        }
        return try restricting(MigrationHazard.allows, during: body)
    }
}
