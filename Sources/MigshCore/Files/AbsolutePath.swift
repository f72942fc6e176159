import FoundationEssentials
import Glibc
import MigshBase

/// `path` made absolute against the current folder, standardized.
public func absolutePath(_ path: String) -> String {
    // NSString's standardizingPath costs more than the rest of a `.version` start, and a session
    // asks for the same few paths again and again. An answer is reused while the path still
    // names the same file (same device and inode); a path that does not exist is never reused.
    let cwd = path.hasPrefix("/") ? nil : FileSystem.currentDirectory()
    let key = cwd.map { $0 + "\u{0}" + path } ?? path
    let status = FileSystem.status(path)
    let exists = status != nil
    let st = status ?? stat()
    if exists, let hit = AbsolutePaths.shared.lookup(key), hit.device == st.st_dev, hit.inode == st.st_ino {
        return hit.path
    }
    let full = cwd.map { $0.pathAppending(path) } ?? path
    let resolved = full.pathStandardized
    if exists { AbsolutePaths.shared.store(key, (resolved, st.st_dev, st.st_ino)) }
    return resolved
}

/// `absolutePath`'s answers, by path (and working folder, for a relative one).
private final class AbsolutePaths: @unchecked Sendable {
    static let shared = AbsolutePaths()
    typealias Entry = (path: String, device: dev_t, inode: ino_t)
    private let lock = Lock()
    /// A list searched from the end, not a `[String: Entry]`: a session holds a few paths,
    /// and the dictionary's first use made the runtime scan every protocol conformance for
    /// `String: Hashable` at each start (issue 25). At most 64 kept, the newest.
    private var entries: [(key: String, entry: Entry)] = []
    func lookup(_ key: String) -> Entry? {
        lock.lock(); defer { lock.unlock() }
        return entries.last { $0.key == key }?.entry
    }
    func store(_ key: String, _ entry: Entry) {
        lock.lock(); defer { lock.unlock() }
        entries.removeAll { $0.key == key }
        if entries.count >= 64 { entries.removeFirst() }
        entries.append((key, entry))
    }
}
