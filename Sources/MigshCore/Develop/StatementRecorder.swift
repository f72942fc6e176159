/// `.record`: the statements that changed the schema or the data and succeeded, in order, as
/// a migration needs them. Work undone by ROLLBACK (or by SQLite after an error), or by
/// ROLLBACK TO a savepoint, is dropped; read-only statements and settings (PRAGMA, VACUUM,
/// ATTACH) never enter.
public struct StatementRecorder: Sendable {
    /// Statements that are part of the database's state (committed, or run in autocommit).
    public private(set) var statements: [String] = []
    /// Changes made while recording that the record cannot hold as statements (`.import`):
    /// `.new --from-session` refuses while any is listed, naming them.
    public private(set) var unrecorded: [String] = []
    /// Open transaction: one frame per savepoint (the outermost named nil for BEGIN).
    private var frames: [(name: String?, statements: [String])] = []

    public init() {}

    /// What a statement does to the record.
    public enum Kind: Equatable, Sendable {
        case change, begin, commit, rollback
        case savepoint(String), release(String), rollbackTo(String)
        /// Read-only, or a setting: never recorded.
        case ignored
    }

    /// Classifies `sql` (its leading words) given whether SQLite says it is read-only.
    public static func kind(of sql: String, readOnly: Bool) -> Kind {
        let words = SQLScript.leadingWords(sql, count: 3)
        guard let first = words.first else { return .ignored }
        func name(after n: Int) -> String {
            let w = words.count > n ? words[n] : ""
            return w.trimming(ScalarSet(charactersIn: "\"'`[]")).lowercased()
        }
        switch first {
        case "BEGIN": return .begin
        case "COMMIT", "END": return .commit
        case "ROLLBACK":
            if words.count > 1 && words[1] == "TO" { return .rollbackTo(name(after: words.count > 2 && words[2] == "SAVEPOINT" ? 3 : 2)) }
            if words.count > 2 && words[1] == "TRANSACTION" && words[2] == "TO" { return .rollbackTo(name(after: 3)) }
            return .rollback
        case "SAVEPOINT": return .savepoint(name(after: 1))
        case "RELEASE": return .release(name(after: words.count > 1 && words[1] == "SAVEPOINT" ? 2 : 1))
        case "CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH", "REINDEX":
            return readOnly ? .ignored : .change
        default: return .ignored
        }
    }

    /// Takes note of a statement that succeeded. `autocommitAfter`: SQLite's autocommit state
    /// once it ran (a transaction ended — by COMMIT, ROLLBACK, or SQLite after an error).
    public mutating func observe(_ sql: String, readOnly: Bool, autocommitAfter: Bool) {
        let text = sql.trimming(.whitespacesAndNewlines)
        switch StatementRecorder.kind(of: text, readOnly: readOnly) {
        case .ignored: break
        case .change:
            if frames.isEmpty { statements.append(text) } else { frames[frames.count - 1].statements.append(text) }
        case .begin:
            frames = [(nil, [])]
        case .commit:
            statements += frames.flatMap(\.statements)
            frames = []
        case .rollback:
            frames = []
        case .savepoint(let name):
            frames.append((name, []))
        case .release(let name):
            guard let i = frames.lastIndex(where: { $0.name == name }) else { break }
            let released = frames[i...].flatMap(\.statements)
            frames.removeSubrange(i...)
            if frames.isEmpty { statements += released } else { frames[frames.count - 1].statements += released }
        case .rollbackTo(let name):
            guard let i = frames.lastIndex(where: { $0.name == name }) else { break }
            frames.removeSubrange((i + 1)...)
            frames[i].statements = []
        }
        // The transaction is over (COMMIT, or a rollback SQLite made on its own): what was not
        // committed is gone.
        if autocommitAfter && !frames.isEmpty {
            if case .commit = StatementRecorder.kind(of: text, readOnly: readOnly) {} else { frames = [] }
        }
    }

    /// A comment line kept in order with the statements (`-- migsh: allow-drop …`).
    public mutating func mark(_ comment: String) {
        if frames.isEmpty { statements.append(comment) } else { frames[frames.count - 1].statements.append(comment) }
    }

    /// The renames kept (`ALTER TABLE … RENAME`), in order.
    public var renames: [SchemaRename] { statements.compactMap(SchemaRename.parse) }

    /// SQLite rolled the open transaction back after an error.
    public mutating func transactionRolledBack() { frames = [] }

    /// Notes a change made outside SQL (`.import FILE TABLE`, N rows).
    public mutating func missed(_ what: String) { unrecorded.append(what) }

    public mutating func clear() {
        statements = []
        unrecorded = []
        frames = []
    }
}

import FoundationEssentials
import Glibc
import MigshBase
