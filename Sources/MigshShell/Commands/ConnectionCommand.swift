import ArgumentParser
import MigshCore

/// `.connection`, `.connection N`, `.connection close N`: sqlite3's numbered connections
/// (`Session+Connections.swift`). The list goes to standard output, as sqlite3 writes it.
struct ConnectionCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".connection", abstract: "Open or close an auxiliary database connection.",
        discussion: """
            With no argument, list the connections; N (0-4) makes connection N the active one
            (a new one is a private temporary database); close N closes a parked one. Each
            connection keeps its database, transaction, audit log and .session objects.
            Example: .connection 1
            """)
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("close, and the connection's number.", valueName: "words"), completion: .list(["close", "0", "1", "2", "3", "4"])) var words: [String] = []

    func run(in shell: Shell) throws {
        let session = shell.session
        // sqlite3 reads one digit, alone.
        func slot(_ word: String) -> Int? {
            guard word.utf8.count == 1, let digit = word.utf8.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            return Int(digit - UInt8(ascii: "0"))
        }
        if words.isEmpty {
            shell.out.flush()
            session.standardOutput.write(session.connectionList)
            session.standardOutput.flush()
        } else if words.count == 1, let n = slot(words[0]) {
            try session.activateConnection(n)
        } else if words.count == 2, words[0] == "close", let n = slot(words[1]) {
            if !session.closeConnection(n) { throw sqlite3Usage("cannot close the active database connection", in: shell) }
        } else {
            throw sqlite3Usage("Usage: .connection [close] [CONNECTION-NUMBER]", in: shell)
        }
    }
}
