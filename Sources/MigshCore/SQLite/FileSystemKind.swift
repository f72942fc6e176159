import CMigshSQLite
import Foundation

/// Which kind of filesystem holds a file. SQLite's documentation warns that network
/// filesystems break its locking (https://www.sqlite.org/useovernet.html) and that WAL
/// mode does not work over a network filesystem at all.
public enum FileSystemKind: Sendable, Equatable {
    case local
    case network(String)

    /// `statfs` magic numbers of network filesystems (linux/magic.h).
    static let networkMagics: [Int64: String] = [
        0x6969: "nfs", 0x517B: "smb", 0xFF53_4D42: "cifs", 0xFE53_4D42: "smb2",
        0x6573_5546: "fuse (sshfs?)", 0x5346_414F: "afs", 0x00C3_6400: "ceph", 0x0102_1997: "9p",
        0x0BD0_0BD0: "lustre", 0x4750_4653: "gpfs",
    ]

    public static func kind(forMagic magic: Int64) -> FileSystemKind {
        networkMagics[magic].map { .network($0) } ?? .local
    }

    /// `statfs`'s filesystem type of `path` (or of its folder when the file does not exist
    /// yet); nil when it cannot be examined.
    public static func magic(_ path: String) -> Int64? {
        let target = FileManager.default.fileExists(atPath: path) ? path : (path as NSString).deletingLastPathComponent
        let magic = migsh_filesystem_magic(target.isEmpty ? "." : target)
        return magic < 0 ? nil : Int64(magic)
    }

    /// The filesystem of `path`. A path `statfs` cannot examine is taken as local: SQLite
    /// itself will report the file.
    public static func detect(_ path: String) -> FileSystemKind {
        magic(path).map(kind(forMagic:)) ?? .local
    }
}
