import FoundationEssentials
import Glibc
import MigshBase

/// A file only its owner may read: created with mode 0600, never through a symlink, not
/// inherited by child processes. Backups, the audit log, the scratch copy, the schema cache,
/// `.output` files and `.edit`'s temporary file are all made this way.
public enum PrivateFile {
    /// `open(2)` of `path` with `flags` (`O_WRONLY | O_EXCL`, `O_RDWR | O_APPEND`, …) plus
    /// `O_CREAT | O_NOFOLLOW | O_CLOEXEC`, mode 0600: the descriptor, or -1 with `errno` set.
    public static func open(_ path: String, _ flags: Int32) -> Int32 {
        FileSystem.open(path, flags | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
    }

    /// The same, for a path given as bytes (a name that is not UTF-8, as the user typed it).
    public static func open(_ path: UnsafePointer<CChar>, _ flags: Int32) -> Int32 {
        Glibc.open(path, flags | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
    }
}

func isSymlink(_ path: String) -> Bool { FileSystem.isSymbolicLink(path) }

func fsyncPath(_ path: String) throws {
    let fd = FileSystem.open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw MigshError(.io, "cannot open \(path) to sync it: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    if fsync(fd) != 0 { throw MigshError(.io, "fsync \(path): \(String(cString: strerror(errno)))") }
}

/// Writes `contents` to `path`, created with mode 0600, never through a symlink.
public func writePrivateFile(_ path: String, contents: Data) throws {
    let fd = PrivateFile.open(path, O_WRONLY | O_TRUNC)
    guard fd >= 0 else { throw MigshError(.io, "cannot write \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    try contents.withUnsafeBytes { buf in
        var offset = 0
        while offset < buf.count {
            let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
            if n < 0 { throw MigshError(.io, "cannot write \(path): \(String(cString: strerror(errno)))") }
            offset += n
        }
    }
}
