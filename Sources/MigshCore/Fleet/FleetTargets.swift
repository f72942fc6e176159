import FoundationEssentials
import Glibc
import MigshBase

/// The databases of a fleet run: the files matching a glob (`--each`), or the paths listed
/// in a file (`--fleet`), in order, each once.
public enum FleetTargets {
    /// The files matching `pattern` (glob(3): `*`, `?`, `[…]`, `{a,b}`, `~`), sorted. Folders
    /// and the files migsh writes beside a database (audit logs, journals, backups' manifests)
    /// are left out, so `sites/*/*` does not treat them as databases.
    public static func matching(_ pattern: String) throws -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        let flags = GLOB_BRACE | GLOB_TILDE | GLOB_MARK
        let rc = FileSystem.withPath(pattern) { glob($0, flags, nil, &g) }
        if rc == GLOB_NOMATCH { return [] }
        guard rc == 0 else { throw MigshError(.io, "cannot expand \(pattern) (glob error \(rc))") }
        var paths: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            guard let p = g.gl_pathv[i] else { continue }
            let path = FileSystem.string(fromPath: p)
            // GLOB_MARK puts a slash after folders.
            if path.hasSuffix("/") || isCompanionFile(path) { continue }
            paths.append(path)
        }
        return unique(paths)
    }

    /// The paths listed in the file at `path`: one per line (as its bytes: a name that is not
    /// UTF-8 too), `#` starts a comment, blank lines and surrounding spaces ignored. Relative paths are relative to the current folder (as
    /// `tar -T` and `xargs` read them).
    public static func listed(in path: String) throws -> [String] {
        guard let data = FileSystem.contents(path).map({ Data($0) }) else {
            throw MigshError(.notFound, "cannot read the fleet file \(path)")
        }
        // Names are bytes (issue 22): a line that is not UTF-8 names the file with those
        // bytes, carried, as `--each` finds it; UTF-8 text reads as itself.
        let text = CarriedBytes.string(carrying: Array(TextFile.withoutByteOrderMark(data)))
        var paths: [String] = []
        for raw in TextFile.lines(text) {
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let entry = line.trimming(.whitespaces)
            if !entry.isEmpty { paths.append(entry) }
        }
        return unique(paths)
    }

    /// Each database once (by absolute path), in first-seen order.
    static func unique(_ paths: [String]) -> [String] {
        var seen = Set<String>()
        return paths.filter { seen.insert(absolutePath($0)).inserted }
    }

    /// Files migsh (or SQLite) keeps beside a database, which are not databases themselves.
    static func isCompanionFile(_ path: String) -> Bool {
        ["-audit.jsonl", "-journal", "-wal", "-shm", ".json", ".partial", ".lock"].contains { path.hasSuffix($0) }
    }
}
