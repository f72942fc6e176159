import ArgumentParser
import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// `.shell CMD ARGS...` (also `.system`): runs a command through /bin/sh; the audit log
/// records the line, as every command. `--readonly` refuses it: a command can write the
/// database as well as anything else (`.shell sqlite3 DB 'DELETE …'` did), and read-only
/// must mean the session changes nothing.
struct ShellCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".shell", abstract: "Run CMD ARGS... in a system shell.",
        discussion: "Example: .shell ls -l snapshots")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The command and its arguments.", valueName: "cmd"), completion: .nothing) var words: [String] = []

    func run(in shell: Shell) throws {
        try Self.refuseUnderReadOnly(Self.configuration.commandName!, in: shell)
        // sqlite3's words, for .shell too.
        guard !words.isEmpty else { throw MigshError(.usage, "Usage: .system COMMAND") }
        // As sqlite3: the words joined by spaces, a word with a space in double quotes.
        let command = words.map { $0.contains(" ") ? "\"\($0)\"" : $0 }.joined(separator: " ")
        shell.out.flush()
        // The child gets the bytes given (a Latin-1 file name stays its bytes).
        let status = CarriedBytes.withCString(command) { system($0) }
        if status != 0 {
            shell.err.write("System command returns \(status)\n")
            shell.err.flush()
        }
    }
}

/// `.system CMD ARGS...`: the same as `.shell`.
struct SystemCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".system", abstract: "Run CMD ARGS... in a system shell (as .shell).",
        discussion: "Example: .system df -h .")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The command and its arguments.", valueName: "cmd"), completion: .nothing) var words: [String] = []
    func run(in shell: Shell) throws {
        try ShellCommand.refuseUnderReadOnly(Self.configuration.commandName!, in: shell)
        var command = ShellCommand()
        command.words = words
        try command.run(in: shell)
    }
}

extension ShellCommand {
    /// Only `--readonly` (the user's promise that nothing is written), not a read-only file:
    /// a shell command on a database file the process cannot write changes nothing of it.
    static func refuseUnderReadOnly(_ name: String, in shell: Shell) throws {
        if shell.session.configuration.readOnly {
            throw MigshError(.readOnly, "\(name) refused: the session was opened with --readonly, and a system command could write the database (run it outside migsh)")
        }
    }
}
