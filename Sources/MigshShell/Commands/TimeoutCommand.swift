import ArgumentParser
import MigshCore

/// `.timeout MS`: how long statements wait for another process's lock (the busy timeout).
struct TimeoutCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".timeout", abstract: "Wait up to MS milliseconds for another process's lock.",
        discussion: "Example: .timeout 10000")
    static let wordsRead: Int? = 1
    @Argument(help: ArgumentHelp("Milliseconds (none: 0, no waiting).", valueName: "ms"), completion: .nothing) var milliseconds: String?
    func run(in shell: Shell) throws {
        // sqlite3 reads the number's leading digits (a word that is not a number is 0; none is 0).
        let value = Int32(clamping: leadingInteger(milliseconds ?? "0"))
        shell.session.db.setBusyTimeout(value)
        shell.session.configuration.busyTimeoutMS = max(0, value)
    }
}

/// sqlite3's `integerValue` for plain decimal input: the leading digits (with a sign), else 0.
func leadingInteger(_ text: String) -> Int64 {
    var digits = text.drop { $0 == " " }
    var sign: Int64 = 1
    if let first = digits.first, first == "-" || first == "+" {
        sign = first == "-" ? -1 : 1
        digits = digits.dropFirst()
    }
    var value: Int64 = 0
    for c in digits {
        guard let d = c.wholeNumberValue, c.isASCII else { break }
        let (next, overflow) = value.multipliedReportingOverflow(by: 10)
        guard !overflow else { return sign * Int64.max }
        value = next + Int64(d)
    }
    return sign * value
}
