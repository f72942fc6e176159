import ArgumentParser
import MigshCore

/// `.width N1 N2 …`: column widths for column, box, table and markdown (0 automatic, negative
/// right-aligned); no argument clears them.
struct WidthCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".width", abstract: "Set column widths for column, box, table and markdown (negative: right-aligned).",
        discussion: "Example: .width 12 -8 0")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("Widths, one per column.", valueName: "n"), completion: .nothing) var widths: [String] = []
    func run(in shell: Shell) throws {
        shell.session.output.columnWidths = widths.map { Int(clamping: integerValue($0)) }
    }
}

/// sqlite3's `integerValue`: a sign, decimal or 0x hex digits, then an optional size suffix
/// (KiB, MiB, GiB, KB, MB, GB, K, M, G); what does not parse is 0.
func integerValue(_ text: String) -> Int64 {
    var bytes = Substring(text)
    var negative = false
    if bytes.first == "-" { negative = true; bytes = bytes.dropFirst() } else if bytes.first == "+" { bytes = bytes.dropFirst() }
    var value: Int64 = 0
    if bytes.hasPrefix("0x") || bytes.hasPrefix("0X") {
        bytes = bytes.dropFirst(2)
        while let c = bytes.first, let d = c.hexDigitValue, c.isASCII {
            value = value &* 16 &+ Int64(d)
            bytes = bytes.dropFirst()
        }
    } else {
        while let c = bytes.first, let d = c.wholeNumberValue, c.isASCII {
            value = value &* 10 &+ Int64(d)
            bytes = bytes.dropFirst()
        }
        let multipliers: [(String, Int64)] = [("KiB", 1024), ("MiB", 1024 * 1024), ("GiB", 1024 * 1024 * 1024),
                                              ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000),
                                              ("K", 1000), ("M", 1_000_000), ("G", 1_000_000_000)]
        if let (_, m) = multipliers.first(where: { $0.0.lowercased() == bytes.lowercased() }) { value = value &* m }
    }
    return negative ? -value : value
}
