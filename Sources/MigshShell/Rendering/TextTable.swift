import FoundationEssentials
import MigshBase
/// migsh's own listings as columns: padded, two spaces apart, and — on a terminal — fitted to
/// its width by shortening the cells of the columns chosen to shrink (a description, a
/// statement, an error text) with `…`. An identifier or a file name a person would copy is
/// never shortened: when the table cannot fit without that, each row becomes a block of
/// `title | value` lines (psql's expanded display), where prose wraps between words. Batch
/// and `--json` output stay complete (`width` nil).
struct TextTable {
    struct Column {
        var title: String
        /// Shortened first when the table is wider than the terminal.
        var shrinks = false
        /// Shortened in the middle, keeping the end.
        var keepsEnd = false
        /// Prose (an error, a description): in a block, it wraps between words rather than
        /// being shortened.
        var wraps = false
        init(_ title: String, shrinks: Bool = false, keepsEnd: Bool = false, wraps: Bool = false) {
            self.title = title
            self.shrinks = shrinks || wraps
            self.keepsEnd = keepsEnd
            self.wraps = wraps
        }
    }

    var columns: [Column]
    var rows: [[String]]

    init(_ columns: [Column], _ rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }

    func render(width: Int?) -> String {
        let n = columns.count
        var widths = columns.map(\.title.count)
        for row in rows { for (i, cell) in row.enumerated() where i < n { widths[i] = max(widths[i], cell.count) } }
        if let width {
            var total = widths.reduce(0, +) + 2 * (n - 1)
            let floors = columns.indices.map { max(columns[$0].title.count, min(widths[$0], 10)) }
            // The widest shrinking column loses a column at a time, so they shrink together;
            // a statement or a name before prose (an error's text is what a person came for).
            for prose in [false, true] {
                let shrinking = columns.indices.filter { columns[$0].shrinks && columns[$0].wraps == prose }
                while total > width, let i = shrinking.filter({ widths[$0] > floors[$0] }).max(by: { widths[$0] < widths[$1] }) {
                    widths[i] -= 1
                    total -= 1
                }
            }
            // The rest cannot shrink: one block a row.
            if total > width { return records(width: width) }
        }
        func line(_ cells: [String]) -> String {
            var out = ""
            for i in 0..<n {
                let cell = i < cells.count ? cells[i] : ""
                let fitted = cell.count <= widths[i] ? cell : TextTable.shorten(cell, to: widths[i], keepingEnd: columns[i].keepsEnd)
                // Padded by characters, as the widths are counted (`padded(toLength:)` counts
                // UTF-16 units: a carried byte of a name that is not UTF-8 is two, issue 22).
                out += i == n - 1 ? fitted : fitted + String(repeating: " ", count: max(0, widths[i] - fitted.count)) + "  "
            }
            while out.hasSuffix(" ") { out.removeLast() }
            return out
        }
        return ([line(columns.map(\.title))] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    /// psql's expanded display: `-[ RECORD 1 ]`, then one `title | value` line per column;
    /// prose wraps under its value, other shrinking cells are shortened, the rest stay whole
    /// (an identifier longer than the terminal is the terminal's to wrap).
    /// `showsEmpty`: a line for an empty value too (a query's NULL), not only for the filled ones.
    func records(width: Int, showsEmpty: Bool = false) -> String {
        let titleWidth = columns.map(\.title.count).max() ?? 0
        let valueWidth = max(8, width - titleWidth - 3)
        // The rule under each record's title as wide as its widest line, the terminal at most.
        let widest = titleWidth + 3 + (rows.flatMap { $0 }.map(\.count).max() ?? 0)
        var text = ""
        for (r, row) in rows.enumerated() {
            let head = "-[ RECORD \(r + 1) ]"
            text += head + String(repeating: "-", count: max(0, min(width, widest) - head.count)) + "\n"
            for (i, column) in columns.enumerated() {
                let cell = i < row.count ? row[i] : ""
                if cell.isEmpty && !showsEmpty { continue }
                let title = column.title.padded(toLength: titleWidth) + " | "
                var lines = [cell]
                if column.wraps {
                    lines = TextLayout.wrapLine(cell, width: valueWidth, hang: "")
                } else if column.shrinks && cell.count > valueWidth {
                    lines = [TextTable.shorten(cell, to: valueWidth, keepingEnd: column.keepsEnd)]
                }
                text += title + lines[0] + "\n"
                for more in lines.dropFirst() {
                    text += String(repeating: " ", count: titleWidth) + " | " + more + "\n"
                }
            }
        }
        return text
    }

    /// `text` in `width` characters with `…`: its start, or its start and end.
    static func shorten(_ text: String, to width: Int, keepingEnd: Bool) -> String {
        guard width > 1 else { return String(text.prefix(width)) }
        guard keepingEnd, width > 6 else { return String(text.prefix(width - 1)) + "…" }
        let tail = (width - 1) * 2 / 3
        return String(text.prefix(width - 1 - tail)) + "…" + String(text.suffix(tail))
    }
}
