/// What migsh knows about one statement of a migration in a database that is not in the
/// state its `Schema_Version` records: whether it ran, and how that is known.
///
/// Schema statements are judged by the schema; the Schema_Version insert by the table; data
/// statements (INSERT, UPDATE, DELETE, a rebuild's copy), whose effect the schema cannot show,
/// by running them on a private copy of the database (`DataProbe`).
public struct StatementEvidence: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case schema, data
        case versionRow = "version_row"
    }

    public enum State: String, Sendable, Codable {
        /// A schema statement whose effect the schema shows, or a version row that is there.
        case applied
        /// A schema statement whose effect is missing, a version row that is missing, or a
        /// statement after one that has not run.
        case notApplied = "not_applied"
        /// A data statement whose effect is present: running it now would change nothing.
        case present
        /// A data statement that has not run: running it now changes rows, and a second run
        /// changes nothing more (or the table it fills, which this migration creates, is empty).
        case absent
        /// A data statement whose effect cannot be told, either way.
        case unknown
        /// A rebuild's copy that ran from an older state of its source: the table it fills
        /// (which only this migration knows) differs from what the copy gives from the data
        /// as it is now. A resume empties that table and copies again.
        case stale
    }

    /// Rows of one table that running a statement now would change, or that a stale copy
    /// differs in from what the copy gives now.
    public struct RowChanges: Sendable, Codable, Equatable {
        public var table: String
        /// Rows whose values would change, be added, or be removed.
        public var changed: Int
        public var added: Int
        public var removed: Int
        /// Up to 5 of them, by primary key (`project_id 1`) or rowid.
        public var keys: [String]
        /// The columns whose values would change.
        public var columns: [String]
        /// False when running the statement now could overwrite a value the application or a
        /// person wrote since the statement ran: a value that is not the default a column
        /// this migration added holds, in a table the application knew before this migration.
        public var lossless: Bool

        public var total: Int { changed + added + removed }

        /// `1 row of Projects (project_id 1), in commercial_operation_date`
        public var description: String {
            var parts: [String] = []
            if changed > 0 { parts.append("\(changed) changed") }
            if added > 0 { parts.append("\(added) added") }
            if removed > 0 { parts.append("\(removed) removed") }
            let more = total > keys.count ? ", …" : ""
            return "\(total) row\(total == 1 ? "" : "s") of \(table)"
                + (parts.count > 1 || added > 0 || removed > 0 ? " (\(parts.joined(separator: ", ")))" : "")
                + (keys.isEmpty ? "" : ": \(keys.joined(separator: "; "))\(more)")
                + (columns.isEmpty ? "" : ", in \(columns.joined(separator: ", "))")
        }
    }

    /// 1-based statement number in the migration body (BEGIN/COMMIT excluded).
    public var statement: Int
    public var line: Int
    public var kind: Kind
    public var state: State
    /// The statement's first words, e.g. `UPDATE Technology_Vendors`.
    public var summary: String
    /// How the state is known, in words.
    public var reason: String
    /// For a data statement that has not run (or a stale copy): the rows running it now
    /// changes, table by table.
    public var rows: [RowChanges]? = nil
    /// For a stale copy: the table a resume empties (rows and AUTOINCREMENT counter) before
    /// running the copy again.
    public var refills: String? = nil

    /// True when a resume must run it.
    public var needsRun: Bool { state == .notApplied || state == .absent || state == .stale }
    /// True when running it now could overwrite values written since it ran.
    public var overwrites: Bool { (rows ?? []).contains { !$0.lossless } }
    /// True when it ran, or when running it would change nothing.
    public var isDone: Bool { state == .applied || state == .present }

    /// `UPDATE Technology_Vendors`, `INSERT INTO Products_new`, `CREATE INDEX idx_x`.
    static func summarize(_ sql: String) -> String {
        var tokenizer = SQLTokenizer(sql)
        var words: [String] = []
        while words.count < 6, let token = tokenizer.next() {
            switch token {
            case .word(let w): words.append(w.uppercased() == w.lowercased() ? w : (isKeyword(w) ? w.uppercased() : w))
            case .quoted(let q): words.append(q)
            case .literal, .punctuation: break
            }
            if let last = words.last, !isKeyword(last), words.count >= 2 { break }
        }
        return words.joined(separator: " ")
    }

    private static let keywords: Set<String> = [
        "insert", "into", "or", "replace", "ignore", "abort", "fail", "rollback", "update", "delete", "from",
        "create", "drop", "alter", "table", "index", "view", "trigger", "unique", "temp", "temporary", "if", "not",
        "exists", "with", "recursive", "select", "values", "rename", "add", "column",
    ]
    static func isKeyword(_ w: String) -> Bool { keywords.contains(w.lowercased()) }
}

/// The evidence for one migration's statements.
public struct MigrationEvidence: Sendable, Codable, Equatable {
    public var version: Int
    public var file: String
    public var statements: [StatementEvidence]
    /// Set when migsh's own record says how this migration came to be recorded.
    public var recordedBy: SchemaVersionTable.Mode?

    /// Statements whose state cannot be told.
    public var unknown: [StatementEvidence] { statements.filter { $0.state == .unknown } }
    /// Statements a resume would run.
    public var toRun: [StatementEvidence] { statements.filter(\.needsRun) }
    /// Data statements: the ones whose effect the schema cannot show.
    public var dataStatements: [Int] { statements.filter { $0.kind == .data }.map(\.statement) }
}
