/// A migration file cut into statements and checked against the spec's rules (§3.3, §5.3)
/// before anything runs.
public struct MigrationScript: Sendable {
    public struct Finding: Sendable, Equatable, CustomStringConvertible, Codable {
        public enum Severity: String, Sendable, Codable { case error, warning }
        public var severity: Severity
        public var line: Int?
        public var message: String
        public var description: String { (line.map { "line \($0): " } ?? "") + message }
    }

    public var migration: Migration
    /// The statements migsh runs: the file's statements between `BEGIN` and `COMMIT`.
    public var body: [SQLStatementText]
    /// All statements of the file, wrapper included.
    public var statements: [SQLStatementText]
    public var findings: [Finding]
    /// The number of body statements in the whole file.
    public private(set) var totalStatements = 0
    /// How migsh records the migration once run: `.resumed` when only the statements that
    /// had not run are selected.
    public var mode: SchemaVersionTable.Mode = .applied

    public var errors: [Finding] { findings.filter { $0.severity == .error } }
    public var warnings: [Finding] { findings.filter { $0.severity == .warning } }

    /// Statements that cannot run inside a transaction or that would take the transaction
    /// away from migsh.
    static let transactionControl: Set<String> = ["BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"]

    public init(_ migration: Migration) {
        self.migration = migration
        let split = SQLScript.split(migration.sql)
        // An empty statement (`;;`) is no statement, as in sqlite3: it is dropped here, so that
        // validation, the replay and `.apply` all number and run the same statements.
        statements = split.statements.filter { !SQLScript.isEmptyStatement($0.sql) }
        findings = []
        body = []

        if let tail = split.incompleteTail {
            findings.append(Finding(severity: .error, line: tail.line,
                message: "incomplete statement at end of file (a missing ';', an unterminated string or a trigger without END;)"))
        }
        guard let first = statements.first, let last = statements.last else {
            findings.append(Finding(severity: .error, line: nil, message: "no SQL statements in the file"))
            return
        }
        let firstWord = SQLScript.leadingWords(first.sql, count: 1).first
        let lastWord = SQLScript.leadingWords(last.sql, count: 1).first
        let hasBegin = firstWord == "BEGIN"
        let hasCommit = statements.count > 1 && (lastWord == "COMMIT" || lastWord == "END")
        if !hasBegin {
            findings.append(Finding(severity: .error, line: first.line,
                message: "must start with BEGIN TRANSACTION; (spec §3.3: the whole migration is one transaction)"))
        }
        if !hasCommit {
            findings.append(Finding(severity: .error, line: last.line,
                message: "must end with COMMIT; (spec §3.3)"))
        }
        // Body statements are numbered 1… as `.diff` and error messages count them.
        body = statements.dropFirst(hasBegin ? 1 : 0).dropLast(hasCommit ? 1 : 0).enumerated().map { n, s in
            var numbered = s
            numbered.index = n + 1
            return numbered
        }
        totalStatements = body.count

        var versionInserts: [(line: Int, version: Int?)] = []
        for statement in body {
            let words = SQLScript.leadingWords(statement.sql, count: 4)
            guard let verb = words.first else { continue }
            let upper = words.map { $0.uppercased() }
            let tokens = MigrationHazard.cannotMatter(statement.sql) ? [] : SQLNormalizer.tokens(statement.sql)
            // What a migration must never do to the file or to migsh (`MigrationHazard`
            // says why, one by one); the connections that run migrations deny these too.
            for why in MigrationHazard.refusals(tokens) {
                findings.append(Finding(severity: .error, line: statement.line, message: why + "; a migration must not do this"))
            }
            if verb == "CREATE", let object = MigrationScript.tempSchemaVersion(statement.sql) {
                findings.append(Finding(severity: .error, line: statement.line,
                    message: "creates a TEMP \(object) named Schema_Version: it would hide main.Schema_Version from the version checks; give it another name"))
            }
            if MigrationScript.transactionControl.contains(verb) {
                findings.append(Finding(severity: .error, line: statement.line,
                    message: "\(verb) inside the migration: migsh runs the file between its BEGIN and COMMIT in one transaction; remove it"))
            } else if verb == "VACUUM" {
                findings.append(Finding(severity: .error, line: statement.line,
                    message: "VACUUM cannot run inside a transaction"))
            } else if verb == "ATTACH" || verb == "DETACH" {
                findings.append(Finding(severity: .error, line: statement.line,
                    message: "\(verb) cannot run inside a transaction"))
            } else if verb == "PRAGMA" {
                // `PRAGMA [schema.]name`: the name, with or without its schema.
                let pragma = MigrationHazard.pragma(tokens)
                let name = pragma?.name.uppercased() ?? ""
                if let pragma, MigrationHazard.pragmaRefusal(name: pragma.name, value: pragma.value) != nil {
                    // refused above
                } else if name == "IGNORE_CHECK_CONSTRAINTS" {
                    findings.append(Finding(severity: .warning, line: statement.line,
                        message: "PRAGMA ignore_check_constraints: rows that break a CHECK constraint fail the PRAGMA quick_check migsh runs after COMMIT, and .apply then restores its backup"))
                } else if name == "FOREIGN_KEYS" {
                    findings.append(Finding(severity: .error, line: statement.line,
                        message: "PRAGMA foreign_keys is a no-op inside a transaction, and ON during a table rebuild cascades deletes; migsh switches enforcement off and runs foreign_key_check itself"))
                } else if name == "JOURNAL_MODE" || name == "LOCKING_MODE" || name == "PAGE_SIZE" || name == "AUTO_VACUUM" {
                    findings.append(Finding(severity: .error, line: statement.line,
                        message: "PRAGMA \(name.lowercased()) cannot take effect inside a transaction"))
                } else {
                    findings.append(Finding(severity: .warning, line: statement.line,
                        message: "PRAGMA in a migration: it may not take effect inside the migration's transaction"))
                }
            } else if upper.starts(with: ["DROP", "TABLE"]) {
                findings.append(Finding(severity: .warning, line: statement.line,
                    message: "contains DROP TABLE - ensure data is backed up (spec §5.3)"))
            } else if upper.starts(with: ["DELETE", "FROM"]) || upper.first == "DELETE" {
                findings.append(Finding(severity: .warning, line: statement.line,
                    message: "contains DELETE - ensure this is intentional (spec §5.3)"))
            }
            if verb == "INSERT" || verb == "REPLACE", let v = MigrationScript.schemaVersionInsert(statement.sql) {
                versionInserts.append((statement.line, v.version))
            }
        }
        let own = migration.version
        if versionInserts.isEmpty {
            findings.append(Finding(severity: .error, line: nil,
                message: "no INSERT INTO Schema_Version for version \(own) (spec §3.3: every migration must update Schema_Version)"))
        }
        for insert in versionInserts {
            if let v = insert.version, v != own {
                findings.append(Finding(severity: .error, line: insert.line,
                    message: "the Schema_Version insert names version \(v), but the file is version \(own)"))
            } else if insert.version == nil {
                findings.append(Finding(severity: .error, line: insert.line,
                    message: "cannot read the version number from the Schema_Version insert: write VALUES (\(own), …)"))
            }
        }
        if versionInserts.count > 1 {
            findings.append(Finding(severity: .error, line: versionInserts[1].line,
                message: "more than one Schema_Version insert"))
        }
    }

    /// Only the body statements numbered in `numbers` (`.apply --resume`: the statements the
    /// evidence shows have not run). Statements keep their numbers for error messages.
    public func selecting(_ numbers: Set<Int>, refilling: [Int: String] = [:], hasSequence: Bool = false) -> MigrationScript {
        var copy = self
        copy.body = body.filter { numbers.contains($0.index) }.flatMap { s -> [SQLStatementText] in
            guard let table = refilling[s.index] else { return [s] }
            // A stale copy runs again on an empty table, as in a clean run right after its
            // CREATE TABLE; the emptying statements carry the copy's number and line.
            return DataProbe.emptyingStatements(table, hasSequence: hasSequence).map { SQLStatementText(sql: $0 + ";", line: s.line, index: s.index) } + [s]
        }
        return copy
    }

    /// The body statement that inserts the file's Schema_Version row.
    public var versionInsert: SQLStatementText? {
        body.first { MigrationScript.schemaVersionInsert($0.sql) != nil }
    }

    /// `CREATE TEMP|TEMPORARY TABLE|VIEW|TRIGGER|INDEX [IF NOT EXISTS] Schema_Version` or
    /// `CREATE … temp.Schema_Version`: the kind of object, else nil.
    static func tempSchemaVersion(_ sql: String) -> String? {
        let t = SQLNormalizer.tokens(sql)
        guard t.first == "create" else { return nil }
        var i = 1
        var temp = false
        if i < t.count, t[i] == "temp" || t[i] == "temporary" { temp = true; i += 1 }
        if i < t.count, t[i] == "unique" { i += 1 }
        guard i < t.count, ["table", "view", "trigger", "index"].contains(t[i]) else { return nil }
        let kind = t[i]
        i += 1
        if i + 2 < t.count, t[i] == "if", t[i + 1] == "not", t[i + 2] == "exists" { i += 3 }
        if i + 2 < t.count, t[i + 1] == ".", t[i] == "temp" || t[i] == "temporary" { temp = true; i += 2 }
        guard temp, i < t.count, t[i] == "schema_version" else { return nil }
        return kind
    }

    /// For `INSERT [OR x] INTO Schema_Version [(cols)] VALUES (…)`: the version inserted
    /// (nil if it is not a literal), or nil for other statements.
    static func schemaVersionInsert(_ sql: String) -> (version: Int?, Void)? {
        var tokens = SQLTokenizer(sql)
        var all: [SQLTokenizer.Token] = []
        while let t = tokens.next() { all.append(t) }
        func word(_ t: SQLTokenizer.Token) -> String? {
            switch t { case .word(let w): return w.uppercased(); case .quoted(let q): return q.uppercased(); default: return nil }
        }
        guard let intoIndex = all.firstIndex(where: { word($0) == "INTO" }), intoIndex + 1 < all.count else { return nil }
        var i = intoIndex + 1
        if word(all[i]) == "MAIN", i + 2 < all.count, all[i + 1] == .punctuation(".") { i += 2 }
        guard word(all[i]) == "SCHEMA_VERSION" else { return nil }
        i += 1
        var columns: [String] = []
        if i < all.count, all[i] == .punctuation("(") {
            i += 1
            while i < all.count, all[i] != .punctuation(")") {
                if let w = word(all[i]) { columns.append(w) }
                i += 1
            }
            i += 1
        }
        guard i < all.count, word(all[i]) == "VALUES", i + 1 < all.count, all[i + 1] == .punctuation("(") else {
            return (nil, ())
        }
        i += 2
        let position = columns.isEmpty ? 0 : (columns.firstIndex(of: "VERSION") ?? -1)
        guard position >= 0 else { return (nil, ()) }
        // Walk the top-level values to the version's position.
        var depth = 0
        var index = 0
        var valueTokens: [SQLTokenizer.Token] = []
        while i < all.count {
            let t = all[i]
            if t == .punctuation("(") { depth += 1 }
            if t == .punctuation(")") { if depth == 0 { break }; depth -= 1 }
            if t == .punctuation(","), depth == 0 { index += 1; i += 1; continue }
            if index == position { valueTokens.append(t) }
            i += 1
        }
        if valueTokens.count == 1, case .literal(let l) = valueTokens[0], let v = Int(l) { return (v, ()) }
        return (nil, ())
    }
}
