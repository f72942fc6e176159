import ArgumentParser
import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// `.read FILE`: run a script file (nested reads allowed); `.read '|CMD'`, what CMD prints.
struct ReadCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".read", abstract: "Run the commands and SQL in FILE.",
                                                    discussion: "Example: .read fix.sql")
    static let sqlite3UsageLine: String? = "Usage: .read FILE"

    @Argument(help: "The script file.", completion: .file()) var file: ShellWord

    func run(in shell: Shell) throws {
        // sqlite3 3.40's limit: 25 levels of input, the first being the script itself (24 nested
        // .reads), said in one line at the .read that passes it; the .reads around it say nothing.
        guard shell.readDepth < 24 else {
            shell.out.flush()
            shell.err.write("Input nesting limit (25) reached at line \(shell.currentLine). Check recursion.\n")
            throw MigshError(.saidAlready, "input nesting limit (25) reached")
        }
        if file.bytes.first == UInt8(ascii: "|") { return try readOutput(in: shell) }

        guard let f = file.withCString({ fopen($0, "r") }) else {
            throw MigshError(.notFound, "cannot open \"\(file)\"")
        }
        defer { fclose(f) }
        try read(f, name: file.description.pathLastComponent, in: shell)
    }

    /// sqlite3's `.read '|CMD'`: the script is what CMD, run through /bin/sh (popen), prints.
    /// A system command, so `--readonly` refuses it as it refuses `.shell`.
    private func readOutput(in shell: Shell) throws {
        try ShellCommand.refuseUnderReadOnly(".read |CMD", in: shell)
        shell.out.flush()
        guard let p = ShellWord(Array(file.bytes.dropFirst())).withCString({ popen($0, "r") }) else {
            throw MigshError(.notFound, "cannot open \"\(file)\"")
        }
        defer { pclose(p) }
        // No file to name in error locations: `near line N:`, as sqlite3 says.
        try read(p, name: nil, in: shell)
    }

    private func read(_ f: UnsafeMutablePointer<FILE>, name: String?, in shell: Shell) throws {
        var source = FileLineSource(file: f)
        shell.readDepth += 1
        defer { shell.readDepth -= 1 }
        let failures = try shell.runScript(lines: &source, name: name)
        // Ctrl-C stopped the script part-way: what ran stays (as in sqlite3); said, not "completed".
        if CancellationToken.interrupt.isRequested {
            // In a script, an open transaction is then rolled back (and said) as at any end.
            let open = shell.session.inTransaction
            let interactive = shell.session.configuration.interactive
            throw MigshError(.interrupted, "interrupted: .read \(file) stopped part-way"
                + (!open ? "; the statements before it ran" : interactive ? "; a transaction is open: COMMIT keeps what ran, ROLLBACK drops it" : ""))
        }
        // Each failure was said where it happened (sqlite3 adds no summary line).
        if failures > 0 { throw MigshError(.saidAlready, "\(file): \(failures) error(s)") }
    }
}
