import ArgumentParser
import Foundation
import MigshCore

/// `.backups`: the backups in the backups folder.
struct BackupsCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".backups",
        abstract: "List the backups: file, created, size, schema version inside.")
    typealias Output = [BackupStore.Backup]

    func run(in shell: Shell) throws {
        let store = shell.session.backupStore
        let list = store.list()
        try shell.emit(list) {
            if list.isEmpty { return "no backups in \(store.directory)" }
            return formatTable(["file", "created", "size", "version", "reason"], list.map {
                [$0.path, $0.created, String($0.sizeBytes), $0.schemaVersion.map(String.init) ?? "?", $0.reason ?? "-"]
            })
        }
    }
}
