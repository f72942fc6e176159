import FoundationEssentials
import Glibc
import ArgumentParser
import MigshCore

/// `.history`: the Schema_Version rows, and whether each applied file still matches the
/// checksum recorded when it was applied.
struct HistoryCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".history",
        abstract: "Show the Schema_Version rows and each applied file's checksum status.",
        discussion: "Example: .history")

    typealias Output = [Entry]

    struct Entry: CommandOutput {
        static let jsonDescription = "one JSON object: a Schema_Version row"
        var version: Int
        var appliedDate: String?
        var appliedBy: String?
        var description: String?
        var file: String?
        var checksum: String
    }

    func run(in shell: Shell) throws {
        let db = shell.session.db
        let rows = try SchemaVersionTable.history(db)
        let applied = try SchemaVersionTable.appliedFiles(db)
        let folder = try? shell.session.loadFolder()
        let entries = rows.map { row -> Entry in
            let file = folder?.migrations[row.version]
            return Entry(version: row.version, appliedDate: row.appliedDate, appliedBy: row.appliedBy,
                         description: row.description, file: file?.fileName ?? applied[row.version]?.file,
                         checksum: HistoryCommand.checksumStatus(recorded: applied[row.version], file: file, folder: folder))
        }
        try Self.emit(entries, in: shell, wrap: false) {
            if entries.isEmpty { return "no Schema_Version table: version 0 (a new database)" }
            return TextTable([.init("version"), .init("applied_date"), .init("applied_by"),
                              .init("description", wraps: true), .init("checksum", wraps: true)],
                             entries.map { [String($0.version), $0.appliedDate ?? "", $0.appliedBy ?? "", $0.description ?? "", $0.checksum] })
                .render(width: shell.outputWidth)
        }
    }

    /// "ok", "EDITED …", "file missing", or "not recorded" for rows migsh did not apply.
    static func checksumStatus(recorded: SchemaVersionTable.AppliedFile?, file: Migration?, folder: MigrationFolder?) -> String {
        guard let file else { return recorded == nil ? "no file" : "file missing (\(recorded!.file))" }
        if let recorded {
            return recorded.sha256 == file.sha256 ? "ok"
                : "EDITED since applied: recorded \(recorded.sha256.prefix(12))…, file \(file.sha256.prefix(12))…"
        }
        if let sum = folder?.checksums?.sums[file.fileName] {
            return sum == file.sha256 ? "ok (migsh.sum; applied elsewhere)" : "EDITED: migsh.sum \(sum.prefix(12))…, file \(file.sha256.prefix(12))…"
        }
        return "not recorded"
    }
}
