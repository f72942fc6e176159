import CMigshSQLite
import FoundationEssentials
import Glibc
import MigshCore

/// Prints the rows of one prepared statement the way the sqlite3 3.40 shell prints them.
///
/// The rules are sqlite3's `shell_callback` (streaming modes) and
/// `exec_prepared_stmt_columnar` (box, table, markdown, column). List, tabs, csv, json, line
/// and quote stream row by row straight from `sqlite3_column_*` pointers into the
/// `OutputBuffer`; only the columnar modes keep the result, because they must know every
/// width before printing the first line.
///
/// Like sqlite3, values are read as C strings: text (or a blob) that contains a NUL byte is
/// printed up to that byte, except in json (blobs in full) and quote (blobs as `X'…'`).
public final class ResultFormatter {
    public var settings: OutputSettings {
        didSet { cacheSettings() }
    }
    /// Where rows go: the session's current output (`.output` and `.once` change it).
    // Read for every value of every row: without the runtime's exclusivity bookkeeping. They
    // change only between statements (settings, `.output`), never while rows are written.
    @exclusivity(unchecked) var out: OutputBuffer
    @exclusivity(unchecked) private var separator: [UInt8] = []
    @exclusivity(unchecked) private var rowSeparator: [UInt8] = []
    /// NUL-terminated, because the columnar path walks it like column text.
    @exclusivity(unchecked) private var nullValue: [UInt8] = [0]
    /// Scratch space for sqlite3_snprintf; allocated once, not per value.
    private let numberBuffer: UnsafeMutablePointer<CChar>
    private static let numberBufferSize: Int32 = 64

    public init(settings: OutputSettings, out: OutputBuffer) {
        self.settings = settings
        self.out = out
        self.numberBuffer = .allocate(capacity: Int(ResultFormatter.numberBufferSize))
        cacheSettings()
    }

    deinit { numberBuffer.deallocate() }

    private func cacheSettings() {
        separator = Array(settings.separator.utf8)
        rowSeparator = Array(settings.rowSeparator.utf8)
        nullValue = Array(settings.nullValue.utf8) + [0]
    }

    /// Steps `statement` to completion (through the core's `Statement.step`), printing every
    /// row; returns the number of rows. A failed step throws the core's `MigshError`, after
    /// what sqlite3 prints by then (the rows so far, and in json the closing `]`).
    public func write(_ statement: Statement) throws -> Int {
        if settings.mode.isColumnar {
            return try writeColumnar(statement)
        }
        let stmt = statement.sqliteHandle
        guard try statement.step() else { return 0 }
        if settings.mode == .off || settings.mode == .count {
            var rows = 1
            while try statement.step() { rows += 1 }
            if settings.mode == .count { out.write("\(rows) row\(rows == 1 ? "" : "s")\n") }
            return rows
        }
        let columnCount = sqlite3_column_count(stmt)
        let lineNameWidth = settings.mode == .line ? lineModeNameWidth(stmt, columnCount) : 0
        var rows = 0
        repeat {
            switch settings.mode {
            case .list, .tabs: writeListRow(stmt, columnCount, first: rows == 0)
            case .csv: writeCSVRow(stmt, columnCount, first: rows == 0)
            case .json: writeJSONRow(stmt, columnCount, first: rows == 0)
            case .line: writeLineRow(stmt, columnCount, first: rows == 0, nameWidth: lineNameWidth)
            case .quote: writeQuoteRow(stmt, columnCount, first: rows == 0)
            case .insert: writeInsertRow(stmt, columnCount)
            case .html: writeHTMLRow(stmt, columnCount, first: rows == 0)
            case .tcl: writeTclRow(stmt, columnCount, first: rows == 0)
            case .ascii: writeListRow(stmt, columnCount, first: rows == 0)
            case .box, .table, .markdown, .column, .count, .off: break  // handled above
            }
            rows += 1
            do {
                guard try statement.step() else { break }
            } catch {
                if settings.mode == .json { writeASCII("]\n") }
                throw error
            }
        } while true
        if settings.mode == .json {
            writeASCII("]\n")
        }
        return rows
    }

    // MARK: - Streaming modes

    private func writeListRow(_ stmt: OpaquePointer, _ n: Int32, first: Bool) {
        if first && settings.showHeaders {
            for i in 0..<n {
                writeCString(sqlite3_column_name(stmt, i))
                out.write(i == n - 1 ? rowSeparator : separator)
            }
        }
        // One retain of each for the row, not one per value.
        let out = self.out
        separator.withUnsafeBytes { separator in
            rowSeparator.withUnsafeBytes { rowSeparator in
                nullValue.withUnsafeBytes { nullValue in
                    let null = UnsafeRawBufferPointer(rebasing: nullValue.dropLast())
                    for i in 0..<n {
                        // > sqlite3_column_text … If the result is NULL, then sqlite3_column_text() returns
                        // > a NULL pointer. (It is also NULL when out of memory; sqlite3 prints either the same.)
                        if let text = sqlite3_column_text(stmt, i) {
                            out.write(UnsafeRawBufferPointer(start: text, count: strlen(UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self))))
                        } else {
                            out.write(null)
                        }
                        out.write(i < n - 1 ? separator : rowSeparator)
                    }
                }
            }
        }
    }

    private func writeCSVRow(_ stmt: OpaquePointer, _ n: Int32, first: Bool) {
        if first && settings.showHeaders {
            for i in 0..<n {
                writeCSVField(UnsafeRawPointer(sqlite3_column_name(stmt, i)))
                if i < n - 1 { out.write(separator) }
            }
            out.write(rowSeparator)
        }
        for i in 0..<n {
            if let text = sqlite3_column_text(stmt, i) {
                writeCSVField(UnsafeRawPointer(text))
            } else {
                writeNullValue()
            }
            if i < n - 1 { out.write(separator) }
        }
        out.write(rowSeparator)
    }

    private func writeJSONRow(_ stmt: OpaquePointer, _ n: Int32, first: Bool) {
        writeASCII(first ? "[{" : ",\n{")
        for i in 0..<n {
            let name = sqlite3_column_name(stmt, i)
            writeJSONString(UnsafeRawPointer(name), count: name.map { strlen($0) } ?? 0)
            out.write(byte: UInt8(ascii: ":"))
            let type = sqlite3_column_type(stmt, i)
            switch type {
            case SQLITE_NULL:
                writeASCII("null")
            case SQLITE_FLOAT:
                let value = sqlite3_column_double(stmt, i)
                if value == .infinity {
                    writeASCII("1e999")
                } else if value == -.infinity {
                    writeASCII("-1e999")
                } else {
                    writeDouble(value)
                }
            case SQLITE_BLOB:
                let blob = sqlite3_column_blob(stmt, i)
                writeJSONString(blob, count: Int(sqlite3_column_bytes(stmt, i)))
            case SQLITE_TEXT:
                let text = sqlite3_column_text(stmt, i)
                writeJSONString(UnsafeRawPointer(text), count: text.map { strlen($0) } ?? 0)
            default:  // SQLITE_INTEGER: its decimal text, unquoted
                if let text = sqlite3_column_text(stmt, i) { writeCString(text) } else { writeASCII("null") }
            }
            if i < n - 1 { out.write(byte: UInt8(ascii: ",")) }
        }
        out.write(byte: UInt8(ascii: "}"))
    }

    /// Line mode right-aligns names to the longest one, at least 5 bytes.
    private func lineModeNameWidth(_ stmt: OpaquePointer, _ n: Int32) -> Int {
        var width = 5
        for i in 0..<n {
            if let name = sqlite3_column_name(stmt, i) { width = max(width, strlen(name)) }
        }
        return width
    }

    private func writeLineRow(_ stmt: OpaquePointer, _ n: Int32, first: Bool, nameWidth: Int) {
        if !first { out.write(rowSeparator) }
        for i in 0..<n {
            let name = sqlite3_column_name(stmt, i)
            let nameLength = name.map { strlen($0) } ?? 0
            out.write(byte: UInt8(ascii: " "), repeating: nameWidth - nameLength)
            writeCString(name)
            writeASCII(" = ")
            if let text = sqlite3_column_text(stmt, i) {
                writeCString(text)
            } else {
                writeNullValue()
            }
            out.write(rowSeparator)
        }
    }

    private func writeQuoteRow(_ stmt: OpaquePointer, _ n: Int32, first: Bool) {
        if first && settings.showHeaders {
            for i in 0..<n {
                if i > 0 { out.write(separator) }
                writeSQLString(UnsafeRawPointer(sqlite3_column_name(stmt, i)))
            }
            out.write(rowSeparator)
        }
        for i in 0..<n {
            if i > 0 { out.write(separator) }
            switch sqlite3_column_type(stmt, i) {
            case SQLITE_NULL:
                writeASCII("NULL")
            case SQLITE_TEXT:
                writeSQLString(UnsafeRawPointer(sqlite3_column_text(stmt, i)))
            case SQLITE_FLOAT:
                // Unlike json, sqlite3 3.40's quote mode has no 1e999 case: infinity is "Inf".
                writeDouble(sqlite3_column_double(stmt, i))
            case SQLITE_BLOB:
                writeHexBlob(sqlite3_column_blob(stmt, i), count: Int(sqlite3_column_bytes(stmt, i)))
            default:
                if let text = sqlite3_column_text(stmt, i) { writeCString(text) }
            }
        }
        out.write(rowSeparator)
    }

    // MARK: - EXPLAIN and EXPLAIN QUERY PLAN

    /// sqlite3's `eqp_render`: the rows of an EXPLAIN QUERY PLAN statement as a tree under
    /// `QUERY PLAN` (`|--` before a node with later siblings, `` `-- `` before the last).
    public func writeQueryPlan(_ statement: Statement) throws {
        let stmt = statement.sqliteHandle
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
        while try statement.step() {
            let text = sqlite3_column_text(stmt, 3).map { String(cString: $0) } ?? ""
            if text.hasPrefix("-") { render() }
            rows.append((sqlite3_column_int(stmt, 0), sqlite3_column_int(stmt, 1), text))
        }
        render()
    }

    /// sqlite3's MODE_Explain: the bytecode listing with fixed widths, loops indented.
    public func writeExplain(_ statement: Statement) throws {
        let stmt = statement.sqliteHandle
        let columnCount = Int(sqlite3_column_count(stmt))
        var rows: [[String?]] = []
        while try statement.step() {
            rows.append((0..<columnCount).map { i in sqlite3_column_text(stmt, Int32(i)).map { String(cString: $0) } })
        }
        let names = (0..<columnCount).map { sqlite3_column_name(stmt, Int32($0)).map { String(cString: $0) } ?? "" }
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

    /// sqlite3's MODE_Insert: `INSERT INTO t(cols) VALUES(…);` per row; values as SQL literals.
    private func writeInsertRow(_ stmt: OpaquePointer, _ n: Int32) {
        writeASCII("INSERT INTO ")
        out.write(settings.insertTable)
        if settings.showHeaders {
            out.write(byte: UInt8(ascii: "("))
            for i in 0..<n {
                if i > 0 { out.write(byte: UInt8(ascii: ",")) }
                let name = sqlite3_column_name(stmt, i).map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? []
                out.write(SQLLiteral.identifierIfNeeded(name))
            }
            out.write(byte: UInt8(ascii: ")"))
        }
        for i in 0..<n {
            writeASCII(i == 0 ? " VALUES(" : ",")
            switch sqlite3_column_type(stmt, i) {
            case SQLITE_NULL: writeASCII("NULL")
            case SQLITE_INTEGER:
                if let text = sqlite3_column_text(stmt, i) { writeCString(text) }
            case SQLITE_FLOAT: out.write(SQLLiteral.real(sqlite3_column_double(stmt, i)))
            case SQLITE_BLOB: writeHexBlob(sqlite3_column_blob(stmt, i), count: Int(sqlite3_column_bytes(stmt, i)), prefix: "X'")
            default:
                let text = sqlite3_column_text(stmt, i)
                out.write(SQLLiteral.escapedText(text.map { UnsafeRawPointer($0) }))
            }
        }
        writeASCII(");\n")
    }

    /// sqlite3's MODE_Html: `<TR><TD>…</TD>\n…</TR>\n`, `<TH>` for the header; no `<TABLE>`.
    private func writeHTMLRow(_ stmt: OpaquePointer, _ n: Int32, first: Bool) {
        if first && settings.showHeaders {
            writeASCII("<TR>")
            for i in 0..<n {
                writeASCII("<TH>")
                writeHTML(UnsafeRawPointer(sqlite3_column_name(stmt, i)))
                writeASCII("</TH>\n")
            }
            writeASCII("</TR>\n")
        }
        writeASCII("<TR>")
        for i in 0..<n {
            writeASCII("<TD>")
            if let text = sqlite3_column_text(stmt, i) {
                writeHTML(UnsafeRawPointer(text))
            } else {
                nullValue.withUnsafeBytes { writeHTML($0.baseAddress) }
            }
            writeASCII("</TD>\n")
        }
        writeASCII("</TR>\n")
    }

    /// sqlite3's MODE_Tcl: every value as a C string, separated by the column separator.
    private func writeTclRow(_ stmt: OpaquePointer, _ n: Int32, first: Bool) {
        if first && settings.showHeaders {
            for i in 0..<n {
                writeCQuoted(UnsafeRawPointer(sqlite3_column_name(stmt, i)))
                out.write(i == n - 1 ? rowSeparator : separator)
            }
        }
        for i in 0..<n {
            if let text = sqlite3_column_text(stmt, i) {
                writeCQuoted(UnsafeRawPointer(text))
            } else {
                nullValue.withUnsafeBytes { writeCQuoted($0.baseAddress) }
            }
            out.write(i == n - 1 ? rowSeparator : separator)
        }
    }

    /// sqlite3's `output_html_string`: `< & > " '` as entities, every other byte as is.
    private func writeHTML(_ zOrNil: UnsafeRawPointer?) {
        guard let z = zOrNil else { return }
        let bytes = z.assumingMemoryBound(to: UInt8.self)
        var k = 0
        var runStart = 0
        while bytes[k] != 0 {
            let entity: StaticString?
            switch bytes[k] {
            case UInt8(ascii: "<"): entity = "&lt;"
            case UInt8(ascii: "&"): entity = "&amp;"
            case UInt8(ascii: ">"): entity = "&gt;"
            case UInt8(ascii: "\""): entity = "&quot;"
            case UInt8(ascii: "'"): entity = "&#39;"
            default: entity = nil
            }
            if let entity {
                out.write(UnsafeRawBufferPointer(start: bytes + runStart, count: k - runStart))
                writeASCII(entity)
                runStart = k + 1
            }
            k += 1
        }
        out.write(UnsafeRawBufferPointer(start: bytes + runStart, count: k - runStart))
    }

    /// sqlite3 3.40's `output_c_string`: `"…"` with `\\ \" \t \n \r` and every byte that is
    /// not printable ASCII (control bytes, DEL, every byte of a non-ASCII character) as `\ooo`.
    private func writeCQuoted(_ zOrNil: UnsafeRawPointer?) {
        out.write(byte: UInt8(ascii: "\""))
        if let z = zOrNil {
            out.write(SQLLiteral.cEscaped(z.assumingMemoryBound(to: UInt8.self)))
        }
        out.write(byte: UInt8(ascii: "\""))
    }

    // MARK: - Value encodings

    /// sqlite3's `output_csv`: quote when the value is empty, holds a byte of
    /// `needsCSVQuote`, or contains the column separator; quotes inside are doubled.
    private func writeCSVField(_ zOrNil: UnsafeRawPointer?) {
        guard let z = zOrNil else {
            writeASCII("\"\"")  // a missing name prints as an empty value: ""
            return
        }
        let bytes = z.assumingMemoryBound(to: UInt8.self)
        let length = strlen(z.assumingMemoryBound(to: CChar.self))
        var quote = length == 0
        if !quote {
            for k in 0..<length where ResultFormatter.needsCSVQuote(bytes[k]) {
                quote = true
                break
            }
        }
        if !quote { quote = contains(bytes, length, separator) }
        guard quote else {
            out.write(UnsafeRawBufferPointer(start: z, count: length))
            return
        }
        writeDoubledQuotes(bytes, length, quote: UInt8(ascii: "\""))
    }

    /// sqlite3's `needCsvQuote` table: control characters, space, `"`, `'`, DEL and every
    /// byte of a non-ASCII character.
    private static func needsCSVQuote(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte == 0x22 || byte == 0x27 || byte >= 0x7f
    }

    /// `"…"` or `'…'` with the quote character doubled inside.
    private func writeDoubledQuotes(_ bytes: UnsafePointer<UInt8>, _ length: Int, quote: UInt8) {
        out.write(byte: quote)
        var runStart = 0
        for k in 0..<length where bytes[k] == quote {
            out.write(UnsafeRawBufferPointer(start: bytes + runStart, count: k + 1 - runStart))
            out.write(byte: quote)
            runStart = k + 1
        }
        out.write(UnsafeRawBufferPointer(start: bytes + runStart, count: length - runStart))
        out.write(byte: quote)
    }

    /// sqlite3's `output_quoted_string`: `'…'` with `'` doubled, nothing else escaped.
    private func writeSQLString(_ z: UnsafeRawPointer?) {
        guard let z else { return }
        let length = strlen(z.assumingMemoryBound(to: CChar.self))
        writeDoubledQuotes(z.assumingMemoryBound(to: UInt8.self), length, quote: UInt8(ascii: "'"))
    }

    /// sqlite3's `output_hex_blob`: `X'00ff41'` (`x'…'` for a quoted columnar value).
    private func writeHexBlob(_ blob: UnsafeRawPointer?, count: Int, prefix: StaticString = "X'") {
        writeASCII(prefix)
        if let blob {
            let digits: StaticString = "0123456789abcdef"
            let bytes = blob.assumingMemoryBound(to: UInt8.self)
            for k in 0..<count {
                out.write(byte: digits.utf8Start[Int(bytes[k] >> 4)])
                out.write(byte: digits.utf8Start[Int(bytes[k] & 0x0f)])
            }
        }
        out.write(byte: UInt8(ascii: "'"))
    }

    /// sqlite3's `output_json_string`: escapes `"`, `\` and control characters below 0x20;
    /// everything else, DEL and non-ASCII included, is copied as is.
    private func writeJSONString(_ z: UnsafeRawPointer?, count: Int) {
        out.write(byte: UInt8(ascii: "\""))
        if let z {
            let bytes = z.assumingMemoryBound(to: UInt8.self)
            var runStart = 0
            for k in 0..<count {
                let c = bytes[k]
                guard c <= 0x1f || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
                out.write(UnsafeRawBufferPointer(start: bytes + runStart, count: k - runStart))
                runStart = k + 1
                out.write(byte: UInt8(ascii: "\\"))
                switch c {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.write(byte: c)
                case 0x08: out.write(byte: UInt8(ascii: "b"))
                case 0x0c: out.write(byte: UInt8(ascii: "f"))
                case 0x0a: out.write(byte: UInt8(ascii: "n"))
                case 0x0d: out.write(byte: UInt8(ascii: "r"))
                case 0x09: out.write(byte: UInt8(ascii: "t"))
                default:
                    let digits: StaticString = "0123456789abcdef"
                    writeASCII("u00")
                    out.write(byte: digits.utf8Start[Int(c >> 4)])
                    out.write(byte: digits.utf8Start[Int(c & 0x0f)])
                }
            }
            out.write(UnsafeRawBufferPointer(start: bytes + runStart, count: count - runStart))
        }
        out.write(byte: UInt8(ascii: "\""))
    }

    /// `%!.20g`, SQLite's own formatting (the digits differ from the C library's).
    private func writeDouble(_ value: Double) {
        migsh_format_double(numberBuffer, ResultFormatter.numberBufferSize, value, 20)
        writeCString(numberBuffer)
    }

    // MARK: - Byte helpers

    private func writeCString(_ z: UnsafePointer<CChar>?) {
        guard let z else { return }
        out.write(UnsafeRawBufferPointer(start: z, count: strlen(z)))
    }

    private func writeCString(_ z: UnsafePointer<UInt8>?) {
        guard let z else { return }
        writeCString(UnsafeRawPointer(z).assumingMemoryBound(to: CChar.self))
    }

    /// Writes a literal. (`withUTF8Buffer`, not `utf8Start`: a one-character literal such as
    /// `"─"` may be stored as a scalar, without a pointer.)
    private func writeASCII(_ s: StaticString) {
        s.withUTF8Buffer { out.write(UnsafeRawBufferPointer($0)) }
    }

    private func writeNullValue() {
        nullValue.withUnsafeBytes { out.write(UnsafeRawBufferPointer(rebasing: $0.dropLast())) }
    }

    /// `strstr(z, needle) != 0`; an empty needle is found everywhere, as in C.
    private func contains(_ z: UnsafePointer<UInt8>, _ length: Int, _ needle: [UInt8]) -> Bool {
        guard let head = needle.first else { return true }
        guard needle.count <= length else { return false }
        return needle.withUnsafeBufferPointer { n in
            var k = 0
            while k + n.count <= length {
                if z[k] == head && memcmp(z + k, n.baseAddress!, n.count) == 0 { return true }
                k += 1
            }
            return false
        }
    }
}

// MARK: - Columnar modes (box, table, markdown, column)

/// NUL-terminated copies of one row's cells (`--quote` values), owned here so that the
/// pointers the display lines walk stay valid until the next row replaces them.
private final class CellStorage {
    private var cells: [UnsafeMutablePointer<UInt8>?]
    init(count: Int) { cells = Array(repeating: nil, count: count) }
    deinit { cells.forEach { $0?.deallocate() } }

    func store(_ bytes: [UInt8], at i: Int) -> UnsafePointer<UInt8> {
        cells[i]?.deallocate()
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count + 1)
        p.initialize(from: bytes, count: bytes.count)
        p[bytes.count] = 0
        cells[i] = p
        return UnsafePointer(p)
    }
}

extension ResultFormatter {
    /// Every display line of a columnar result, header first, as one byte arena.
    private struct ColumnarGrid {
        let columnCount: Int
        var bytes: [UInt8] = []
        /// Start of each cell in `bytes`; one more entry than cells, the last being the end.
        var cellStarts: [Int] = [0]
        /// Characters (UTF-8 lead bytes) per cell, sqlite3's `strlenChar`.
        var cellChars: [Int] = []
        /// Per data line: true when it ends a logical row (sqlite3's `abRowDiv`).
        var endsRow: [Bool] = []

        mutating func endCell() {
            var chars = 0
            for k in cellStarts[cellStarts.count - 1]..<bytes.count where bytes[k] & 0xc0 != 0x80 {
                chars += 1
            }
            cellChars.append(chars)
            cellStarts.append(bytes.count)
        }
        var cellCount: Int { cellChars.count }
    }

    fileprivate func writeColumnar(_ statement: Statement) throws -> Int {
        let stmt = statement.sqliteHandle
        guard try statement.step() else { return 0 }
        let n = Int(sqlite3_column_count(stmt))
        guard n > 0 else { return 0 }
        let widths = (0..<n).map { i in i < settings.columnWidths.count ? settings.columnWidths[i] : 0 }
        let wraps = widths.map { w in abs(w == 0 ? settings.wrapWidth : w) }
        let wordWrap = settings.wordWrap

        var grid = ColumnarGrid(columnCount: n)
        for i in 0..<n {
            // Names longer than the wrap width are cut, not wrapped.
            let name = sqlite3_column_name(stmt, Int32(i)).map {
                UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self)
            }
            _ = appendDisplayLine(name, maxWidth: wraps[i], wordWrap: wordWrap, into: &grid)
        }
        var rows = 0
        var multiLineRowExists = false
        // A row whose text spans several display lines is printed line by line; `tails` point
        // into the current row's column text, which stays valid until the next step:
        // > The pointers returned are valid until a type conversion occurs …, or until
        // > sqlite3_step() or sqlite3_reset() or sqlite3_finalize() is called.
        var tails = [UnsafePointer<UInt8>?](repeating: nil, count: n)
        let quoteValues = settings.quoteValues
        let quotedCells = CellStorage(count: n)
        var failure: (any Error)?
        nullValue.withUnsafeBufferPointer { null in
            var continuing = false
            while true {
                var more = false
                for i in 0..<n {
                    let z: UnsafePointer<UInt8>?
                    if continuing {
                        z = tails[i]
                    } else if quoteValues {
                        // --quote: the value as an SQL literal (sqlite3's quoted_column), kept
                        // alive for this row's display lines.
                        z = quotedCells.store(quotedColumn(stmt, Int32(i)), at: i)
                    } else {
                        z = sqlite3_column_text(stmt, Int32(i)) ?? null.baseAddress
                    }
                    tails[i] = appendDisplayLine(z, maxWidth: wraps[i], wordWrap: wordWrap, into: &grid)
                    if tails[i] != nil { more = true }
                }
                if !continuing { rows += 1 }
                grid.endsRow.append(!more)
                if more {
                    multiLineRowExists = true
                    continuing = true
                    continue
                }
                continuing = false
                do {
                    if try !statement.step() { break }
                } catch {
                    failure = error
                    break
                }
            }
        }
        printGrid(grid, fixedWidths: widths, multiLineRowExists: multiLineRowExists)
        if let failure { throw failure }
        return rows
    }

    /// sqlite3's `quoted_column` (`.mode box --quote`): NULL, numbers as text, text as `'…'`,
    /// blobs as `x'…'`.
    private func quotedColumn(_ stmt: OpaquePointer, _ i: Int32) -> [UInt8] {
        switch sqlite3_column_type(stmt, i) {
        case SQLITE_NULL: return Array("NULL".utf8)
        case SQLITE_INTEGER, SQLITE_FLOAT:
            guard let text = sqlite3_column_text(stmt, i) else { return [] }
            return Array(UnsafeBufferPointer(start: text, count: strlen(UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self))))
        case SQLITE_BLOB:
            return SQLLiteral.hexBlob(sqlite3_column_blob(stmt, i), count: Int(sqlite3_column_bytes(stmt, i)), prefix: "x'")
        default:
            // %Q of the C string.
            guard let text = sqlite3_column_text(stmt, i) else { return Array("NULL".utf8) }
            return SQLLiteral.quoted(text)
        }
    }

    /// sqlite3's `translateForDisplayAndDup`: appends the first display line of `z` (at most
    /// `maxWidth` characters, tabs expanded to stops of 8, ending at any other control
    /// character) as one cell, and returns where the next line starts, or nil.
    private func appendDisplayLine(
        _ zOrNil: UnsafePointer<UInt8>?, maxWidth: Int, wordWrap: Bool, into grid: inout ColumnarGrid
    ) -> UnsafePointer<UInt8>? {
        guard let z = zOrNil else {
            grid.endCell()
            return nil
        }
        let mx = maxWidth == 0 ? 1_000_000 : abs(maxWidth)
        var i = 0
        var n = 0
        while n < mx {
            if z[i] >= 0x20 {
                n += 1
                repeat { i += 1 } while z[i] & 0xc0 == 0x80
                continue
            }
            if z[i] == 0x09 {
                repeat { n += 1 } while n & 7 != 0 && n < mx
                i += 1
                continue
            }
            break
        }
        var k = i
        if n >= mx && wordWrap {
            // Back up (at most half the line) to a space, else to a word boundary.
            k = i
            while k > i / 2 && !isCSpace(z[k - 1]) { k -= 1 }
            if k <= i / 2 {
                k = i
                while k > i / 2 && !(isCAlnum(z[k - 1]) != isCAlnum(z[k]) && z[k] & 0xc0 != 0x80) { k -= 1 }
            }
            if k <= i / 2 {
                k = i
            } else {
                i = k
                while z[i] == 0x20 { i += 1 }
            }
        }
        let tail: UnsafePointer<UInt8>?
        if n >= mx && z[i] >= 0x20 {
            tail = z + i
        } else if z[i] == 0x0d && z[i + 1] == 0x0a {
            tail = z[i + 2] != 0 ? z + i + 2 : nil
        } else if z[i] == 0 || z[i + 1] == 0 {
            tail = nil
        } else {
            tail = z + i + 1
        }
        i = 0
        n = 0
        while i < k {
            if z[i] >= 0x20 {
                n += 1
                repeat {
                    grid.bytes.append(z[i])
                    i += 1
                } while z[i] & 0xc0 == 0x80
                continue
            }
            if z[i] == 0x09 {
                repeat {
                    n += 1
                    grid.bytes.append(0x20)
                } while n & 7 != 0 && n < mx
                i += 1
                continue
            }
            break
        }
        grid.endCell()
        return tail
    }

    private func isCSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0d) }
    private func isCAlnum(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
    }

    private func printGrid(_ grid: ColumnarGrid, fixedWidths: [Int], multiLineRowExists: Bool) {
        let n = grid.columnCount
        let mode = settings.mode
        var widths = fixedWidths.map { abs($0) }
        for cell in 0..<grid.cellCount {
            widths[cell % n] = max(widths[cell % n], grid.cellChars[cell])
        }
        let colSep: StaticString
        let rowSep: StaticString
        switch mode {
        case .column:
            colSep = "  "
            rowSep = "\n"
            if settings.showHeaders {
                for i in 0..<n {
                    printPadded(grid, cell: i, width: fixedWidths[i] < 0 ? -widths[i] : widths[i])
                    writeASCII(i == n - 1 ? "\n" : "  ")
                }
                for i in 0..<n {
                    out.write(byte: UInt8(ascii: "-"), repeating: widths[i])
                    writeASCII(i == n - 1 ? "\n" : "  ")
                }
            }
        case .table:
            colSep = " | "
            rowSep = " |\n"
            printRuleLine(widths, "+")
            writeASCII("| ")
            for i in 0..<n {
                printCentered(grid, cell: i, width: widths[i])
                writeASCII(i == n - 1 ? " |\n" : " | ")
            }
            printRuleLine(widths, "+")
        case .markdown:
            colSep = " | "
            rowSep = " |\n"
            writeASCII("| ")
            for i in 0..<n {
                printCentered(grid, cell: i, width: widths[i])
                writeASCII(i == n - 1 ? " |\n" : " | ")
            }
            printRuleLine(widths, "|")
        default:  // .box
            colSep = " │ "
            rowSep = " │\n"
            printBoxLine(widths, "┌", "┬", "┐")
            writeASCII("│ ")
            for i in 0..<n {
                printCentered(grid, cell: i, width: widths[i])
                writeASCII(i == n - 1 ? " │\n" : " │ ")
            }
            printBoxLine(widths, "├", "┼", "┤")
        }
        var j = 0
        for cell in n..<grid.cellCount {
            if j == 0 && mode != .column {
                if mode == .box { writeASCII("│ ") } else { writeASCII("| ") }
            }
            printPadded(grid, cell: cell, width: fixedWidths[j] < 0 ? -widths[j] : widths[j])
            if j == n - 1 {
                writeASCII(rowSep)
                if multiLineRowExists && grid.endsRow[cell / n - 1] && cell + 1 < grid.cellCount {
                    switch mode {
                    case .table: printRuleLine(widths, "+")
                    case .box: printBoxLine(widths, "├", "┼", "┤")
                    case .column: writeASCII("\n")
                    default: break
                    }
                }
                j = 0
            } else {
                writeASCII(colSep)
                j += 1
            }
        }
        switch mode {
        case .table: printRuleLine(widths, "+")
        case .box: printBoxLine(widths, "└", "┴", "┘")
        default: break
        }
    }

    private func withCell<R>(_ grid: ColumnarGrid, _ cell: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let start = grid.cellStarts[cell]
        let end = grid.cellStarts[cell + 1]
        return grid.bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// sqlite3's `utf8_width_print`: left-aligned in `width` characters (right-aligned when
    /// negative), cut to the width if longer.
    private func printPadded(_ grid: ColumnarGrid, cell: Int, width: Int) {
        let target = abs(width)
        withCell(grid, cell) { bytes in
            var chars = 0
            var cut = bytes.count
            var k = 0
            while k < bytes.count {
                if bytes[k] & 0xc0 != 0x80 {
                    chars += 1
                    if chars == target {
                        k += 1
                        while k < bytes.count && bytes[k] & 0xc0 == 0x80 { k += 1 }
                        cut = k
                        break
                    }
                }
                k += 1
            }
            if chars >= target {
                out.write(UnsafeRawBufferPointer(rebasing: bytes[0..<cut]))
            } else if width < 0 {
                out.write(byte: 0x20, repeating: target - chars)
                out.write(bytes)
            } else {
                out.write(bytes)
                out.write(byte: 0x20, repeating: target - chars)
            }
        }
    }

    private func printCentered(_ grid: ColumnarGrid, cell: Int, width: Int) {
        let chars = grid.cellChars[cell]
        out.write(byte: 0x20, repeating: (width - chars) / 2)
        withCell(grid, cell) { out.write($0) }
        out.write(byte: 0x20, repeating: (width - chars + 1) / 2)
    }

    /// sqlite3's `print_row_separator`: `+------+----+` (table) or `|------|----|` (markdown).
    private func printRuleLine(_ widths: [Int], _ joint: StaticString) {
        for w in widths {
            writeASCII(joint)
            out.write(byte: UInt8(ascii: "-"), repeating: w + 2)
        }
        writeASCII(joint)
        writeASCII("\n")
    }

    /// sqlite3's `print_box_row_separator` with `─` lines.
    private func printBoxLine(_ widths: [Int], _ left: StaticString, _ middle: StaticString, _ right: StaticString) {
        for (i, w) in widths.enumerated() {
            writeASCII(i == 0 ? left : middle)
            for _ in 0..<(w + 2) { writeASCII("─") }
        }
        writeASCII(right)
        writeASCII("\n")
    }
}
