import ArgumentParser
import MigshCore

/// `.testctrl CMD ...`: sqlite3 3.40's test controls (`TestControl`, `sqlite3_test_control`),
/// with its list, prefixes, usage lines and output. Tools for SQLite's developers: some
/// (`never_corrupt`, `imposter`, `pending_byte`) can make a database unreadable.
struct TestctrlCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".testctrl", abstract: "Run various sqlite3_test_control() operations.",
        discussion: "Example: .testctrl byteorder   (.testctrl --help lists them)")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The control and its arguments.", valueName: "words"), completion: .list(controls.map(\.name))) var words: [String] = []

    /// sqlite3 3.40's aCtrl: name, refused under -safe, usage.
    static let controls: [(name: String, unsafe: Bool, usage: String)] = [
        ("always", true, "BOOLEAN"), ("assert", true, "BOOLEAN"), ("byteorder", false, ""),
        ("extra_schema_checks", false, "BOOLEAN"), ("imposter", true, "SCHEMA ON/OFF ROOTPAGE"),
        ("internal_functions", false, ""), ("localtime_fault", false, "BOOLEAN"), ("never_corrupt", true, "BOOLEAN"),
        ("optimizations", false, "DISABLE-MASK"), ("pending_byte", false, "OFFSET  "), ("prng_restore", false, ""),
        ("prng_save", false, ""), ("prng_seed", false, "SEED ?db?"), ("seek_count", false, ""),
        ("sorter_mmap", false, "NMAX"), ("tune", true, "ID VALUE"),
    ]

    func run(in shell: Shell) throws {
        let session = shell.session
        let out = shell.out
        // The word may start with "-" or "--".
        var word = Substring(words.first ?? "help")
        if word.hasPrefix("-") && word.count > 1 { word = word.dropFirst() }
        if word.hasPrefix("-") && word.count > 1 { word = word.dropFirst() }
        let typed = String(word)
        if typed == "help" {
            out.write("Available test-controls:\n")
            for control in Self.controls { out.write("  .testctrl \(control.name) \(control.usage)\n") }
            throw MigshError(.saidAlready, "test-controls listed")
        }
        let matches = Self.controls.filter { $0.name.hasPrefix(typed) }
        if matches.count > 1 {
            throw sqlite3Usage("Error: ambiguous test-control: \"\(typed)\"\nUse \".testctrl --help\" for help", in: shell)
        }
        guard let control = matches.first else {
            // As sqlite3: said, and not counted as an error.
            out.flush()
            shell.err.write("Error: unknown test-control: \(typed)\nUse \".testctrl --help\" for help\n")
            return
        }
        if control.unsafe && session.configuration.safe && !session.safeModeLifted {
            try shell.safeModeViolation("\".testctrl \(control.name)\" may not be used in safe mode", unit: ".testctrl " + words.joined(separator: " "))
        }
        let n = words.count + 1  // sqlite3's nArg
        func int(_ i: Int) -> Int64 { integerValue(words[i - 1]) }
        enum Shown { case number, nothing }
        var call: (TestControl, Shown)?
        switch control.name {
        case "optimizations" where n == 3:
            // sqlite3 reads the mask with strtol(…, 0, 0): decimal, 0x hex or 0 octal.
            call = (.optimizations(UInt32(truncatingIfNeeded: Self.strtol(words[1]))), .nothing)
        case "prng_save" where n == 2: call = (.prngSave, .nothing)
        case "prng_restore" where n == 2: call = (.prngRestore, .nothing)
        case "byteorder" where n == 2: call = (.byteOrder, .number)
        case "pending_byte" where n == 3: call = (.pendingByte(UInt32(truncatingIfNeeded: int(2))), .nothing)
        case "prng_seed" where n == 3 || n == 4:
            var seed = Int32(truncatingIfNeeded: int(2))
            if seed == 0 && words[1] == "random" {
                seed = TestControl.randomSeed()
                out.flush()
                session.standardOutput.write("-- random seed: \(seed)\n")
                session.standardOutput.flush()
            }
            call = (.prngSeed(seed, withConnection: n == 4), .nothing)
        case "always" where n == 3: call = (.always(booleanNumber(words[1], in: shell)), .number)
        case "assert" where n == 3: call = (.assert(booleanNumber(words[1], in: shell)), .number)
        case "localtime_fault" where n == 3: call = (.localtimeFault(booleanNumber(words[1], in: shell)), .nothing)
        case "never_corrupt" where n == 3: call = (.neverCorrupt(booleanNumber(words[1], in: shell)), .nothing)
        case "internal_functions": call = (.internalFunctions, .nothing)
        case "imposter" where n == 5:
            call = (.imposter(schema: words[1], on: Int32(truncatingIfNeeded: int(3)), rootPage: Int32(truncatingIfNeeded: int(4))), .nothing)
        case "seek_count":
            let (_, count) = session.db.testControl(.seekCount)
            out.write("\(count)\n")
            return
        case "sorter_mmap" where n == 3: call = (.sorterMmap(Int32(truncatingIfNeeded: int(2))), .nothing)
        default:
            // The wrong number of words; `extra_schema_checks`, and `tune` (SQLITE_DEBUG
            // builds only), are never run by sqlite3 3.40: its usage line, on the output.
            out.write("Usage: .testctrl \(typed) \(control.usage)\n")
            throw MigshError(.saidAlready, "Usage: .testctrl \(typed) \(control.usage)")
        }
        guard let (testControl, shown) = call else { return }
        let (rc, _) = session.db.testControl(testControl)
        if shown == .number { out.write("\(rc)\n") }
    }

    /// C's strtol(text, 0, 0): optional white space and sign, then 0x hex, 0 octal or decimal;
    /// what follows the digits is ignored; out of range is clamped.
    static func strtol(_ text: String) -> Int64 {
        var bytes = Substring(text).drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0b}" || $0 == "\u{0c}" }
        var negative = false
        if let sign = bytes.first, sign == "-" || sign == "+" { negative = sign == "-"; bytes = bytes.dropFirst() }
        var radix: Int64 = 10
        if bytes.hasPrefix("0x") || bytes.hasPrefix("0X"), let d = bytes.dropFirst(2).first, d.isHexDigit {
            radix = 16
            bytes = bytes.dropFirst(2)
        } else if bytes.hasPrefix("0") {
            radix = 8
        }
        var value: Int64 = 0
        var overflow = false
        for c in bytes {
            guard c.isASCII, let d = c.hexDigitValue, Int64(d) < radix else { break }
            let (m, o1) = value.multipliedReportingOverflow(by: radix)
            let (a, o2) = m.addingReportingOverflow(Int64(d))
            if o1 || o2 { overflow = true; break }
            value = a
        }
        if overflow { return negative ? Int64.min : Int64.max }
        return negative ? -value : value
    }
}
