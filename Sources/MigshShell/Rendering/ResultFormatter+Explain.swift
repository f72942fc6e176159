import MigshCore

// EXPLAIN and EXPLAIN QUERY PLAN as sqlite3 3.40 lays them out (`.explain`, `.eqp`).
extension ResultFormatter {
    /// sqlite3's `eqp_render`: the rows of an EXPLAIN QUERY PLAN statement as a tree under
    /// `QUERY PLAN` (`|--` before a node with later siblings, `` `-- `` before the last).
    public func writeQueryPlan(_ statement: Statement) throws {
        var rows: [(id: Int32, parent: Int32, text: String)] = []
        func render() {
            guard let first = rows.first else { return }
            if first.text.hasPrefix("-") {
                if rows.count == 1 { rows = []; return }
                out.write(String(first.text.dropFirst(3)) + "\n")
                rows.removeFirst()
            } else {
                writeASCII("QUERY PLAN\n")
            }
            var prefix = ""
            func level(_ parent: Int32) {
                let children = rows.filter { $0.parent == parent }
                for (k, row) in children.enumerated() {
                    let last = k == children.count - 1
                    out.write(prefix + (last ? "`--" : "|--") + row.text + "\n")
                    // sqlite3's prefix buffer is 100 bytes: deeper levels are not shown.
                    if prefix.utf8.count < 93 {
                        let saved = prefix
                        prefix += last ? "   " : "|  "
                        level(row.id)
                        prefix = saved
                    }
                }
            }
            level(0)
            rows = []
        }
        let row = statement.row
        while try statement.step() {
            let text = row.text(3).map { String(cString: $0) } ?? ""
            if text.hasPrefix("-") { render() }
            // sqlite3_column_int: the low 32 bits.
            rows.append((Int32(truncatingIfNeeded: row.int64(0)), Int32(truncatingIfNeeded: row.int64(1)), text))
        }
        render()
    }

    /// sqlite3's MODE_Explain: the bytecode listing with fixed widths, loops indented.
    public func writeExplain(_ statement: Statement) throws {
        let row = statement.row
        let columnCount = row.columnCount
        var rows: [[String?]] = []
        while try statement.step() {
            rows.append((0..<columnCount).map { i in row.text(i).map { String(cString: $0) } })
        }
        let names = (0..<columnCount).map { row.name($0).map { String(cString: $0) } ?? "" }
        let indents = ResultFormatter.explainIndents(rows, names: names, sql: statement.sql)
        let widths = [4, 13, 4, 4, 4, 13, 2, 13]
        let n = min(columnCount, widths.count)
        guard n > 0 else { return }
        func padded(_ text: String, _ width: Int) -> String {
            let chars = text.unicodeScalars.count
            return chars >= width ? text : text + String(repeating: " ", count: width - chars)
        }
        let nullText = settings.nullValue
        var text = ""
        for i in 0..<n { text += padded(names[i], widths[i]) + (i == n - 1 ? "\n" : "  ") }
        for i in 0..<n { text += String(repeating: "-", count: widths[i]) + (i == n - 1 ? "\n" : "  ") }
        out.write(text)
        for (r, row) in rows.enumerated() {
            var line = ""
            for i in 0..<n {
                let value = row[i] ?? nullText
                if i == 1, let indents, r < indents.count { line += String(repeating: " ", count: indents[r]) }
                line += padded(value, i == n - 1 ? 0 : widths[i]) + (i == n - 1 ? "\n" : "  ")
            }
            out.write(line)
        }
    }

    /// sqlite3's `explain_data_prepare`: two spaces more for each loop an opcode is inside.
    /// nil when the statement is not an EXPLAIN of the usual eight columns.
    static func explainIndents(_ rows: [[String?]], names: [String], sql: String) -> [Int]? {
        guard names == ["addr", "opcode", "p1", "p2", "p3", "p4", "p5", "comment"],
              sql.drop(while: { " \t\n\u{0c}\r".contains($0) }).lowercased().hasPrefix("explain") else { return nil }
        let next: Set = ["Next", "Prev", "VPrev", "VNext", "SorterNext", "Return"]
        let yield: Set = ["Yield", "SeekLT", "SeekGT", "RowSetRead", "Rewind"]
        var indents = [Int](repeating: 0, count: rows.count)
        var isYield = [Bool](repeating: false, count: rows.count)
        for (op, row) in rows.enumerated() {
            let address = Int(row[0] ?? "") ?? 0
            let opcode = row[1] ?? ""
            let p2 = Int(row[3] ?? "") ?? 0
            let p2op = p2 + (op - address)
            isYield[op] = yield.contains(opcode)
            if next.contains(opcode) && p2op > 0 {
                for i in p2op..<max(p2op, op) { indents[i] += 2 }
            }
            if opcode == "Goto" && p2op < op + 1 && p2op >= 0 && (isYield[p2op] || (Int(row[2] ?? "") ?? 0) != 0) {
                for i in p2op..<max(p2op, op) { indents[i] += 2 }
            }
        }
        return indents
    }
}
