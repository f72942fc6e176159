import ArgumentParser
import Foundation
import MigshCore

/// `.read FILE`: run a script file (nested reads allowed).
struct ReadCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".read", abstract: "Run the commands and SQL in FILE.")
    @Argument var file: String
    func run(in shell: Shell) throws {
        guard shell.readDepth < 25 else { throw MigshError(.usage, ".read nested too deeply (a file reading itself?)") }
        guard let f = fopen(file, "r") else {
            throw MigshError(.notFound, "cannot open \"\(file)\": \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        var source = FileLineSource(file: f)
        shell.readDepth += 1
        defer { shell.readDepth -= 1 }
        let failures = try shell.runScript(lines: &source, name: (file as NSString).lastPathComponent)
        if failures > 0 { throw MigshError(.sqlite, "\(file): \(failures) error(s)") }
    }
}

/// `.open FILE`: close this database and open another.
struct OpenCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".open", abstract: "Close this database and open FILE.")
    @Flag(name: .customLong("new"), help: "Create FILE if it does not exist.")
    var new = false
    @Argument var file: String
    func run(in shell: Shell) throws {
        try shell.session.refuseInTransaction(".open")
        try shell.session.reopen(path: file, create: new || shell.session.configuration.create)
        shell.session.log("open", ["database": absolutePath(file)])
    }
}

/// `.help [CMD]`.
struct HelpCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".help", abstract: "Show help for all commands or one.")
    @Argument var command: String?
    func run(in shell: Shell) throws {
        if let command {
            let name = command.hasPrefix(".") ? command : "." + command
            guard let type = DotCommands.byName[name] else { throw MigshError(.usage, "no such command: \(name)") }
            shell.out.write(type.helpMessage(columns: 80) + "\n")
            return
        }
        var text = ""
        for type in DotCommands.all {
            let name = type.configuration.commandName!
            text += name.padding(toLength: 12, withPad: " ", startingAt: 0) + type.configuration.abstract + "\n"
        }
        text += "Anything else is SQL, run when complete (ends with ;).\n"
        shell.out.write(text)
    }
}

/// `.quit`.
struct QuitCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".quit", abstract: "Exit migsh.")
    func run(in shell: Shell) throws { throw ShellExit(code: 0) }
}

/// `.exit [CODE]`.
struct ExitCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".exit", abstract: "Exit migsh with CODE (default 0).")
    @Argument var code: Int32 = 0
    func run(in shell: Shell) throws { throw ShellExit(code: code) }
}
