import ArgumentParser
import MigshCore

/// `.dbinfo ?DB?`: the database header's fields and the schema's counts, laid out as
/// sqlite3 3.40 lays them out (`%-20s`).
struct DbinfoCommand: DotCommand {
    typealias Output = DatabaseInfo
    static let configuration = CommandConfiguration(commandName: ".dbinfo", abstract: "Show status information about the database.",
        discussion: "Example: .dbinfo")
    static let wordsRead: Int? = 1

    @Argument(help: ArgumentHelp("The schema (default main).", valueName: "db"), completion: .nothing) var schema: String?

    func run(in shell: Shell) throws {
        let info: DatabaseInfo
        do {
            info = try DatabaseInfo.read(shell.session.db, schema: schema ?? "main")
        } catch let error as MigshError where error.code == .notFound || error.code == .notADatabase {
            shell.out.flush()
            shell.err.write("unable to read database header\n")
            throw MigshError(.saidAlready, "unable to read database header")
        }
        try Self.emit(info, in: shell, wrap: false) { Self.text(info) }
    }

    static func text(_ info: DatabaseInfo) -> String {
        func line(_ name: String, _ value: String) -> String {
            name + String(repeating: " ", count: max(0, 20 - name.utf8.count)) + " " + value + "\n"
        }
        let h = info.header
        var text = line("database page size:", "\(info.pageSize)")
        text += line("write format:", "\(h[18])") + line("read format:", "\(h[19])") + line("reserved bytes:", "\(h[20])")
        let fields: [(String, Int)] = [
            ("file change counter:", 24), ("database page count:", 28), ("freelist page count:", 36),
            ("schema cookie:", 40), ("schema format:", 44), ("default cache size:", 48), ("autovacuum top root:", 52),
            ("incremental vacuum:", 64), ("text encoding:", 56), ("user version:", 60), ("application id:", 68),
            ("software version:", 96),
        ]
        for (name, offset) in fields {
            let value = info.uint32(at: offset)
            let encoding = offset == 56 ? [1: " (utf8)", 2: " (utf16le)", 3: " (utf16be)"][value] ?? "" : ""
            text += line(name, "\(value)\(encoding)")
        }
        text += line("number of tables:", "\(info.tables)") + line("number of indexes:", "\(info.indexes)")
        text += line("number of triggers:", "\(info.triggers)") + line("number of views:", "\(info.views)")
        text += line("schema size:", "\(info.schemaSize)") + line("data version", "\(info.dataVersion)")
        return text
    }
}

extension DatabaseInfo: CommandOutput {
    static var jsonDescription: String { "one JSON object: the database header's fields and the schema's counts" }
}
