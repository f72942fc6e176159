import ArgumentParser
import MigshCore

/// `.excel ?--bom?`: sqlite3 3.40's `.once -x`. The next command's or statement's output goes
/// to a new temporary CSV file (CSV mode, sqlite3's `,` and CRLF, echo off), which is then
/// handed to the system's opener (`xdg-open FILE`); the output settings of before come back.
/// Without an opener, sqlite3's `Failed: [xdg-open FILE]` on standard error.
struct ExcelCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".excel", abstract: "Display the output of next command in spreadsheet.",
        discussion: "Example: .excel   (then: SELECT * FROM t;)")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("--bom: begin the file with a UTF-8 byte-order mark.", valueName: "--bom"), completion: .list(["--bom"])) var words: [String] = []

    /// sqlite3's help lines for `.excel`, which its argument errors print after their line.
    static let sqlite3Help = """
        .excel                   Display the output of next command in spreadsheet
           --bom                   Put a UTF8 byte-order mark on intermediate file

        """

    func run(in shell: Shell) throws {
        var bom = false
        for word in words {
            if word == "--bom" || word == "-bom" {
                bom = true
                continue
            }
            // As sqlite3: on standard output, with the command's help.
            let what = word.hasPrefix("-") ? "unknown option" : "extra parameter"
            throw sqlite3UsageWithHelp("\(what): \"\(word)\".  Usage:", help: Self.sqlite3Help, in: shell)
        }
        try OutputCommand.redirectToOpener(spreadsheet: true, bom: bom, once: true, in: shell)
    }
}
