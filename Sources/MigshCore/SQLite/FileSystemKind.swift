import CMigshSQLite
import FoundationEssentials
import MigshBase

/// Which kind of filesystem holds a file. SQLite's documentation warns that network
/// filesystems break its locking (https://www.sqlite.org/useovernet.html) and that WAL
/// mode does not work over a network filesystem at all.
public enum FileSystemKind: Sendable, Equatable {
    case local
    case network(String)

    /// `statfs` magic numbers of network filesystems (linux/magic.h). A switch, not a
    /// dictionary: a dictionary literal's type is built from its mangled name at first use,
    /// which costs every start more than the lookup.
    static func networkName(forMagic magic: Int64) -> String? {
        switch magic {
        case 0x6969: return "nfs"
        case 0x517B: return "smb"
        case 0xFF53_4D42: return "cifs"
        case 0xFE53_4D42: return "smb2"
        case 0x6573_5546: return "fuse (sshfs?)"
        case 0x5346_414F: return "afs"
        case 0x00C3_6400: return "ceph"
        case 0x0102_1997: return "9p"
        case 0x0BD0_0BD0: return "lustre"
        case 0x4750_4653: return "gpfs"
        default: return nil
        }
    }

    public static func kind(forMagic magic: Int64) -> FileSystemKind {
        networkName(forMagic: magic).map { .network($0) } ?? .local
    }

    /// `statfs`'s filesystem type of `path` (or of its folder when the file does not exist
    /// yet); nil when it cannot be examined.
    public static func magic(_ path: String) -> Int64? {
        let target = FileSystem.exists(path) ? path : path.pathDeletingLastComponent
        let magic = FileSystem.withPath(target.isEmpty ? "." : target) { migsh_filesystem_magic($0) }
        return magic < 0 ? nil : Int64(magic)
    }

    /// The filesystem of `path`. A path `statfs` cannot examine is taken as local: SQLite
    /// itself will report the file.
    public static func detect(_ path: String) -> FileSystemKind {
        magic(path).map(kind(forMagic:)) ?? .local
    }
}
