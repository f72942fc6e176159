import ArgumentParser
import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// `.open [--new] [--append] [--readonly] FILE`: close this database and open another (`--append`: through
/// sqlite3's apndvfs, a database appended to another file). FILE is opened under the bytes
/// given, a name that is not UTF-8 included (issue 22), as sqlite3 opens it.
struct OpenCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".open", abstract: "Close this database and open FILE.",
                                                    discussion: "Example: .open --new scratch.sqlite")

    @Flag(name: [.customLong("new"), .customLong("create")], help: "Create FILE if it does not exist (as sqlite3's --new; --create as on the command line).") var new = false
    @Flag(name: .customLong("scratch"), help: "Open a private copy of FILE (the original is only read).") var scratch = false
    @Flag(name: [.customLong("append"), .customLong("append", withSingleDash: true)],
          help: "Open FILE through sqlite3's apndvfs: a database appended to another file (added at the first write if FILE holds none).") var append = false
    @Flag(name: [.customLong("readonly"), .customLong("readonly", withSingleDash: true)],
          help: "Open FILE read-only (as sqlite3's --readonly): writes fail with SQLite's \"attempt to write a readonly database\".") var readOnly = false
    @Flag(name: [.customLong("zip"), .customLong("zip", withSingleDash: true)],
          help: ArgumentHelp("Refused: sqlite3 opens FILE, a ZIP archive, as the zipfile table zip of :memory:; migsh says how to make that table.",
                             visibility: .hidden)) var zip = false
    @Argument(help: "The database file.", completion: .file()) var file: String

    func run(in shell: Shell) throws {
        try shell.session.refuseInTransaction(".open")
        if zip { throw Session.zipRefusal(file) }
        if scratch && new { throw MigshError(.usage, ".open --scratch copies an existing database (not with --new)") }
        if scratch && append { throw MigshError(.usage, ".open --scratch copies a database file (not with --append)") }
        // sqlite3's --new deletes FILE first; migsh never deletes a database: it refuses one
        // that holds anything, where opening it would leave its old rows under the new ones.
        if new, !Session.isTemporary(file), let info = FileSystem.status(file), info.st_size > 0 {
            throw MigshError(.refused, ".open --new: \(file) already exists and is not empty; sqlite3 would delete it first, migsh never deletes a database",
                             details: ["Remove it first if it may go (.shell rm \(quoteArgument(file))), or .open it without --new to keep it."])
        }
        do {
            try shell.session.reopen(path: file, create: !scratch && (new || shell.session.configuration.create), scratch: scratch,
                                     append: append, readOnly: readOnly)
        } catch var error as MigshError where error.code == .notFound && !scratch {
            // The command line's --create cannot be given here: the shell's own way is named.
            error.details = ["Use .open --new \(quoteArgument(file)) to make a new database (migsh never creates one from a typo)."]
            throw error
        }
        let c = shell.session.configuration
        shell.session.log(Audit.Open(database: absolutePath(c.databasePath), backups: c.backupsPath, audit: c.auditPath))
        // The same start-up check as launching migsh on it (interactive sessions).
        if !Session.isTemporary(c.databasePath) { shell.onOpen?() }
    }
}
