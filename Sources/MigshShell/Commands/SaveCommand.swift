import ArgumentParser
import MigshCore

/// `.save FILE`: sqlite3's `.backup main FILE`, a plain copy through the backup API (an
/// existing FILE is overwritten, nothing is verified), as sqlite3 3.40 makes it. migsh's
/// verified backup is `.backup FILE`.
struct SaveCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".save", abstract: "Write database to FILE (sqlite3's .backup main FILE: unverified, overwrites).",
        discussion: "Example: .save copy.sqlite   (.backup FILE takes a verified backup)")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("?DB? FILE", valueName: "file"), completion: .file(extensions: ["sqlite", "db"])) var words: [String] = []

    func run(in shell: Shell) throws {
        var files: [String] = []
        for word in words {
            if word.hasPrefix("-") {
                // sqlite3's --append (its appendvfs) and --async are not offered.
                throw sqlite3Usage("unknown option: \(word)", in: shell)
            }
            files.append(word)
        }
        guard files.count <= 2 else { throw sqlite3Usage("Usage: .backup ?DB? ?OPTIONS? FILENAME", in: shell) }
        guard let file = files.last else { throw sqlite3Usage("missing FILENAME argument on .backup", in: shell) }
        try Self.plainCopy(schema: files.count == 2 ? files[0] : "main", to: file, in: shell)
    }

    /// sqlite3's `.backup DB FILE`, with sqlite3's messages.
    static func plainCopy(schema: String, to file: String, in shell: Shell) throws {
        do {
            try OnlineBackup.plainCopy(of: shell.session.db, schema: schema, to: file)
        } catch {
            throw failure(error, in: shell)
        }
    }

    /// A plain copy's failure in sqlite3's words, on standard error.
    static func failure(_ error: OnlineBackup.PlainCopyFailure, in shell: Shell) -> MigshError {
        switch error {
        case .cannotOpen(let path): return sqlite3Usage("Error: cannot open \"\(path)\"", in: shell)
        case .busy: return sqlite3Usage("Error: source database is busy", in: shell)
        case .failed(let message): return sqlite3Usage("Error: " + String(decoding: message, as: UTF8.self), in: shell)
        }
    }
}
