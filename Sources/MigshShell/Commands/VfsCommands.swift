import ArgumentParser
import MigshCore

/// `.vfsinfo ?AUX?`, `.vfsname ?AUX?` and `.vfslist`: SQLite's virtual file systems, as
/// sqlite3 3.40 prints them. migsh registers sqlite3's `apndvfs` (`AppendVFS`) at start-up, as
/// sqlite3's shell does, so `.vfslist` shows the library's VFSes and that one.
enum VFSText {
    /// sqlite3's lines for one VFS; `current` marks the one the main database uses.
    static func describe(_ vfs: SQLiteVFS, current: Bool = false) -> String {
        "vfs.zName      = \"\(vfs.name)\"\(current ? "  <--- CURRENT" : "")\n"
            + "vfs.iVersion   = \(vfs.version)\n"
            + "vfs.szOsFile   = \(vfs.fileSize)\n"
            + "vfs.mxPathname = \(vfs.maxPathname)\n"
    }

    /// The commands that make sqlite3 3.40 open its database (they call its `open_db`), as
    /// SQL does.
    static let opensDatabaseInSQLite3: Set<String> = [
        ".archive", ".auth", ".backup", ".save", ".databases", ".dbconfig", ".dbinfo", ".dump", ".expert",
        ".filectrl", ".fullschema", ".import", ".imposter", ".indexes", ".tables", ".limit", ".lint", ".load",
        ".open", ".parameter", ".progress", ".recover", ".restore", ".schema", ".selftest", ".session",
        ".sha3sum", ".testctrl", ".timeout", ".trace", ".unmodule", ".user",
    ]

    /// The VFS of `schema`, as sqlite3 finds it: none while sqlite3 would not have opened an
    /// in-memory database yet.
    static func vfs(schema: String?, in shell: Shell) -> SQLiteVFS? {
        if !shell.sqlite3WouldHaveOpened && Session.isTemporary(shell.session.configuration.databasePath) { return nil }
        return shell.session.db.vfs(schema: schema)
    }
}

struct VfsInfoCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".vfsinfo", abstract: "Information about the top-level VFS.",
        discussion: "Example: .vfsinfo")
    @Argument(help: ArgumentHelp("The schema (default main).", valueName: "aux"), completion: .nothing) var schema: String?
    @Argument(parsing: .captureForPassthrough, help: .hidden) var extra: [String] = []
    func run(in shell: Shell) throws {
        if let vfs = VFSText.vfs(schema: schema, in: shell) { shell.out.write(VFSText.describe(vfs)) }
    }
}

struct VfsNameCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".vfsname", abstract: "Print the name of the VFS stack.",
        discussion: "Example: .vfsname")
    @Argument(help: ArgumentHelp("The schema (default main).", valueName: "aux"), completion: .nothing) var schema: String?
    @Argument(parsing: .captureForPassthrough, help: .hidden) var extra: [String] = []
    func run(in shell: Shell) throws {
        if let name = shell.session.db.vfsStackName(schema: schema) { shell.out.write(name + "\n") }
    }
}

struct VfsListCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".vfslist", abstract: "List all available VFSes.",
        discussion: "Example: .vfslist")
    @Argument(parsing: .captureForPassthrough, help: .hidden) var extra: [String] = []
    func run(in shell: Shell) throws {
        let current = VFSText.vfs(schema: nil, in: shell)
        let lines = SQLiteLibrary.registeredVFSes.map { VFSText.describe($0, current: $0 == current) }
        shell.out.write(lines.joined(separator: "-----------------------------------\n"))
    }
}
