import Foundation
/// migsh's own listings as columns: padded, two spaces apart, and — on a terminal — fitted to
/// its width by shortening the cells of the columns chosen to shrink (a description, a
/// path) with `…`, never by letting the terminal wrap them mid-word. Batch and `--json`
/// output stay complete (`width` nil).
struct TextTable {
    struct Column {
        var title: String
        /// Shortened first when the table is wider than the terminal.
        var shrinks = false
        /// Shortened in the middle, keeping the end (a file name's date and extension).
        var keepsEnd = false
        init(_ title: String, shrinks: Bool = false, keepsEnd: Bool = false) {
            self.title = title
            self.shrinks = shrinks
            self.keepsEnd = keepsEnd
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
            let floors = columns.indices.map { max(columns[$0].title.count, min(widths[$0], 8)) }
            // The widest shrinking column loses a column at a time, so they shrink together;
            // then, if need be, the others from the right.
            let shrinking = columns.indices.filter { columns[$0].shrinks }
            while total > width, let i = shrinking.filter({ widths[$0] > floors[$0] }).max(by: { widths[$0] < widths[$1] }) {
                widths[i] -= 1
                total -= 1
            }
            for i in columns.indices.reversed() where total > width && !columns[i].shrinks {
                let cut = min(widths[i] - floors[i], total - width)
                widths[i] -= cut
                total -= cut
            }
        }
        func line(_ cells: [String]) -> String {
            var out = ""
            for i in 0..<n {
                let cell = i < cells.count ? cells[i] : ""
                let fitted = cell.count <= widths[i] ? cell : TextTable.shorten(cell, to: widths[i], keepingEnd: columns[i].keepsEnd)
                out += i == n - 1 ? fitted : fitted.padding(toLength: widths[i], withPad: " ", startingAt: 0) + "  "
            }
            while out.hasSuffix(" ") { out.removeLast() }
            return out
        }
        return ([line(columns.map(\.title))] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    /// `text` in `width` characters with `…`: its start, or its start and end.
    static func shorten(_ text: String, to width: Int, keepingEnd: Bool) -> String {
        guard width > 1 else { return String(text.prefix(width)) }
        guard keepingEnd, width > 6 else { return String(text.prefix(width - 1)) + "…" }
        let tail = (width - 1) * 2 / 3
        return String(text.prefix(width - 1 - tail)) + "…" + String(text.suffix(tail))
    }
}

/// Text made to fit `width` columns: a longer line breaks between words, its continuation
/// indented under the line's own indentation (plus two); nothing changes without a width. A
/// single word longer than the width (a path, a hash) stays whole.
func wrapText(_ text: String, width: Int?) -> String {
    guard let width, width > 20 else { return text }
    var out: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        guard line.count > width else { out.append(String(line)); continue }
        let indent = String(line.prefix { $0 == " " })
        var current = indent
        var first = true
        for word in line.dropFirst(indent.count).split(separator: " ") {
            if first {
                current += word
                first = false
            } else if current.count + 1 + word.count > width {
                out.append(current)
                current = indent + "  " + word
            } else {
                current += " " + word
            }
        }
        out.append(current)
    }
    return out.joined(separator: "\n")
}
