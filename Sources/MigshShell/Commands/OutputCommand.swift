import ArgumentParser
import FoundationEssentials
import Glibc
import MigshCore

/// `.output [FILE | |COMMAND]`: results go to FILE (created 0600, never through a symlink) or
/// to COMMAND's standard input, until the next `.output`; with no argument, back to standard
/// output. Writing a file does not write the database, so `--readonly` allows it.
struct OutputCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".output", abstract: "Send output to FILE, or to |COMMAND; no argument: standard output.",
        discussion: "Example: .output report.csv")
    @Flag(name: .customLong("bom"), help: "Begin the file with a UTF-8 byte-order mark.") var bom = false
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The file, or |COMMAND.", valueName: "file"), completion: .file()) var target: [String] = []

    func run(in shell: Shell) throws {
        try OutputCommand.redirect(target, bom: bom, once: false, command: ".output", in: shell)
    }

    /// sqlite3 3.40's `.help output`, which its argument errors print (on the output).
    static let sqlite3Help = """
        .output ?FILE?           Send output to FILE or stdout if FILE is omitted
           If FILE begins with '|' then open it as a pipe.
           Options:
             --bom                 Prefix output with a UTF8 byte-order mark
             -e                    Send output to the system text editor
             -x                    Send output as CSV to a spreadsheet

        """

    /// sqlite3's rules: one FILE; `|COMMAND` may take the rest of the line's words; `-x` (a
    /// spreadsheet: `.excel`) and `-e` (a text editor) write a temporary file that the
    /// system's opener gets.
    static func redirect(_ words: [String], bom: Bool, once: Bool, command: String, in shell: Shell) throws {
        var words = words
        var bom = bom
        var opener: Character?
        while let option = words.first, option.hasPrefix("-"), option.count > 1 {
            switch option {
            case "--bom", "-bom": bom = true
            case "-e", "-x": opener = option.last
            default:
                throw sqlite3UsageWithHelp("unknown option: \"\(option)\".  Usage:", help: command == ".once" ? OnceCommand.sqlite3Help : Self.sqlite3Help, in: shell)
            }
            words.removeFirst()
        }
        if let opener {
            if let extra = words.first {
                throw sqlite3UsageWithHelp("extra parameter: \"\(extra)\".  Usage:", help: command == ".once" ? OnceCommand.sqlite3Help : Self.sqlite3Help, in: shell)
            }
            return try redirectToOpener(spreadsheet: opener == "x", bom: bom, once: once, in: shell)
        }
        let spec: String?
        if let first = words.first, first.hasPrefix("|") {
            spec = words.joined(separator: " ")
        } else {
            if words.count > 1 { throw sqlite3UsageWithHelp("extra parameter: \"\(words[1])\".  Usage:", help: command == ".once" ? OnceCommand.sqlite3Help : Self.sqlite3Help, in: shell) }
            spec = words.first
        }
        if once && spec == nil { throw MigshError(.usage, "missing FILE argument on .once") }
        shell.out.flush()
        try shell.session.redirectOutput(to: spec, once: once)
        if bom, spec != nil { shell.session.out.write([0xEF, 0xBB, 0xBF]) }
    }
}

/// `.once FILE`: like `.output FILE`, for the next command or SQL only.
struct OnceCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".once", abstract: "Send the output of the next command or SQL only to FILE or |COMMAND.",
        discussion: "Example: .once projects.csv")
    @Flag(name: .customLong("bom"), help: "Begin the file with a UTF-8 byte-order mark.") var bom = false
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The file, or |COMMAND.", valueName: "file"), completion: .file()) var target: [String] = []

    func run(in shell: Shell) throws {
        try OutputCommand.redirect(target, bom: bom, once: true, command: ".once", in: shell)
    }

    /// sqlite3 3.40's `.help once`, which its argument errors print (on the output).
    static let sqlite3Help = """
        .once ?OPTIONS? ?FILE?   Output for the next SQL command only to FILE
             If FILE begins with '|' then open as a pipe
               --bom  Put a UTF8 byte-order mark at the beginning
               -e     Send output to the system text editor
               -x     Send output as CSV to a spreadsheet (same as ".excel")

        """
}

extension OutputCommand {
    /// `.excel`, `.once -x|-e`, `.output -x|-e`: to a temporary file for the system's opener.
    static func redirectToOpener(spreadsheet: Bool, bom: Bool, once: Bool, in shell: Shell) throws {
        shell.out.flush()
        try shell.session.redirectToOpener(spreadsheet: spreadsheet, once: once)
        if bom { shell.session.out.write([0xEF, 0xBB, 0xBF]) }
    }
}
