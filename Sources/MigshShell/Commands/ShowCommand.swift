import ArgumentParser
import MigshCore

/// `.show`: the current settings, laid out as sqlite3 lays them out.
struct ShowCommand: DotCommand {
    static let sqlite3UsageLine: String? = "Usage: .show"
    static let configuration = CommandConfiguration(commandName: ".show", abstract: "Show the current values of the settings.",
        discussion: "Example: .show")
    func run(in shell: Shell) throws {
        let s = shell.session
        let o = s.output
        func line(_ label: String, _ value: String) -> String {
            String(repeating: " ", count: max(0, 12 - label.count)) + label + ": " + value + "\n"
        }
        func c(_ text: String) -> String { "\"" + SQLLiteral.cEscaped(text) + "\"" }
        var mode = o.mode.displayName
        if o.mode.isColumnar {
            mode += " --wrap \(o.wrapWidth) --wordwrap \(o.wordWrap ? "on" : "off") --\(o.quoteValues ? "" : "no")quote"
        }
        var text = line("echo", s.echo ? "on" : "off")
        text += line("eqp", s.eqp.rawValue)
        text += line("explain", s.explain.rawValue)
        text += line("headers", o.showHeaders ? "on" : "off")
        text += line("mode", mode)
        text += line("nullvalue", c(o.nullValue))
        text += line("output", s.redirection?.name ?? "stdout")
        text += line("colseparator", c(o.separator))
        text += line("rowseparator", c(o.rowSeparator))
        text += line("stats", s.stats.rawValue)
        text += line("width", o.columnWidths.map { "\($0) " }.joined())
        text += line("filename", s.configuration.databasePath)
        shell.out.write(text)
    }
}
