import Glibc
import MigshCore

// The modes that print each row as it comes: list (tabs, ascii), csv, json, line, quote,
// insert, html and tcl, as sqlite3 3.40's `shell_callback` prints them.
extension ResultFormatter {
    func writeListRow(_ row: Statement.Row, _ n: Int, first: Bool) {
        if first && settings.showHeaders {
            for i in 0..<n {
                writeCString(row.name(i))
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
                        if let text = row.text(i) {
                            out.write(UnsafeRawBufferPointer(start: text, count: cStringLength(text)))
                        } else {
                            out.write(null)
                        }
                        out.write(i < n - 1 ? separator : rowSeparator)
                    }
                }
            }
        }
    }

    func writeCSVRow(_ row: Statement.Row, _ n: Int, first: Bool) {
        if first && settings.showHeaders {
            for i in 0..<n {
                writeCSVField(UnsafeRawPointer(row.name(i)))
                if i < n - 1 { out.write(separator) }
            }
            out.write(rowSeparator)
        }
        for i in 0..<n {
            if let text = row.text(i) {
                writeCSVField(UnsafeRawPointer(text))
            } else {
                writeNullValue()
            }
            if i < n - 1 { out.write(separator) }
        }
        out.write(rowSeparator)
    }

    func writeJSONRow(_ row: Statement.Row, _ n: Int, first: Bool) {
        writeASCII(first ? "[{" : ",\n{")
        for i in 0..<n {
            let name = row.name(i)
            writeJSONString(UnsafeRawPointer(name), count: name.map(cStringLength) ?? 0)
            out.write(byte: UInt8(ascii: ":"))
            switch row.type(i) {
            case .null:
                writeASCII("null")
            case .float:
                let value = row.double(i)
                if value == .infinity {
                    writeASCII("1e999")
                } else if value == -.infinity {
                    writeASCII("-1e999")
                } else {
                    writeDouble(value)
                }
            case .blob:
                let blob = row.blob(i)
                writeJSONString(blob.baseAddress, count: blob.count)
            case .text:
                let text = row.text(i)
                writeJSONString(UnsafeRawPointer(text), count: text.map(cStringLength) ?? 0)
            case .integer:  // its decimal text, unquoted
                if let text = row.text(i) { writeCString(text) } else { writeASCII("null") }
            }
            if i < n - 1 { out.write(byte: UInt8(ascii: ",")) }
        }
        out.write(byte: UInt8(ascii: "}"))
    }

    /// Line mode right-aligns names to the longest one, at least 5 bytes.
    func lineModeNameWidth(_ row: Statement.Row, _ n: Int) -> Int {
        var width = 5
        for i in 0..<n {
            if let name = row.name(i) { width = max(width, cStringLength(name)) }
        }
        return width
    }

    func writeLineRow(_ row: Statement.Row, _ n: Int, first: Bool, nameWidth: Int) {
        if !first { out.write(rowSeparator) }
        for i in 0..<n {
            let name = row.name(i)
            let nameLength = name.map(cStringLength) ?? 0
            out.write(byte: UInt8(ascii: " "), repeating: nameWidth - nameLength)
            writeCString(name)
            writeASCII(" = ")
            if let text = row.text(i) {
                writeCString(text)
            } else {
                writeNullValue()
            }
            out.write(rowSeparator)
        }
    }

    func writeQuoteRow(_ row: Statement.Row, _ n: Int, first: Bool) {
        if first && settings.showHeaders {
            for i in 0..<n {
                if i > 0 { out.write(separator) }
                writeSQLString(UnsafeRawPointer(row.name(i)))
            }
            out.write(rowSeparator)
        }
        for i in 0..<n {
            if i > 0 { out.write(separator) }
            switch row.type(i) {
            case .null:
                writeASCII("NULL")
            case .text:
                writeSQLString(UnsafeRawPointer(row.text(i)))
            case .float:
                // Unlike json, sqlite3 3.40's quote mode has no 1e999 case: infinity is "Inf".
                writeDouble(row.double(i))
            case .blob:
                let blob = row.blob(i)
                writeHexBlob(blob.baseAddress, count: blob.count)
            case .integer:
                if let text = row.text(i) { writeCString(text) }
            }
        }
        out.write(rowSeparator)
    }

    /// sqlite3's MODE_Insert: `INSERT INTO t(cols) VALUES(…);` per row; values as SQL literals.
    func writeInsertRow(_ row: Statement.Row, _ n: Int) {
        writeASCII("INSERT INTO ")
        out.write(settings.insertTable)
        if settings.showHeaders {
            out.write(byte: UInt8(ascii: "("))
            for i in 0..<n {
                if i > 0 { out.write(byte: UInt8(ascii: ",")) }
                let name = row.name(i).map { Array(UnsafeBufferPointer(start: $0, count: cStringLength($0))) } ?? []
                out.write(SQLLiteral.identifierIfNeeded(name))
            }
            out.write(byte: UInt8(ascii: ")"))
        }
        for i in 0..<n {
            writeASCII(i == 0 ? " VALUES(" : ",")
            switch row.type(i) {
            case .null: writeASCII("NULL")
            case .integer:
                if let text = row.text(i) { writeCString(text) }
            case .float: out.write(SQLLiteral.real(row.double(i)))
            case .blob:
                let blob = row.blob(i)
                writeHexBlob(blob.baseAddress, count: blob.count, prefix: "X'")
            case .text:
                out.write(SQLLiteral.escapedText(UnsafeRawPointer(row.text(i))))
            }
        }
        writeASCII(");\n")
    }

    /// sqlite3's MODE_Html: `<TR><TD>…</TD>\n…</TR>\n`, `<TH>` for the header; no `<TABLE>`.
    func writeHTMLRow(_ row: Statement.Row, _ n: Int, first: Bool) {
        if first && settings.showHeaders {
            writeASCII("<TR>")
            for i in 0..<n {
                writeASCII("<TH>")
                writeHTML(UnsafeRawPointer(row.name(i)))
                writeASCII("</TH>\n")
            }
            writeASCII("</TR>\n")
        }
        writeASCII("<TR>")
        for i in 0..<n {
            writeASCII("<TD>")
            if let text = row.text(i) {
                writeHTML(UnsafeRawPointer(text))
            } else {
                nullValue.withUnsafeBytes { writeHTML($0.baseAddress) }
            }
            writeASCII("</TD>\n")
        }
        writeASCII("</TR>\n")
    }

    /// sqlite3's MODE_Tcl: every value as a C string, separated by the column separator.
    func writeTclRow(_ row: Statement.Row, _ n: Int, first: Bool) {
        if first && settings.showHeaders {
            for i in 0..<n {
                writeCQuoted(UnsafeRawPointer(row.name(i)))
                out.write(i == n - 1 ? rowSeparator : separator)
            }
        }
        for i in 0..<n {
            if let text = row.text(i) {
                writeCQuoted(UnsafeRawPointer(text))
            } else {
                nullValue.withUnsafeBytes { writeCQuoted($0.baseAddress) }
            }
            out.write(i == n - 1 ? rowSeparator : separator)
        }
    }
}
