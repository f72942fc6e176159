import ArgumentParser
import MigshBase
import FoundationEssentials
import Glibc
import MigshCore

/// `.parameter init|set|unset|clear|list` (also `.param`): SQL parameter bindings, as in
/// sqlite3. Every statement run afterwards gets them: `:name`, `@name`, `$name`, `?NNN`.
struct ParameterCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".parameter",
        abstract: "Manage SQL parameter bindings: init, set NAME VALUE, unset NAME, clear, list.",
        discussion: """
        VALUE is an SQL expression, evaluated once when set (a word that is not one is
        text); NAME starts with one of $ : @ ?.
        Example: .parameter set :owner 'Southern Nuclear'
        """)
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The subcommand and its arguments.", valueName: "cmd"), completion: .list(["clear", "init", "list", "set", "unset"])) var words: [String] = []

    static let usage = """
        .parameter CMD ...       Manage SQL parameter bindings
           clear                   Erase all bindings
           init                    Initialize the TEMP table that holds bindings
           list                    List the current parameter bindings
           set PARAMETER VALUE     Given SQL parameter PARAMETER a value of VALUE
                                   PARAMETER should start with one of: $ : @ ?
           unset PARAMETER         Remove PARAMETER from the binding table
        """

    func run(in shell: Shell) throws {
        let db = shell.session.db
        switch (words.first, words.count) {
        case ("clear"?, 1): try SQLParameters.clear(db)
        case ("init"?, 1): try SQLParameters.initialize(db)
        case ("list"?, 1):
            let rows = SQLParameters.list(db)
            // printf("%-*s %s\n"): the width in bytes, at most 40.
            let width = min(40, rows.map { CarriedBytes.bytes(of: $0.key).count }.max() ?? 0)
            for row in rows {
                let pad = max(0, width - CarriedBytes.bytes(of: row.key).count)
                shell.out.write(row.key + String(repeating: " ", count: pad) + " " + row.value + "\n")
            }
        case ("set"?, 3): try SQLParameters.set(db, key: words[1], value: words[2])
        case ("unset"?, 2): SQLParameters.unset(db, key: words[1])
        default:
            // sqlite3 shows the help, on standard output, and goes on: not an error there.
            shell.out.write(Self.usage + "\n")
        }
    }
}
