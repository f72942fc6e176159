import Glibc

// NSString's path methods, as swift-corelibs-foundation spells them on Linux (character by
// character, `/` the only separator), under names of migsh's own. See docs/foundation.md.

extension String {
    /// `appendingPathComponent(_:)`.
    package func pathAppending(_ component: String) -> String {
        if component.isEmpty { return self }
        if isEmpty { return component }
        if hasSuffix("/") { return self + component }
        return self + "/" + component
    }

    /// The path with runs of `/` made one and a trailing `/` removed (NSString's fixing of slashes).
    private var fixingSlashes: String {
        if self == "/" { return self }
        var result = ""
        var previousSlash = false
        for c in self {
            if c == "/" {
                if previousSlash { continue }
                previousSlash = true
            } else {
                previousSlash = false
            }
            result.append(c)
        }
        if result.hasSuffix("/") { result.removeLast() }
        return result
    }

    private var startOfLastPathComponent: String.Index {
        var i = endIndex
        while i > startIndex {
            let before = index(before: i)
            if self[before] == "/" { break }
            i = before
        }
        return i
    }

    /// `lastPathComponent`.
    package var pathLastComponent: String {
        let fixed = fixingSlashes
        if fixed.utf16.count <= 1 { return fixed }
        return String(fixed[fixed.startOfLastPathComponent...])
    }

    /// `deletingLastPathComponent`.
    package var pathDeletingLastComponent: String {
        let fixed = fixingSlashes
        if fixed == "/" || fixed.isEmpty { return fixed }
        let start = fixed.startOfLastPathComponent
        if start == fixed.startIndex { return "" }
        if start == fixed.index(after: fixed.startIndex) { return "/" }
        return String(fixed[..<fixed.index(before: start)])
    }

    /// `deletingPathExtension`.
    package var pathDeletingExtension: String {
        let fixed = fixingSlashes
        if fixed.utf16.count <= 1 { return fixed }
        let last = fixed.startOfLastPathComponent
        var i = fixed.endIndex
        while i > last {
            let before = fixed.index(before: i)
            let c = fixed[before]
            if c == "." {
                if before == last { return fixed }
                // ".." as the whole last component has no extension.
                if before == fixed.index(before: fixed.endIndex), fixed.index(before: before) == last, fixed[last] == "." {
                    return fixed
                }
                return String(fixed[..<before])
            }
            i = before
        }
        return fixed
    }

    /// `standardizingPath`: `~` expanded, `.` and empty components dropped, `..` taken back in
    /// an absolute path, a symbolic link along the way replaced by the realpath(3) of its target
    /// (a relative target is taken against the current folder, as swift-corelibs-foundation takes
    /// it, so it usually stays unresolved), and `/private` or `/var/automount` left off when the
    /// rest exists.
    package var pathStandardized: String {
        let expanded = expandingTilde
        let absolute = expanded.hasPrefix("/") || expanded.hasPrefix("~")
        var components: [String] = []
        if expanded.hasPrefix("/") { components.append("/") }
        components += expanded.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !components.isEmpty else { return expanded }
        var resolved = components.removeFirst()
        for component in components {
            switch component {
            case ".":
                break
            case ".." where absolute:
                resolved = resolved.pathDeletingLastComponent
            default:
                resolved = resolved.pathAppending(component)
                if let target = symbolicLinkTarget(resolved) {
                    resolved = target.hasPrefix("/") ? target : resolved.pathDeletingLastComponent.pathAppending(target)
                }
            }
        }
        for prefix in ["/private", "/var/automount"] {
            if resolved != prefix, resolved.hasPrefix(prefix) {
                let rest = String(resolved.dropFirst(prefix.count))
                if FileSystem.access(rest, F_OK) == 0 { resolved = rest }
            }
        }
        return resolved
    }

    private var expandingTilde: String {
        guard hasPrefix("~") else { return self }
        let end = firstIndex(of: "/") ?? endIndex
        let user = String(self[index(after: startIndex)..<end])
        var home: String?
        if user.isEmpty, let h = getenv("HOME") {
            home = FileSystem.string(fromPath: h)
        } else {
            let entry = user.isEmpty ? getpwuid(getuid()) : getpwnam(user)
            if let dir = entry?.pointee.pw_dir { home = FileSystem.string(fromPath: dir) }
        }
        guard let home else { return stripTrailingSlash(self) }
        return stripTrailingSlash(home + self[end...])
    }

    private func stripTrailingSlash(_ s: String) -> String {
        s.utf16.count > 1 && s.hasSuffix("/") ? String(s.dropLast()) : s
    }
}

/// What swift-corelibs-foundation resolves the symbolic link at `path` to: realpath(3) of the
/// link's target as written (relative to the current folder, not to the link's); nil when
/// `path` is not a link or that target does not resolve.
private func symbolicLinkTarget(_ path: String) -> String? {
    guard FileSystem.isSymbolicLink(path), let target = FileSystem.linkTarget(path) else { return nil }
    return FileSystem.realPath(target)
}

/// The user's home folder when `HOME` is not set (`NSHomeDirectory()`): the password
/// database's entry for the user, else `/`.
package func homeDirectory() -> String {
    if let h = getenv("HOME") { return FileSystem.string(fromPath: h) }
    if let dir = getpwuid(getuid())?.pointee.pw_dir { return FileSystem.string(fromPath: dir) }
    return "/"
}

/// The user's login name (`NSUserName()`): the password database's entry for the effective
/// user, else `$USER`, else empty.
package func loginName() -> String {
    if let name = getpwuid(geteuid())?.pointee.pw_name { return String(cString: name) }
    if let user = getenv("USER") { return String(cString: user) }
    return ""
}

/// `NSTemporaryDirectory()`: `$TMPDIR` with a `/` at its end, else `/tmp/`.
package func temporaryDirectoryPath() -> String {
    guard let tmp = getenv("TMPDIR").map({ FileSystem.string(fromPath: $0) }) else { return "/tmp/" }
    return tmp.hasSuffix("/") ? tmp : tmp + "/"
}
