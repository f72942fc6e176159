import ArgumentParser
import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// `.read FILE`: run a script file (nested reads allowed).
struct ReadCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".read", abstract: "Run the commands and SQL in FILE.",
                                                    discussion: "Example: .read fix.sql")

    @Argument(help: "The script file.", completion: .file()) var file: ShellWord

    func run(in shell: Shell) throws {
        guard shell.readDepth < 25 else { throw MigshError(.usage, ".read nested too deeply (a file reading itself?)") }
        guard let f = file.withCString({ fopen($0, "r") }) else {
            throw MigshError(.notFound, "cannot open \"\(file)\"")
        }
        defer { fclose(f) }
        var source = FileLineSource(file: f)
        shell.readDepth += 1
        defer { shell.readDepth -= 1 }
        let failures = try shell.runScript(lines: &source, name: file.description.pathLastComponent)
        if failures > 0 { throw MigshError(.sqlite, "\(file): \(failures) error(s)") }
    }
}
