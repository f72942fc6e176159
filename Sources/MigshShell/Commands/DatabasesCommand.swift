import ArgumentParser
import MigshCore

/// `.databases`: the session's databases (main, temp once used, attached), as sqlite3 lists
/// them: `name: file r/w`, with the transaction state.
struct DatabasesCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".databases", abstract: "List the names and files of the attached databases.",
        discussion: "Example: .databases")
    @Argument(parsing: .captureForPassthrough, help: .hidden) var ignored: [String] = []
    func run(in shell: Shell) throws {
        let db = shell.session.db
        let list = try db.prepare("PRAGMA database_list")
        var text = ""
        while try list.step() {
            guard !list.isNull(1), !list.isNull(2) else { continue }
            let name = list.text(1)
            let file = list.text(2)
            let readOnly = db.isReadOnly(schema: name)
            let transaction: String
            switch db.transactionState(schema: name) {
            case .read: transaction = " read-txn"
            case .write: transaction = " write-txn"
            case .none: transaction = ""
            }
            text += "\(name): \(file.isEmpty ? "\"\"" : file) \(readOnly ? "r/o" : "r/w")\(transaction)\n"
        }
        shell.out.write(text)
    }
}
