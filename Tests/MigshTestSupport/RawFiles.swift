import Glibc

/// Files named by raw bytes, never through a Swift `String`: the oracle for tests of names
/// that are not UTF-8 (issue 22). Each call hands the kernel exactly the bytes given, and a
/// name read back is the kernel's bytes.
public enum RawFiles {
    public static func withPath<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        (bytes.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// A C string's bytes.
    public static func bytes(_ p: UnsafePointer<CChar>) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: p, count: strlen(p)))
    }

    /// `folder/name/…` as bytes.
    public static func join(_ folder: [UInt8], _ names: [[UInt8]]) -> [UInt8] {
        names.reduce(folder) { $0 + [0x2F] + $1 }
    }

    /// The names in a folder (without `.` and `..`), as the kernel holds them.
    public static func names(in folder: [UInt8]) -> Set<[UInt8]> {
        withPath(folder) { p in
            guard let dir = opendir(p) else { return [] }
            defer { closedir(dir) }
            var names = Set<[UInt8]>()
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
                if name != [0x2E] && name != [0x2E, 0x2E] { names.insert(name) }
            }
            return names
        }
    }

    /// `lstat(2)`.
    public static func status(_ path: [UInt8]) -> stat? {
        var info = stat()
        return withPath(path) { lstat($0, &info) } == 0 ? info : nil
    }

    /// A new file (or one emptied) holding `contents`; false when it cannot be made.
    @discardableResult
    public static func create(_ path: [UInt8], _ contents: [UInt8] = []) -> Bool {
        let fd = withPath(path) { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return contents.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == contents.count
    }

    /// The whole file, or nil.
    public static func contents(_ path: [UInt8]) -> [UInt8]? {
        let fd = withPath(path) { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { return n == 0 ? result : nil }
            result += buffer[..<n]
        }
    }

    @discardableResult
    public static func makeDirectory(_ path: [UInt8], _ mode: mode_t = 0o755) -> Bool {
        withPath(path) { mkdir($0, mode) } == 0
    }

    /// A new private folder under /tmp (`mkdtemp(3)`).
    public static func makeTemporaryDirectory() -> [UInt8] {
        var template = Array("/tmp/migsh-raw-XXXXXX".utf8CString)
        return bytes(mkdtemp(&template)!)
    }

    /// `rm -r` on bytes: links removed, never followed.
    public static func removeTree(_ path: [UInt8]) {
        guard let info = status(path) else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            for name in names(in: path) { removeTree(path + [0x2F] + name) }
            _ = withPath(path) { rmdir($0) }
        } else {
            _ = withPath(path) { unlink($0) }
        }
    }
}
