import CMigshSQLite

/// CREATE statements written as the sqlite3 3.40 shell writes them in `.schema`, `.fullschema`
/// and `.dump`: `printSchemaLine` (a statement that ends in a comment is closed so its `;`
/// counts; `CREATE TABLE "x"` becomes `CREATE TABLE IF NOT EXISTS "x"`) and the `--indent`
/// layout (MODE_Pretty).
public enum SchemaText {
    /// sqlite3's `printSchemaLine(z, zTail)`.
    public static func line(_ sql: String, tail: String) -> String {
        var z = sql
        if tail.hasPrefix(";") && (z.contains("/*") || z.contains("--")) {
            for ending in ["", "*/", "\n"] where isComplete(z + ending + ";") {
                z += ending
                break
            }
        }
        if z.hasPrefix("CREATE TABLE '") || z.hasPrefix("CREATE TABLE \"") {
            return "CREATE TABLE IF NOT EXISTS " + String(z.dropFirst(13)) + tail
        }
        return z + tail
    }

    static func isComplete(_ sql: String) -> Bool { SQLitePattern.isComplete(sql) }

    /// sqlite3's MODE_Pretty (`.schema --indent`): white space normalised, and a statement of 79
    /// bytes or more broken after its opening parenthesis and each top-level comma.
    public static func pretty(_ sql: String) -> String {
        if SQLitePattern.like("CREATE VIEW%", matches: sql) || SQLitePattern.like("CREATE TRIG%", matches: sql) {
            return sql + ";\n"
        }
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0d) }
        let input = Array(sql.utf8)
        var res: [UInt8] = []
        var i = 0
        while i < input.count && isSpace(input[i]) { i += 1 }
        for c in input[i...] {
            if isSpace(c) {
                if res.last == 0x0d { res[res.count - 1] = 0x0a }
                if let last = res.last, isSpace(last) || last == UInt8(ascii: "(") { continue }
            } else if c == UInt8(ascii: "(") || c == UInt8(ascii: ")"), let last = res.last, isSpace(last) {
                res.removeLast()
            }
            res.append(c)
        }
        while let last = res.last, isSpace(last) { res.removeLast() }
        var out = ""
        var z = res
        if z.count >= 79 {
            var buffer: [UInt8] = []
            var end: UInt8? = nil
            var depth = 0
            var lines = 0
            var k = 0
            func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }
            func wsToEndOfLine(_ from: Int) -> Bool {
                var j = from
                while j < z.count {
                    if z[j] == 0x0a { return true }
                    if isSpace(z[j]) { j += 1; continue }
                    if z[j] == UInt8(ascii: "-") && j + 1 < z.count && z[j + 1] == UInt8(ascii: "-") { return true }
                    return false
                }
                return true
            }
            while k < z.count {
                let c = z[k]
                if let e = end, c == e {
                    end = nil
                } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") || c == UInt8(ascii: "`") {
                    end = c
                } else if c == UInt8(ascii: "[") {
                    end = UInt8(ascii: "]")
                } else if c == UInt8(ascii: "-") && k + 1 < z.count && z[k + 1] == UInt8(ascii: "-") {
                    end = 0x0a
                } else if c == UInt8(ascii: "(") {
                    depth += 1
                } else if c == UInt8(ascii: ")") {
                    depth -= 1
                    if lines > 0 && depth == 0 && !buffer.isEmpty {
                        out += line(text(buffer), tail: "\n")
                        buffer = []
                    }
                }
                buffer.append(c)
                if depth == 1 && end == nil
                    && (c == UInt8(ascii: "(") || c == 0x0a || (c == UInt8(ascii: ",") && !wsToEndOfLine(k + 1))) {
                    if c == 0x0a { buffer.removeLast() }
                    out += line(text(buffer), tail: "\n  ")
                    buffer = []
                    lines += 1
                    while k + 1 < z.count && isSpace(z[k + 1]) { k += 1 }
                }
                k += 1
            }
            z = buffer
        }
        out += line(String(decoding: z, as: UTF8.self), tail: ";\n")
        return out
    }
}
