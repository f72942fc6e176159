import Glibc
import MigshBase
import MigshCore

/// Prints the rows of one prepared statement the way the sqlite3 3.40 shell prints them.
///
/// The rules are sqlite3's `shell_callback` (streaming modes) and
/// `exec_prepared_stmt_columnar` (box, table, markdown, column). List, tabs, csv, json, line
/// and quote stream row by row straight from the statement's row (`Statement.Row`, SQLite's
/// own buffers) into the `OutputBuffer`; only the columnar modes keep the result, because
/// they must know every width before printing the first line.
///
/// Like sqlite3, values are read as C strings: text (or a blob) that contains a NUL byte is
/// printed up to that byte, except in json (blobs in full) and quote (blobs as `X'…'`).
///
/// One file for each reason to change: this one steps the statement and writes bytes; the
/// streaming modes (`+Streaming`), how values are escaped and quoted (`+Escaping`), the
/// EXPLAIN layouts (`+Explain`) and the columnar grid (`+Grid`) have their own.
public final class ResultFormatter {
    public var settings: OutputSettings {
        didSet { cacheSettings() }
    }
    /// Where rows go: the session's current output (`.output` and `.once` change it).
    // Read for every value of every row: without the runtime's exclusivity bookkeeping. They
    // change only between statements (settings, `.output`), never while rows are written.
    @exclusivity(unchecked) var out: OutputBuffer
    @exclusivity(unchecked) var separator: [UInt8] = []
    @exclusivity(unchecked) var rowSeparator: [UInt8] = []
    /// NUL-terminated, because the columnar path walks it like column text.
    @exclusivity(unchecked) var nullValue: [UInt8] = [0]

    public init(settings: OutputSettings, out: OutputBuffer) {
        self.settings = settings
        self.out = out
        cacheSettings()
    }

    private func cacheSettings() {
        // `.separator` and `.nullvalue` words may carry bytes that are not UTF-8: written as given.
        separator = CarriedBytes.bytes(of: settings.separator)
        rowSeparator = CarriedBytes.bytes(of: settings.rowSeparator)
        nullValue = CarriedBytes.bytes(of: settings.nullValue) + [0]
    }

    /// Steps `statement` to completion (through the core's `Statement.step`), printing every
    /// row; returns the number of rows. A failed step throws the core's `MigshError`, after
    /// what sqlite3 prints by then (the rows so far, and in json the closing `]`).
    public func write(_ statement: Statement) throws -> Int {
        if settings.mode.isColumnar {
            return try writeColumnar(statement)
        }
        guard try statement.step() else { return 0 }
        if settings.mode == .off || settings.mode == .count {
            var rows = 1
            while try statement.step() { rows += 1 }
            if settings.mode == .count { out.write("\(rows) row\(rows == 1 ? "" : "s")\n") }
            return rows
        }
        let row = statement.row
        let columnCount = row.columnCount
        let lineNameWidth = settings.mode == .line ? lineModeNameWidth(row, columnCount) : 0
        var rows = 0
        repeat {
            switch settings.mode {
            case .list, .tabs: writeListRow(row, columnCount, first: rows == 0)
            case .csv: writeCSVRow(row, columnCount, first: rows == 0)
            case .json: writeJSONRow(row, columnCount, first: rows == 0)
            case .line: writeLineRow(row, columnCount, first: rows == 0, nameWidth: lineNameWidth)
            case .quote: writeQuoteRow(row, columnCount, first: rows == 0)
            case .insert: writeInsertRow(row, columnCount)
            case .html: writeHTMLRow(row, columnCount, first: rows == 0)
            case .tcl: writeTclRow(row, columnCount, first: rows == 0)
            case .ascii: writeListRow(row, columnCount, first: rows == 0)
            case .box, .table, .markdown, .column, .count, .off: break  // handled above
            }
            rows += 1
            // The pager was quit (q): the rest of a query's rows would be dropped, so they are
            // not computed (an endless query gives the prompt back). A statement that writes
            // runs to its end.
            if out.isBroken && out.pagerQuit && statement.isReadOnly { break }
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

    // MARK: - Byte helpers

    func writeCString(_ z: UnsafePointer<CChar>?) {
        guard let z else { return }
        out.write(UnsafeRawBufferPointer(start: z, count: strlen(z)))
    }

    func writeCString(_ z: UnsafePointer<UInt8>?) {
        guard let z else { return }
        writeCString(UnsafeRawPointer(z).assumingMemoryBound(to: CChar.self))
    }

    /// Writes a literal. (`withUTF8Buffer`, not `utf8Start`: a one-character literal such as
    /// `"─"` may be stored as a scalar, without a pointer.)
    func writeASCII(_ s: StaticString) {
        s.withUTF8Buffer { out.write(UnsafeRawBufferPointer($0)) }
    }

    func writeNullValue() {
        nullValue.withUnsafeBytes { out.write(UnsafeRawBufferPointer(rebasing: $0.dropLast())) }
    }
}

/// The length of the C string at `z` (`strlen` on bytes).
func cStringLength(_ z: UnsafePointer<UInt8>) -> Int {
    strlen(UnsafeRawPointer(z).assumingMemoryBound(to: CChar.self))
}
