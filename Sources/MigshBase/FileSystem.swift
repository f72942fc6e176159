import Glibc

/// The one place where a path meets the operating system.
///
/// A path in migsh is a `String` in `CarriedBytes` form: UTF-8 text as itself, every byte of a
/// name that is not UTF-8 carried by its private-use scalar. So a database called `n\xE9.db`
/// keeps its exact bytes through everything derived from it (`n\xE9.db-audit.jsonl`, its lock,
/// its backups folder), and each call here gives the kernel the bytes again. Swift's own
/// `String`-to-C-string bridging (and FoundationEssentials' `FileManager`) would give the
/// scalars' UTF-8 instead, which names a different file: `FileSystemGuardTests` keeps those
/// out of `Sources`. Names read back from the system (a folder's entries, `getcwd`, `mkdtemp`,
/// `realpath`) come back in the same form.
package enum FileSystem {
    /// `path`'s bytes as a C string for `body` (a NUL inside ends it there, as in sqlite3).
    @inline(__always)
    package static func withPath<R>(_ path: String, _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        try CarriedBytes.withCString(path, body)
    }

    /// A name the system gave as a C string, in carried form (never repaired to U+FFFD).
    package static func string(fromPath cString: UnsafePointer<CChar>) -> String {
        CarriedBytes.string(carrying: Array(UnsafeRawBufferPointer(start: cString, count: strlen(cString))))
    }

    // MARK: Asking

    /// `stat(2)` (following symbolic links); nil with `errno` set when it fails.
    package static func status(_ path: String) -> stat? {
        var info = stat()
        return withPath(path) { stat($0, &info) } == 0 ? info : nil
    }

    /// `lstat(2)` (the link itself); nil with `errno` set when it fails.
    package static func linkStatus(_ path: String) -> stat? {
        var info = stat()
        return withPath(path) { lstat($0, &info) } == 0 ? info : nil
    }

    /// Whether something exists at `path`, following symbolic links (`fileExists(atPath:)`:
    /// a dangling link does not exist).
    package static func exists(_ path: String) -> Bool { status(path) != nil }

    /// Whether `path` is a folder (following links); nil when nothing is there.
    package static func isDirectory(_ path: String) -> Bool? {
        status(path).map { $0.st_mode & S_IFMT == S_IFDIR }
    }

    /// Whether `path` itself is a symbolic link.
    package static func isSymbolicLink(_ path: String) -> Bool {
        linkStatus(path).map { $0.st_mode & S_IFMT == S_IFLNK } ?? false
    }

    /// `access(2)`: 0, or -1 with `errno` set.
    package static func access(_ path: String, _ mode: Int32) -> Int32 {
        withPath(path) { Glibc.access($0, mode) }
    }

    /// `realpath(3)`; nil with `errno` set when it fails.
    package static func realPath(_ path: String) -> String? {
        guard let resolved = withPath(path, { realpath($0, nil) }) else { return nil }
        defer { free(resolved) }
        return string(fromPath: resolved)
    }

    /// The target a symbolic link holds, as written; nil when `path` is not a link.
    package static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = withPath(path) { readlink($0, &buffer, buffer.count - 1) }
        guard n >= 0 else { return nil }
        buffer[n] = 0
        return buffer.withUnsafeBufferPointer { string(fromPath: $0.baseAddress!) }
    }

    /// The current folder (`getcwd(3)`), in carried form; "." when it cannot be read.
    package static func currentDirectory() -> String {
        guard let cwd = getcwd(nil, 0) else { return "." }
        defer { free(cwd) }
        return string(fromPath: cwd)
    }

    /// The names in a folder (without `.` and `..`), unsorted, in carried form; nil with
    /// `errno` set when the folder cannot be read.
    package static func entries(of directory: String) -> [String]? {
        guard let handle = withPath(directory, { opendir($0) }) else { return nil }
        defer { closedir(handle) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(handle) else { break }
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { string(fromPath: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return errno == 0 ? names : nil
    }

    // MARK: Reading and writing

    /// `open(2)`: the descriptor, or -1 with `errno` set.
    package static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
        withPath(path) { Glibc.open($0, flags, mode) }
    }

    /// `fopen(3)`; nil with `errno` set.
    package static func fopen(_ path: String, _ mode: String) -> UnsafeMutablePointer<FILE>? {
        withPath(path) { Glibc.fopen($0, mode) }
    }

    /// The whole file, or nil with `errno` set (`FileManager.contents(atPath:)`).
    package static func contents(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readToEnd(fd)
    }

    // MARK: Changing

    /// Writes `bytes` to a new file beside `path` (mode `mode`, never through a link) and
    /// renames it over `path`: a reader sees the old file or the new one, whole
    /// (`write(toFile:atomically: true)`).
    package static func replaceContents(_ path: String, with bytes: [UInt8], mode: mode_t = 0o644) throws(FileSystemError) {
        // Its own name (two threads of one process may replace the same file), made anew.
        let temporary = path.pathDeletingLastComponent.pathAppending(".\(path.pathLastComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileSystemError(path: path, errno: errno) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let failure = errno
                close(fd)
                unlink(temporary)
                throw FileSystemError(path: path, errno: failure)
            }
            offset += n
        }
        guard close(fd) == 0, rename(temporary, path) == 0 else {
            let failure = errno
            unlink(temporary)
            throw FileSystemError(path: path, errno: failure)
        }
    }


    /// `unlink(2)`: 0, or -1 with `errno` set.
    @discardableResult
    package static func unlink(_ path: String) -> Int32 { withPath(path) { Glibc.unlink($0) } }

    /// `rename(2)`: 0, or -1 with `errno` set.
    @discardableResult
    package static func rename(_ from: String, _ to: String) -> Int32 {
        withPath(from) { a in withPath(to) { b in Glibc.rename(a, b) } }
    }

    /// `link(2)`: 0, or -1 with `errno` set.
    @discardableResult
    package static func link(_ from: String, _ to: String) -> Int32 {
        withPath(from) { a in withPath(to) { b in Glibc.link(a, b) } }
    }

    /// `symlink(2)` making `path` point at `target`: 0, or -1 with `errno` set.
    @discardableResult
    package static func symbolicLink(_ path: String, to target: String) -> Int32 {
        withPath(target) { t in withPath(path) { p in Glibc.symlink(t, p) } }
    }

    /// `mkdir(2)`: 0, or -1 with `errno` set.
    @discardableResult
    package static func makeDirectory(_ path: String, _ mode: mode_t = 0o777) -> Int32 {
        withPath(path) { Glibc.mkdir($0, mode) }
    }

    /// `mkdir -p`: every missing folder along `path`, each with `mode`. Throws `errno`'s text.
    package static func makeDirectories(_ path: String, _ mode: mode_t = 0o777) throws(FileSystemError) {
        if isDirectory(path) == true { return }
        let parent = path.pathDeletingLastComponent
        if !parent.isEmpty, parent != path, parent != "/" { try makeDirectories(parent, mode) }
        if makeDirectory(path, mode) != 0 && !(errno == EEXIST && isDirectory(path) == true) {
            throw FileSystemError(path: path, errno: errno)
        }
    }

    /// `rmdir(2)`: 0, or -1 with `errno` set.
    @discardableResult
    package static func removeDirectory(_ path: String) -> Int32 { withPath(path) { Glibc.rmdir($0) } }

    /// `rm -r`: the file, link or folder at `path` with everything under it (a link is removed,
    /// never followed). Throws when something stays (`FileManager.removeItem(atPath:)`).
    package static func removeTree(_ path: String) throws(FileSystemError) {
        guard let info = linkStatus(path) else { throw FileSystemError(path: path, errno: errno) }
        if info.st_mode & S_IFMT == S_IFDIR {
            for name in entries(of: path) ?? [] { try removeTree(path.pathAppending(name)) }
            if removeDirectory(path) != 0 { throw FileSystemError(path: path, errno: errno) }
        } else if unlink(path) != 0 {
            throw FileSystemError(path: path, errno: errno)
        }
    }

    /// `chmod(2)`: 0, or -1 with `errno` set.
    @discardableResult
    package static func changeMode(_ path: String, _ mode: mode_t) -> Int32 { withPath(path) { Glibc.chmod($0, mode) } }

    /// `truncate(2)`: 0, or -1 with `errno` set.
    package static func truncate(_ path: String, _ length: off_t) -> Int32 { withPath(path) { Glibc.truncate($0, length) } }

    /// `chdir(2)`: 0, or -1 with `errno` set.
    package static func changeDirectory(_ path: String) -> Int32 { withPath(path) { Glibc.chdir($0) } }

    /// `mkdtemp(3)` of `template` (ending in `XXXXXX`): the folder made, or nil with `errno` set.
    package static func makeTemporaryDirectory(_ template: String) -> String? {
        var bytes = CarriedBytes.bytes(of: template).map { CChar(bitPattern: $0) } + [0]
        guard let made = mkdtemp(&bytes) else { return nil }
        return string(fromPath: made)
    }
}

/// A file-system call that failed: the path and `errno`.
package struct FileSystemError: Error, CustomStringConvertible {
    package let path: String
    package let errno: Int32
    package init(path: String, errno: Int32) {
        self.path = path
        self.errno = errno
    }
    /// `strerror`'s text.
    package var reason: String { String(cString: strerror(errno)) }
    package var description: String { "\(path): \(reason)" }
}
