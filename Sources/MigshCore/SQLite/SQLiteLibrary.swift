import CMigshSQLite
import MigshBase

/// The SQLite library itself: its version, the settings sqlite3's options make before the
/// first connection opens (`-mmap`, `-lookaside`, `-pagecache`, `-vfs`), and its VFSes.
public enum SQLiteLibrary {
    /// `sqlite3_libversion()`: "3.40.1".
    public static var version: String { String(cString: sqlite3_libversion()) }

    /// `sqlite3_sourceid()`: the check-in's date and hash.
    public static var sourceID: String { String(cString: sqlite3_sourceid()) }

    // > The sqlite3_config() interface may only be invoked prior to library initialization
    // > using sqlite3_initialize() or after shutdown by sqlite3_shutdown().
    // Each returns false when SQLite refuses the setting.

    /// SQLITE_CONFIG_MMAP_SIZE: the default and the largest memory map, both `size` (`-mmap`).
    public static func configureMemoryMap(size: Int64) -> Bool {
        migsh_sqlite3_config_mmap(size) == SQLITE_OK
    }

    /// SQLITE_CONFIG_LOOKASIDE: `count` slots of `size` bytes per connection (`-lookaside`).
    public static func configureLookaside(size: Int32, count: Int32) -> Bool {
        migsh_sqlite3_config_lookaside(size, count) == SQLITE_OK
    }

    /// SQLITE_CONFIG_PAGECACHE: `count` slots of `size` bytes, allocated once (`-pagecache`).
    public static func configurePageCache(size: Int64, count: Int64) -> Bool {
        migsh_sqlite3_config_pagecache(size, count) == SQLITE_OK
    }

    /// Makes the VFS named `name` the default one, for every connection opened after
    /// (`-vfs`); false when there is no such VFS.
    public static func makeDefaultVFS(named name: String) -> Bool {
        guard let vfs = sqlite3_vfs_find(name) else { return false }
        sqlite3_vfs_register(vfs, 1)
        return true
    }

    /// The registered VFSes, the default first (`sqlite3_vfs_find(0)` and its `pNext` list).
    public static var registeredVFSes: [SQLiteVFS] {
        var list: [SQLiteVFS] = []
        var vfs = sqlite3_vfs_find(nil)
        while let v = vfs {
            list.append(SQLiteVFS(v))
            vfs = v.pointee.pNext
        }
        return list
    }
}

/// A virtual file system SQLite has registered, as sqlite3's `.vfsinfo` describes one.
public struct SQLiteVFS: Sendable, Equatable {
    public var name: String
    /// `iVersion`: the structure's version.
    public var version: Int32
    /// `szOsFile`: the size of its open-file structure.
    public var fileSize: Int32
    /// `mxPathname`: the longest path it takes.
    public var maxPathname: Int32
    /// The `sqlite3_vfs` structure's address: two VFSes are the same when it is.
    let address: UInt

    init(_ vfs: UnsafeMutablePointer<sqlite3_vfs>) {
        name = vfs.pointee.zName.map { String(cString: $0) } ?? ""
        version = vfs.pointee.iVersion
        fileSize = vfs.pointee.szOsFile
        maxPathname = vfs.pointee.mxPathname
        address = UInt(bitPattern: vfs)
    }
}

extension Connection {
    /// The VFS the file of `schema` (default main) is opened with (SQLITE_FCNTL_VFS_POINTER);
    /// nil when there is no such schema.
    public func vfs(schema: String?) -> SQLiteVFS? {
        var pointer: UnsafeMutableRawPointer?
        sqlite3_file_control(handle, schema ?? "main", SQLITE_FCNTL_VFS_POINTER, &pointer)
        return pointer.map { SQLiteVFS($0.assumingMemoryBound(to: sqlite3_vfs.self)) }
    }

    /// The names of the VFS stack of `schema` (default main), SQLITE_FCNTL_VFSNAME; nil when
    /// no VFS answers.
    public func vfsStackName(schema: String?) -> String? {
        var name: UnsafeMutablePointer<CChar>?
        sqlite3_file_control(handle, schema ?? "main", SQLITE_FCNTL_VFSNAME, &name)
        guard let name else { return nil }
        defer { sqlite3_free(name) }
        return String(cString: name)
    }
}

/// SQLite's own text matching, as sqlite3's shell uses it (`.help`, `.schema`, `.sha3sum`).
public enum SQLitePattern {
    /// `sqlite3_strglob`: GLOB, case-sensitive (`*`, `?`, `[...]`).
    public static func glob(_ pattern: String, matches text: String) -> Bool {
        CarriedBytes.withCString(pattern) { p in CarriedBytes.withCString(text) { sqlite3_strglob(p, $0) } } == 0
    }

    /// `sqlite3_strlike`: LIKE, ASCII case-insensitive (`%`, `_`), with an optional escape
    /// character.
    public static func like(_ pattern: String, matches text: String, escape: Character? = nil) -> Bool {
        let escapeCode = escape.flatMap(\.asciiValue).map(UInt32.init) ?? 0
        // On the bytes: a byte that is not UTF-8 reads as SQLite reads it (U+FFFD), as in sqlite3.
        return CarriedBytes.withCString(pattern) { p in CarriedBytes.withCString(text) { sqlite3_strlike(p, $0, escapeCode) } } == 0
    }

    /// `sqlite3_complete`: true when `sql` ends with a complete statement.
    public static func isComplete(_ sql: String) -> Bool { sqlite3_complete(sql) != 0 }
}
