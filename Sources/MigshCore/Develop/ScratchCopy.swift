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
        let tmp = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return tmp.pathStandardized
    }
    static let prefix = "migsh-scratch-"

    /// Copies `original` into a new private folder.
    public static func make(of original: String, busyTimeoutMS: Int32 = 5000) throws -> ScratchCopy {
        let source = absolutePath(original)
        var isDirectory: Bool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory), !isDirectory else {
            throw MigshError(.notFound, "database not found: \(original) (a scratch session copies an existing database)")
        }
        removeStale()
        var template = Array((base + "/" + prefix + "\(getpid())-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw MigshError(.io, "cannot create a private folder in \(base): \(String(cString: strerror(errno)))")
        }
        let folder = String(cString: made)
        chmod(folder, 0o700)
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
            unlink(target)
            throw error
        }
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Scratch folders left by a process that no longer runs (killed): removed.
    static func removeStale() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let pid = rest.split(separator: "-").first.flatMap({ Int32($0) }), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: base + "/" + name)
            }
        }
    }
}
