import ArgumentParser
import MigshCore

/// `.scanstats on|off`: the system library is built without SQLITE_ENABLE_STMT_SCANSTATUS,
/// so, as sqlite3 3.40 on it, the setting is taken and a warning says it does nothing.
struct ScanstatsCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".scanstats", abstract: "Turn sqlite3_stmt_scanstatus() metrics on or off (not available in this build).",
        discussion: "Example: .scanstats on")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("on or off.", valueName: OnOff.usage), completion: OnOff.completion) var words: [String] = []

    func run(in shell: Shell) throws {
        guard words.count == 1 else { throw sqlite3Usage("Usage: .scanstats on|off", in: shell) }
        _ = try booleanValue(words[0], in: shell)
        shell.out.flush()
        shell.err.write("Warning: .scanstats not available in this build.\n")
    }
}

/// sqlite3's usage line for a command, on standard error as sqlite3 writes it; the error to
/// throw after it (the shell adds nothing).
func sqlite3Usage(_ line: String, in shell: Shell) -> MigshError {
    shell.out.flush()
    shell.err.write(line + "\n")
    shell.err.flush()
    return MigshError(.saidAlready, line)
}

/// sqlite3's answer to words a command cannot take when it shows the command's help: `ERROR:
/// LINE` (which ends with `Usage:`) and the command's `.help` entry (its `sqlite3Help`), on
/// the output, where sqlite3 writes them, not on standard error; the run goes on as after any
/// failed command.
func sqlite3UsageWithHelp(_ line: String, help: String, in shell: Shell) -> MigshError {
    shell.out.write("ERROR: \(line)\n" + help)
    return MigshError(.saidAlready, line)
}
