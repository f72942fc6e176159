import ArgumentParser
import MigshCore

/// `.imposter INDEX IMPOSTER` / `.imposter off`: sqlite3's imposter table, a WITHOUT ROWID
/// table over an index's b-tree, to read an index's entries as rows
/// (`Connection.createImposter`). As in sqlite3 3.40 the CREATE statement and the warning go
/// to standard output (not to `.output`'s file), the errors to standard error.
struct ImposterCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".imposter", abstract: "Create an imposter table over an index's b-tree.",
        discussion: "Example: .imposter idx_users_email imp   (writing to it corrupts the index; .imposter off)")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The index and the imposter table's name, or off.", valueName: "words"), completion: .nothing) var words: [String] = []

    func run(in shell: Shell) throws {
        guard words.count == 2 || (words.count == 1 && words[0].lowercased() == "off") else {
            throw sqlite3Usage("Usage: .imposter INDEX IMPOSTER\n       .imposter off", in: shell)
        }
        let db = shell.session.db
        guard words.count == 2 else { return db.imposterOff() }
        let stdout = shell.session.standardOutput
        switch db.createImposter(of: words[0], named: words[1]) {
        case .created(let sql, let ofTable):
            shell.out.flush()
            stdout.write(Array(sql.utf8) + Array(";\n".utf8))
            stdout.write("WARNING: writing to an imposter table will corrupt the \"\(words[0])\" \(ofTable ? "table" : "index")!\n")
            stdout.flush()
        case .noSuchIndex:
            throw sqlite3Usage("no such index: \"\(words[0])\"", in: shell)
        case .failed(let sql, let message):
            throw sqlite3Usage("Error in [\(sql)]: \(message)", in: shell)
        case .testControlFailed(let rc):
            throw sqlite3Usage("SQLITE_TESTCTRL_IMPOSTER returns \(rc)", in: shell)
        }
    }
}
