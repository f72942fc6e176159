import ArgumentParser
import FoundationEssentials
import Glibc
import MigshCore

/// `.cd DIRECTORY`: the working folder, for relative paths in later commands.
struct CdCommand: DotCommand {
    static let sqlite3UsageLine: String? = "Usage: .cd DIRECTORY"
    static let configuration = CommandConfiguration(commandName: ".cd", abstract: "Change the working directory to DIRECTORY.",
        discussion: "Example: .cd /srv/nukeworks")
    @Argument(help: "The new working directory.", completion: .directory) var directory: ShellWord
    func run(in shell: Shell) throws {
        if shell.session.configuration.inFleet {
            throw MigshError(.refused, ".cd refused in a fleet run: the working directory is shared by every database's run")
        }
        guard directory.withCString({ chdir($0) }) == 0 else {
            throw MigshError(.verbatim, "Cannot change to directory \"\(directory)\"")
        }
    }
}
