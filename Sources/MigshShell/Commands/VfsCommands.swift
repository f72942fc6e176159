import ArgumentParser
import CMigshSQLite
import Foundation
import MigshCore

/// `.vfsinfo ?AUX?`, `.vfsname ?AUX?` and `.vfslist`: SQLite's virtual file systems, as
/// sqlite3 3.40 prints them. migsh registers no VFS of its own (sqlite3's shell adds
/// `apndvfs`), so `.vfslist` shows the library's.
enum VFSText {
    static func describe(_ vfs: UnsafeMutablePointer<sqlite3_vfs>) -> String {
        let name = vfs.pointee.zName.map { String(cString: $0) } ?? ""
        return "vfs.zName      = \"\(name)\"\n"
            + "vfs.iVersion   = \(vfs.pointee.iVersion)\n"
            + "vfs.szOsFile   = \(vfs.pointee.szOsFile)\n"
            + "vfs.mxPathname = \(vfs.pointee.mxPathname)\n"
    }

    /// The VFS of `schema` (default main) of the session's database.
    static func vfs(of schema: String?, in shell: Shell) -> UnsafeMutablePointer<sqlite3_vfs>? {
        var pointer: UnsafeMutableRawPointer?
        sqlite3_file_control(shell.session.db.sqliteHandle, schema ?? "main", SQLITE_FCNTL_VFS_POINTER, &pointer)
        return pointer?.assumingMemoryBound(to: sqlite3_vfs.self)
    }
}

struct VfsInfoCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".vfsinfo", abstract: "Information about the top-level VFS.",
        discussion: "Example: .vfsinfo")
    @Argument(help: ArgumentHelp("The schema (default main).", valueName: "aux"), completion: .nothing) var schema: String?
    @Argument(parsing: .captureForPassthrough, help: .hidden) var extra: [String] = []
    func run(in shell: Shell) throws {
        if let vfs = VFSText.vfs(of: schema, in: shell) { shell.out.write(VFSText.describe(vfs)) }
    }
}

struct VfsNameCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".vfsname", abstract: "Print the name of the VFS stack.",
        discussion: "Example: .vfsname")
    @Argument(help: ArgumentHelp("The schema (default main).", valueName: "aux"), completion: .nothing) var schema: String?
    @Argument(parsing: .captureForPassthrough, help: .hidden) var extra: [String] = []
    func run(in shell: Shell) throws {
        var name: UnsafeMutablePointer<CChar>?
        sqlite3_file_control(shell.session.db.sqliteHandle, schema ?? "main", SQLITE_FCNTL_VFSNAME, &name)
        if let name {
            shell.out.write(String(cString: name) + "\n")
            sqlite3_free(name)
        }
    }
}

struct VfsListCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".vfslist", abstract: "List all available VFSes.",
        discussion: "Example: .vfslist")
    @Argument(parsing: .captureForPassthrough, help: .hidden) var extra: [String] = []
    func run(in shell: Shell) throws {
        let current = VFSText.vfs(of: nil, in: shell)
        var vfs = sqlite3_vfs_find(nil)
        var first = true
        while let v = vfs {
            if !first { shell.out.write("-----------------------------------\n") }
            first = false
            var text = VFSText.describe(v)
            if v == current { text = text.replacingOccurrences(of: "\"\n", with: "\"  <--- CURRENT\n", options: [], range: text.startIndex..<text.index(after: text.firstIndex(of: "\n")!)) }
            shell.out.write(text)
            vfs = v.pointee.pNext
        }
    }
}
