import MigshCore

// The columnar modes (box, table, markdown, column) as sqlite3 3.40's
// `exec_prepared_stmt_columnar` lays them out: every row read first, then the grid.

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

    func writeColumnar(_ statement: Statement) throws -> Int {
        guard try statement.step() else { return 0 }
        let row = statement.row
        let n = row.columnCount
        guard n > 0 else { return 0 }
        let widths = (0..<n).map { i in i < settings.columnWidths.count ? settings.columnWidths[i] : 0 }
        let wraps = widths.map { w in abs(w == 0 ? settings.wrapWidth : w) }
        let wordWrap = settings.wordWrap

        var grid = ColumnarGrid(columnCount: n)
        for i in 0..<n {
            // Names longer than the wrap width are cut, not wrapped.
            _ = appendDisplayLine(row.name(i), maxWidth: wraps[i], wordWrap: wordWrap, into: &grid)
        }
        var rows = 0
        var multiLineRowExists = false
        // A row whose text spans several display lines is printed line by line; `tails` point
        // into the current row's column text, which stays valid until the next step
        // (`Statement.row`).
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
                        z = quotedCells.store(quotedColumn(row, i), at: i)
                    } else {
                        z = row.text(i) ?? null.baseAddress
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
    private func quotedColumn(_ row: Statement.Row, _ i: Int) -> [UInt8] {
        switch row.type(i) {
        case .null: return Array("NULL".utf8)
        case .integer, .float:
            guard let text = row.text(i) else { return [] }
            return Array(UnsafeBufferPointer(start: text, count: cStringLength(text)))
        case .blob:
            let blob = row.blob(i)
            return SQLLiteral.hexBlob(blob.baseAddress, count: blob.count, prefix: "x'")
        case .text:
            // %Q of the C string.
            guard let text = row.text(i) else { return Array("NULL".utf8) }
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
