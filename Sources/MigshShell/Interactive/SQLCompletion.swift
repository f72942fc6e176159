import MigshCore

/// SQL completion that knows where it is in the statement: table names after FROM, JOIN,
/// INTO, UPDATE and TABLE; the columns of the statement's tables after SELECT, WHERE, ON, SET
/// and the like, and after `alias.`; keywords and functions elsewhere. Case-insensitive: a
/// name keeps its declared case, a keyword takes the case being typed.
struct SQLCompletion {
    let sources: any CompletionSources

    static let tableContext: Set<String> = ["from", "join", "into", "update", "table"]
    static let columnContext: Set<String> = ["select", "where", "on", "set", "and", "or", "by", "having", "distinct", "as", "when", "then", "else", "not", "like", "in", "between", "is"]
    static let keywords = [
        "SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "HAVING", "LIMIT", "OFFSET", "JOIN", "LEFT", "INNER", "CROSS", "ON",
        "USING", "AS", "AND", "OR", "NOT", "NULL", "IS", "IN", "LIKE", "GLOB", "BETWEEN", "CASE", "WHEN", "THEN", "ELSE", "END",
        "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE", "CREATE", "TABLE", "INDEX", "VIEW", "TRIGGER", "DROP", "ALTER",
        "ADD", "COLUMN", "RENAME", "TO", "BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "EXPLAIN", "QUERY", "PLAN", "DISTINCT",
        "UNION", "ALL", "EXCEPT", "INTERSECT", "WITH", "RECURSIVE", "DEFAULT", "PRIMARY", "KEY", "FOREIGN", "REFERENCES",
        "UNIQUE", "CHECK", "ASC", "DESC", "EXISTS", "REPLACE", "RETURNING",
    ]
    static let functions = [
        "abs(", "avg(", "coalesce(", "count(", "date(", "datetime(", "group_concat(", "ifnull(", "instr(", "json_extract(",
        "length(", "lower(", "ltrim(", "max(", "min(", "nullif(", "printf(", "quote(", "random(", "replace(", "round(",
        "rtrim(", "strftime(", "substr(", "sum(", "time(", "total(", "trim(", "typeof(", "upper(",
    ]

    /// `statement`: the statement typed so far, including the current line up to the cursor;
    /// `after`: the rest of the line (its FROM counts too).
    func candidates(statement: String, word: String, after: String = "") -> [String] {
        let lowerWord = word.lowercased()
        if let dot = word.lastIndex(of: ".") {
            // alias.column or table.column
            let qualifier = String(word[..<dot])
            let prefix = String(word[word.index(after: dot)...]).lowercased()
            let table = aliases(in: statement + after)[qualifier.lowercased()] ?? qualifier
            return sources.columnNames(of: table).filter { $0.lowercased().hasPrefix(prefix) }.map { qualifier + "." + $0 }
        }
        let previous = previousWord(in: statement, before: word)
        if let previous, SQLCompletion.tableContext.contains(previous) {
            return Completion.matching(sources.tableNames(), word)
        }
        if let previous, SQLCompletion.columnContext.contains(previous) || previous == "," || previous == "(" || previous == "=" {
            let tables = Set(aliases(in: statement + after).values)
            let columns = tables.isEmpty ? sources.columnNames() : tables.sorted().flatMap { sources.columnNames(of: $0) }
            let names = Completion.matching(unique(columns), word)
            let extra = SQLCompletion.functions.filter { $0.hasPrefix(lowerWord) && !lowerWord.isEmpty }
            return names + extra
        }
        let keywordCase: (String) -> String = word.first.map { $0.isLowercase } == true ? { $0.lowercased() } : { $0 }
        let keywords = SQLCompletion.keywords.filter { $0.lowercased().hasPrefix(lowerWord) }.map(keywordCase)
        let functions = lowerWord.isEmpty ? [] : SQLCompletion.functions.filter { $0.hasPrefix(lowerWord) }
        return keywords + functions
    }

    /// The last word or punctuation before the one being typed, lower-cased.
    func previousWord(in statement: String, before word: String) -> String? {
        var text = statement
        // The word being typed is at the end of the line: leave it out.
        if !word.isEmpty, text.hasSuffix(word) { text.removeLast(word.count) }
        var tokenizer = SQLTokenizer(text)
        var last: String?
        while let token = tokenizer.next() {
            switch token {
            case .word(let w): last = w.lowercased()
            case .quoted: last = "name"
            case .literal: last = "value"
            case .punctuation(let p): last = p == ";" ? nil : String(p)
            }
        }
        return last
    }

    /// alias (or table name) → table, for every table the statement names after FROM, JOIN,
    /// UPDATE or INTO, lower-cased keys.
    func aliases(in statement: String) -> [String: String] {
        var tokenizer = SQLTokenizer(statement)
        var tokens: [String] = []
        while let token = tokenizer.next() {
            switch token {
            case .word(let w): tokens.append(w)
            case .quoted(let q): tokens.append(q)
            case .literal: tokens.append("'")
            case .punctuation(let p): tokens.append(String(p))
            }
        }
        let known = Dictionary(sources.tableNames().map { ($0.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        var out: [String: String] = [:]
        var i = 0
        while i < tokens.count {
            if SQLCompletion.tableContext.contains(tokens[i].lowercased()), i + 1 < tokens.count,
               let table = known[tokens[i + 1].lowercased()] {
                out[table.lowercased()] = table
                var j = i + 2
                if j < tokens.count, tokens[j].lowercased() == "as" { j += 1 }
                if j < tokens.count, tokens[j].first?.isLetter == true,
                   !SQLCompletion.keywords.contains(tokens[j].uppercased()) {
                    out[tokens[j].lowercased()] = table
                }
            }
            i += 1
        }
        return out
    }

    private func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0.lowercased()).inserted }
    }
}
