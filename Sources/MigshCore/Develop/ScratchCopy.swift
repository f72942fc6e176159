import CMigshSQLite
import FoundationEssentials
import Glibc
import MigshBase

/// A scratch session's private copy of a database (`migsh --scratch DB`): made with SQLite's
/// online backup API from a read-only connection, in a private folder (0700) of its own. The
/// original is never opened for writing — its bytes, its modification time and its `-wal`
/// stay as they were, whatever happens to the copy.
public struct ScratchCopy: Sendable {
    /// The original database, absolute.
    public let original: String
    /// The private folder, removed with the copy.
    public let folder: String
    /// The copy.
    public let path: String

    /// Where scratch folders are made: `$TMPDIR`, else /tmp.
    static var base: String {
        let tmp = Environment.process.path("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return tmp.pathStandardized
    }
    static let prefix = "migsh-scratch-"

    /// Copies `original` into a new private folder.
    public static func make(of original: String, busyTimeoutMS: Int32 = 5000) throws -> ScratchCopy {
        let source = absolutePath(original)
        guard FileSystem.isDirectory(source) == false else {
            throw MigshError(.notFound, "database not found: \(original) (a scratch session copies an existing database)")
        }
        removeStale()
        guard let folder = FileSystem.makeTemporaryDirectory(base + "/" + prefix + "\(getpid())-XXXXXX") else {
            throw MigshError(.io, "cannot create a private folder in \(base): \(String(cString: strerror(errno)))")
        }
        FileSystem.changeMode(folder, 0o700)
        let copy = ScratchCopy(original: source, folder: folder, path: folder + "/" + source.pathLastComponent)
        do {
            try copy.copyOriginal(into: nil, busyTimeoutMS: busyTimeoutMS)
        } catch {
            copy.remove()
            throw error
        }
        return copy
    }

    /// Copies the original into the copy: a new file, or (`into`) the session's open
    /// connection to it (`.scratch reset`).
    public func copyOriginal(into destination: Connection?, busyTimeoutMS: Int32 = 5000) throws {
        let source = try Connection(path: original, mode: .readOnly, busyTimeoutMS: busyTimeoutMS)
        if let destination {
            try OnlineBackup.copy(from: source, to: destination, busyTimeoutMS: Int(busyTimeoutMS))
            return
        }
        let fd = PrivateFile.open(path, O_WRONLY | O_EXCL)
        guard fd >= 0 else { throw MigshError(.io, "cannot create \(path): \(String(cString: strerror(errno)))") }
        close(fd)
        let copy = try Connection(path: path, mode: .readWrite)
        try OnlineBackup.copy(from: source, to: copy, busyTimeoutMS: Int(busyTimeoutMS))
        // The copy is a plain file whatever the original's journal mode.
        _ = try? copy.scalarText("PRAGMA journal_mode=DELETE")
    }

    /// `.scratch keep FILE`: the copy as it is now, saved to a new file (0600; an existing
    /// file is never replaced).
    public func keep(_ db: Connection, to target: String) throws {
        let fd = PrivateFile.open(target, O_WRONLY | O_EXCL)
        guard fd >= 0 else {
            throw MigshError(.io, "cannot create \(target): \(errno == EEXIST ? "it exists; migsh does not overwrite files" : String(cString: strerror(errno)))")
        }
        close(fd)
        do {
            let destination = try Connection(path: target, mode: .readWrite)
            try OnlineBackup.copy(from: db, to: destination)
            _ = try? destination.scalarText("PRAGMA journal_mode=DELETE")
        } catch {
            FileSystem.unlink(target)
            throw error
        }
    }

    public func remove() {
        try? FileSystem.removeTree(folder)
    }

    /// Scratch folders left by a process that no longer runs (killed): removed.
    static func removeStale() {
        guard let names = FileSystem.entries(of: base) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let pid = rest.split(separator: "-").first.flatMap({ Int32($0) }), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileSystem.removeTree(base + "/" + name)
            }
        }
    }
}
