import ArgumentParser
import FoundationEssentials
import Glibc
import MigshCore

/// `.backup [FILE]`: an online, integrity-checked backup with mode 0600.
struct BackupCommand: DotCommand {
    typealias Output = BackupStore.Backup
    static let configuration = CommandConfiguration(
        commandName: ".backup",
        abstract: "Take an online, integrity-checked backup (default: a new file named after the database and the time, in the backups folder).",
        discussion: "Example: .backup before-the-upgrade.sqlite")
    /// Words neither form takes (`.backup A B C`): sqlite3's line (migsh's form has no options).
    static let sqlite3UsageLine: String? = "Usage: .backup ?DB? ?OPTIONS? FILENAME"

    @Argument(help: "The backup file (must not exist).", completion: .file(extensions: ["sqlite"]))
    var file: String?

    /// sqlite3's `.backup DB FILE`: the first word is a schema name.
    @Argument(help: ArgumentHelp("With two words, sqlite3's form: .backup DB FILE copies schema DB into FILE, unverified, as sqlite3 does.", valueName: "sqlite3-file"), completion: .file())
    var sqlite3File: String?

    func run(in shell: Shell) throws {
        if let sqlite3File, let file {
            try SaveCommand.plainCopy(schema: file, to: sqlite3File, in: shell)
            return
        }
        defer { shell.progress.end() }
        let backup = try Backup(shell.session.workspace).run(to: file) { shell.showBackupProgress($0) }
        shell.progress.end()
        try Self.emit(backup, in: shell) {
            "backup: \(displayPath(backup.path)) (\(humanSize(backup.sizeBytes)), schema version \(backup.schemaVersion.map(String.init) ?? "?"), integrity ok)"
        }
    }
}
