import CMigshSQLite

/// Recognises statements that destroy data — `DROP`, `DELETE` or `UPDATE` without `WHERE`,
/// `ALTER TABLE … DROP COLUMN` — from what SQLite's authorizer reports while preparing the
/// statement, plus the parsed statement for the WHERE clause. Never by substring: a string
/// literal "drop table" or a comment does not count.
public enum DestructiveStatement {
    /// The reason to confirm, or nil when the statement is not destructive.
    public static func classify(sql: String, events: [AuthorizerEvent]) -> String? {
        // Events from inside trigger bodies and on SQLite's own tables are side effects.
        let direct = events.filter { $0.trigger == nil && !($0.arg1 ?? "").lowercased().hasPrefix("sqlite_") && $0.database != "temp" }
        for e in direct {
            switch e.kind {
            case .dropTable: return "DROP TABLE \(e.arg1 ?? "")"
            case .dropView: return "DROP VIEW \(e.arg1 ?? "")"
            case .dropIndex: return "DROP INDEX \(e.arg1 ?? "")"
            case .dropTrigger: return "DROP TRIGGER \(e.arg1 ?? "")"
            default: break
            }
        }
        let hasWhere = hasTopLevelWhere(sql)
        if !hasWhere, let e = direct.first(where: { $0.kind == .delete }) {
            return "DELETE without WHERE removes every row of \(e.arg1 ?? "the table")"
        }
        if !hasWhere, let e = direct.first(where: { $0.kind == .update }) {
            return "UPDATE without WHERE changes every row of \(e.arg1 ?? "the table")"
        }
        if let e = direct.first(where: { $0.kind == .alterTable }),
           SQLScript.leadingWords(sql, count: 12).contains("DROP") {
            return "ALTER TABLE \(e.arg2 ?? "") … DROP COLUMN"
        }
        return nil
    }

    /// True when the statement has a `WHERE` outside parentheses.
    public static func hasTopLevelWhere(_ sql: String) -> Bool {
        var tokenizer = SQLTokenizer(sql)
        var depth = 0
        while let token = tokenizer.next() {
            switch token {
            case .punctuation("("): depth += 1
            case .punctuation(")"): depth -= 1
            case .word(let w) where depth == 0 && w.uppercased() == "WHERE": return true
            default: break
            }
        }
        return false
    }
}
