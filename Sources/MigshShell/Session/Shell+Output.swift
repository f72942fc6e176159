import Foundation
import MigshCore

extension Shell {
    /// Prints a migsh command's result: one JSON document with --json, else the text.
    func emit(_ value: some Encodable, text: () -> String) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            out.write(String(decoding: try encoder.encode(value), as: UTF8.self) + "\n")
        } else {
            let t = text()
            out.write(t.hasSuffix("\n") || t.isEmpty ? t : t + "\n")
        }
        out.flush()
    }

    /// Informational progress lines go to standard error, so that standard output carries
    /// only results (and stays one JSON document with --json).
    func note(_ text: String) {
        err.write(text + "\n")
        err.flush()
    }
}

/// Pads columns of text for human-readable listings.
func formatTable(_ header: [String], _ rows: [[String]]) -> String {
    var widths = header.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in
            i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
}

