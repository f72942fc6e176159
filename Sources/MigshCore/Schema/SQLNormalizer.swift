import FoundationEssentials
import MigshBase

/// Normalizes SQL text so that schema comparison sees meaning, not spelling: keywords and
/// identifiers lower-cased, quotes around identifiers removed, white space and comments
/// dropped, `IF NOT EXISTS` ignored. String literals keep their exact text.
public enum SQLNormalizer {
    public static func tokens(_ sql: String) -> [String] {
        var tokenizer = SQLTokenizer(sql)
        var out: [String] = []
        while let t = tokenizer.next() {
            switch t {
            case .word(let w): out.append(w.lowercased())
            case .quoted(let q): out.append(q.lowercased())
            case .literal(let l):
                // Numbers are words of digits; strings keep their case, re-quoted.
                if let first = l.first, first.isNumber || first == "." { out.append(l.lowercased()) }
                else { out.append("'" + l.replacingAll("'", with: "''") + "'") }
            case .punctuation(let p): out.append(String(p))
            }
        }
        return out
    }

    /// A CREATE TABLE's table options, the words after the parenthesis that closes its
    /// column list (`WITHOUT ROWID`, `STRICT`), as `pragma_table_list` reports them; read
    /// from the text because that pragma works out the columns of every view in the schema.
    public static func tableOptions(_ createTable: String) -> (withoutRowID: Bool, strict: Bool) {
        var tokenizer = SQLTokenizer(createTable)
        var depth = 0
        var after: [String] = []
        while let t = tokenizer.next() {
            switch t {
            case .punctuation("("):
                depth += 1
            case .punctuation(")"):
                depth -= 1
                if depth == 0 { after = [] }
            case .word(let w) where depth == 0:
                after.append(w.lowercased())
            default:
                if depth == 0 { after.append("") }
            }
        }
        let withoutRowID = zip(after, after.dropFirst()).contains { $0 == "without" && $1 == "rowid" }
        return (withoutRowID, after.contains("strict"))
    }

    /// A CREATE statement without `IF NOT EXISTS` and `TEMP`, normalized.
    public static func normalizeCreate(_ sql: String) -> String {
        var t = tokens(sql)
        while t.last == ";" { t.removeLast() }
        if let i = t.firstIndex(of: "if"), i + 2 < t.count, t[i + 1] == "not", t[i + 2] == "exists", i < 5 {
            t.removeSubrange(i...(i + 2))
        }
        return t.joined(separator: " ")
    }

    public static func normalizeType(_ type: String) -> String {
        tokens(type).joined(separator: " ").uppercased()
    }

    public static func normalizeExpression(_ expression: String) -> String {
        var t = tokens(expression)
        // `DEFAULT (0)` and `DEFAULT 0` mean the same.
        while t.count >= 2, t.first == "(", t.last == ")", balanced(Array(t.dropFirst().dropLast())) {
            t = Array(t.dropFirst().dropLast())
        }
        return t.joined(separator: " ")
    }

    static func balanced(_ t: [String]) -> Bool {
        var depth = 0
        for x in t {
            if x == "(" { depth += 1 }
            if x == ")" { depth -= 1; if depth < 0 { return false } }
        }
        return depth == 0
    }

    /// The WHERE clause of a partial index, normalized.
    public static func partialIndexCondition(_ sql: String) -> String? {
        let t = tokens(sql)
        var depth = 0
        for (i, x) in t.enumerated() {
            if x == "(" { depth += 1 } else if x == ")" { depth -= 1 }
            if depth == 0 && x == "where" {
                var rest = Array(t[(i + 1)...])
                while rest.last == ";" { rest.removeLast() }
                return rest.joined(separator: " ")
            }
        }
        return nil
    }

    /// CHECK constraints of a CREATE TABLE, normalized and sorted.
    public static func checkConstraints(_ sql: String) -> [String] {
        let t = tokens(sql)
        var out: [String] = []
        var i = 0
        while i < t.count {
            if t[i] == "check", i + 1 < t.count, t[i + 1] == "(" {
                var depth = 0
                var j = i + 1
                var body: [String] = []
                repeat {
                    if t[j] == "(" { depth += 1 } else if t[j] == ")" { depth -= 1 }
                    body.append(t[j])
                    j += 1
                } while j < t.count && depth > 0
                out.append(body.joined(separator: " "))
                i = j
            } else {
                i += 1
            }
        }
        return out.sorted()
    }
}
