import ArgumentParser
import MigshCore

/// `.clone NEWDB`: sqlite3 3.40's object-by-object copy into a new file (`DatabaseClone`),
/// with its progress lines (`t... done`) on standard output and its messages on standard error.
struct CloneCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".clone", abstract: "Clone data into NEWDB from the existing database.",
        discussion: "Example: .clone copy.sqlite   (the file must not exist; .backup FILE takes a verified backup)")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("NEWDB", valueName: "newdb"), completion: .file(extensions: ["sqlite", "db"])) var words: [String] = []

    func run(in shell: Shell) throws {
        guard words.count == 1 else { throw sqlite3Usage("Usage: .clone FILENAME", in: shell) }
        // sqlite3 prints the progress with printf: standard output, whatever .output says.
        let stdout = shell.session.standardOutput
        shell.out.flush()
        do {
            try DatabaseClone.run(shell.session.db, to: words[0]) { event in
                switch event {
                case .started(let name):
                    stdout.write(name)
                    stdout.write("... ")
                case .finished:
                    stdout.write("done\n")
                case .problem(let text):
                    stdout.flush()
                    shell.err.write(text)
                    shell.err.flush()
                }
            }
        } catch .exists(let path) {
            // As sqlite3: said, and the command does not fail.
            shell.err.write("File \"\(path)\" already exists.\n")
        } catch .cannotCreate(let message) {
            shell.err.write("Cannot create output database: \(message)\n")
        } catch .interrupted(let path) {
            stdout.write("\n")
            stdout.flush()
            throw MigshError(.interrupted, "interrupted: nothing was changed; no clone was made (the partial copy \(path) was removed)")
        }
        stdout.flush()
    }
}
