import ArgumentParser
import MigshCore

/// `.mode [MODE] [TABLE] [--wrap N] [--wordwrap on|off] [--ww] [--quote|--noquote]`: the output
/// mode for SQL results, parsed as sqlite3 3.40 parses it (a mode is any prefix of its name, in
/// sqlite3's order; the options matter for column, box, table and markdown); with no mode, the
/// current one.
struct ModeCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".mode",
        abstract: "Set the output mode: " + OutputMode.allCases.filter { $0 != .count && $0 != .off }.map(\.rawValue).joined(separator: ", ") + "; no argument shows it.",
        discussion: """
        Options for column, box, table and markdown: --wrap N (cell width, default 60),
        --wordwrap on|off (break between words), --ww (the same as --wordwrap on), --quote (values
        as SQL literals). insert takes a table name: .mode insert Projects.
        Example: .mode box --wrap 30
        """)

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The mode, a table name for insert, options.", valueName: "mode"), completion: .list(OutputMode.allCases.map(\.rawValue) + ["qbox"])) var words: [String] = []

    struct Output: CommandOutput {
        static let jsonDescription = "one JSON object: mode (with no argument)"
        var mode: String
    }

    static let optionsHelp = "options:\n  --noquote\n  --quote\n  --wordwrap on/off\n  --wrap N\n  --ww"

    func run(in shell: Shell) throws {
        var wrap = 60
        var wordWrap = false
        var quote = false
        var mode: OutputMode?
        var table: String?
        var i = 0
        while i < words.count {
            let word = words[i]
            let option = word.hasPrefix("--") ? String(word.dropFirst()) : word
            if option == "-wrap" && i + 1 < words.count {
                i += 1
                wrap = Int(clamping: leadingInteger(words[i]))
            } else if option == "-ww" {
                wordWrap = true
            } else if option == "-wordwrap" && i + 1 < words.count {
                i += 1
                wordWrap = try booleanValue(words[i], in: shell)
            } else if option == "-quote" {
                quote = true
            } else if option == "-noquote" {
                quote = false
            } else if mode == nil {
                if word == "qbox" {
                    mode = .box
                    (wrap, wordWrap, quote) = (60, false, true)
                } else if let m = OutputMode.matching(word) {
                    mode = m
                } else {
                    throw MigshError(.usage, "mode should be one of: ascii box column csv html insert json line list markdown qbox quote table tabs tcl")
                }
            } else if table == nil {
                table = word
            } else if word.hasPrefix("-") {
                throw MigshError(.usage, "unknown option: \(word)\n" + Self.optionsHelp)
            } else {
                throw MigshError(.usage, "extra argument: \"\(word)\"")
            }
            i += 1
        }
        guard let mode else {
            // sqlite3 prints the current mode (and then re-applies it with default options;
            // migsh leaves the settings as they are: showing them changes nothing).
            let current = shell.session.output
            var text = "current output mode: \(current.mode.displayName)"
            if current.mode.isColumnar {
                text += " --wrap \(current.wrapWidth) --wordwrap \(current.wordWrap ? "on" : "off") --\(current.quoteValues ? "" : "no")quote"
            }
            try Self.emit(Output(mode: current.mode.rawValue), in: shell) { text }
            return
        }
        var output = shell.session.output
        output.setMode(mode)
        if mode.isColumnar {
            output.wrapWidth = abs(wrap)
            output.wordWrap = wordWrap
            output.quoteValues = quote
        }
        if mode == .insert, let table {
            output.insertTable = SQLLiteral.identifierIfNeeded(table)
        }
        shell.session.output = output
    }
}

/// sqlite3's `booleanValue`: a number (nonzero is on), on/yes, off/no; anything else warns and
/// counts as off.
func booleanValue(_ word: String, in shell: Shell) throws -> Bool {
    booleanNumber(word, in: shell) != 0
}

/// sqlite3's `booleanValue` as the int it returns: a number's low 32 bits (`.session enable 5`
/// passes 5 on), 1 for on/yes, 0 for off/no and, with a warning, anything else.
func booleanNumber(_ word: String, in shell: Shell) -> Int32 {
    // Digits only (or 0x and hex digits) are a number; "-1" and "true" are not booleans there.
    let bytes = Array(word.utf8)
    let hex = bytes.starts(with: Array("0x".utf8))
    let digits = bytes.dropFirst(hex ? 2 : 0).prefix {
        hex ? Character(Unicode.Scalar($0)).isHexDigit : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
    }.count
    if (hex || digits > 0) && (hex ? 2 : 0) + digits == bytes.count { return Int32(truncatingIfNeeded: integerValue(word) & 0xffff_ffff) }
    switch word.lowercased() {
    case "on", "yes": return 1
    case "off", "no": return 0
    default:
        shell.err.write("ERROR: Not a boolean value: \"\(word)\". Assuming \"no\".\n")
        return 0
    }
}
