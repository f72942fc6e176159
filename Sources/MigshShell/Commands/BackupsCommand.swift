import ArgumentParser
import FoundationEssentials
import MigshBase
import MigshCore

/// `.backups [--all]`: this database's backups (or every backup in the folder): name in the
/// backups folder, created (local time), size, schema version inside, source, reason.
struct BackupsCommand: DotCommand {
    typealias Output = [BackupStore.Backup]
    static let configuration = CommandConfiguration(
        commandName: ".backups",
        abstract: "List this database's backups: file, created, size, schema version inside, source.",
        discussion: "Example: .backups --all   (also other databases' backups in the folder)")

    @Flag(name: .customLong("all"), help: "Also list other databases' backups in the folder.")
    var all = false

    func run(in shell: Shell) throws {
        let session = shell.session
        let store = session.backupStore
        let own = session.ownBackups()
        let list = all ? store.list() : own
        let ownPaths = Set(own.map(\.path))
        try Self.emit(list, in: shell, wrap: false) {
            if list.isEmpty {
                let others = store.list().count
                return wrapText("no backups of this database in \(store.directory)" + (others > 0 && !all ? " (\(others) of other databases: .backups --all)" : ""), width: shell.outputWidth)
            }
            let folder = store.directory.pathStandardized + "/"
            // The source column only when other databases' backups are listed too.
            var columns: [TextTable.Column] = [.init("file"), .init("created"), .init("size"), .init("version")]
            if all { columns.append(.init("source", shrinks: true)) }
            columns.append(.init("reason", wraps: true))
            let rows: [[String]] = list.map { b in
                var row: [String] = []
                row.append(b.path.hasPrefix(folder) ? String(b.path.dropFirst(folder.count)) : b.path)
                row.append(String(localTime(b.created).prefix(16)))
                row.append(humanSize(b.sizeBytes))
                row.append(b.schemaVersion.map(String.init) ?? "?")
                if all {
                    let other = (b.source.map { $0.pathLastComponent } ?? "unknown") + " (other)"
                    row.append(ownPaths.contains(b.path) ? "this database" : other)
                }
                row.append((b.reason?.rawValue ?? "-") + (b.damaged ? ", DAMAGED raw copy" : ""))
                return row
            }
            return "in \(displayPath(store.directory)):\n" + TextTable(columns, rows).render(width: shell.outputWidth)
        }
    }
}

/// `1.2 MB`, `324 KB`, `512 B` (decimal units, as ls -h --si).
func humanSize(_ bytes: Int) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
    return unit == 0 ? "\(bytes) B" : cFormat(value < 10 ? "%.1f" : "%.0f", value) + " " + units[unit]
}

/// An ISO 8601 UTC time as local time, to the second: `2026-12-01 15:03:47`.
func localTime(_ iso: String) -> String {
    guard let seconds = parseISO8601(iso) else { return iso }
    return localDateText(secondsSince1970: seconds, pattern: "yyyy-MM-dd HH:mm:ss")
}

extension BackupStore.Backup: CommandOutput {
    static var jsonDescription: String { "one JSON object: the backup's path, created, size_bytes, schema_version, source, reason, damaged" }
}
