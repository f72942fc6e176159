import ArgumentParser
import MigshCore

/// `.load FILE ?ENTRY?`: loads an SQLite extension into the session's connection, as
/// sqlite3 3.40 does. Refused under `-safe` (as sqlite3) and `--readonly` (an extension
/// runs code of its own, which can write the database).
struct LoadCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".load", abstract: "Load an extension library.",
        discussion: "Example: .load ./libspellfix spellfix_init")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("FILE ?ENTRY?", valueName: "file"), completion: .file(extensions: ["so"])) var words: [String] = []

    func run(in shell: Shell) throws {
        guard let file = words.first else { throw sqlite3Usage("Usage: .load FILE ?ENTRYPOINT?", in: shell) }
        try shell.session.refuseReadOnly(".load")
        do {
            try shell.session.db.loadExtension(file, entryPoint: words.count >= 2 ? words[1] : nil)
        } catch let error as MigshError {
            throw sqlite3Usage("Error: " + error.message, in: shell)
        }
    }
}
