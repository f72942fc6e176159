import ArgumentParser
import MigshCore

/// `.log FILE|stdout|stderr|off`: SQLite's error log (`SQLiteErrorLog`), each entry as sqlite3
/// 3.40 writes it: `(CODE) MESSAGE`. A FILE is created 0600, as `.output` creates one.
struct LogCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".log", abstract: "Turn logging on or off. FILE can be stderr/stdout.",
        discussion: "Example: .log stderr")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("FILE, stdout, stderr or off.", valueName: "file"), completion: .list(["stdout", "stderr", "off"])) var words: [String] = []

    func run(in shell: Shell) throws {
        guard words.count == 1 else { throw sqlite3Usage("Usage: .log FILENAME", in: shell) }
        let session = shell.session
        SQLiteErrorLog.send(to: nil)
        if let old = session.logOutput {
            _ = old.close()
            session.logOutput = nil
        }
        let output: OutputBuffer
        switch words[0] {
        case "off": return
        case "stdout": output = session.standardOutput
        default:
            do {
                let opened = try OutputRedirection.open(words[0], once: false)
                session.logOutput = opened
                output = opened.buffer
            } catch {
                // As sqlite3: said, logging off, and the command does not fail.
                shell.out.flush()
                shell.err.write("Error: cannot open \"\(words[0])\"\n")
                return
            }
        }
        SQLiteErrorLog.send { code, message in
            output.write("(\(code)) ")
            output.write(message)
            output.write(byte: 10)
            output.flush()
        }
    }
}
