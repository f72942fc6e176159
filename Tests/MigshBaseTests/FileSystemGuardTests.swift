import Foundation
import Testing

/// A call that hands a path to the system without `FileSystem` (Sources/MigshBase/FileSystem.swift):
/// FoundationEssentials' `FileManager` and file APIs, and the POSIX/SQLite calls that take a path,
/// when their first argument is neither a closure's `$0` (the bytes from `FileSystem.withPath`
/// or `CarriedBytes.withCString`) nor a string literal. Swift bridges a `String` argument to its
/// UTF-8, which for a carried byte (a name that is not UTF-8) names a different file.
nonisolated(unsafe) let foundationFileAPI = /FileManager|String\(contentsOfFile|Data\(contentsOf|fileURLWithPath|\.write\(toFile|\.write\(to:/
nonisolated(unsafe) let rawPathCall = /(?:^|[^\w.])(open|fopen|popen|stat|lstat|access|unlink|rename|mkdir|rmdir|opendir|realpath|chdir|readlink|symlink|link|truncate|chmod|mkdtemp|mkstemp|remove|sqlite3_open|sqlite3_open_v2|dlopen|write_history|read_history)\((?!\s*(?:\$0|"|\)|_ ))/
/// A line may say why its C path is already bytes (a pointer SQLite or the system gave).
let rawPathAllowance = "// path: C bytes"

/// The lines under `folder` (but FileSystem.swift and migsh-manual) that bypass `FileSystem`.
func fileSystemBypasses(under folder: String) -> [String] {
    swiftSourceLines(under: folder).filter { entry in
        let line = entry.line
        let code = line.trimmingCharacters(in: .whitespaces)
        if entry.file.hasSuffix("MigshBase/FileSystem.swift") || code.hasPrefix("//") || line.contains(rawPathAllowance) { return false }
        // A declaration (`func open(_ path: String)`) is not a call.
        let calls = line.matches(of: rawPathCall).filter { !line[..<$0.range.lowerBound].hasSuffix("func") }
        return line.firstMatch(of: foundationFileAPI) != nil || !calls.isEmpty
    }.map { "\($0.file):\($0.number): \($0.line.trimmingCharacters(in: .whitespaces))" }
}

/// Issue 22: a database (or any file) whose name is not UTF-8 is opened, and its companions
/// made, under the exact bytes given. That holds only if every path reaches the system through
/// `FileSystem`, which restores the carried bytes.
@Suite("Every path reaches the system as bytes, through FileSystem")
struct FileSystemGuardTests {
    @Test("no file under Sources hands a String path to the system without FileSystem")
    func sourcesUseFileSystem() throws {
        let files = try #require(FileManager.default.subpaths(atPath: sourcesFolder)).filter { $0.hasSuffix(".swift") }
        try #require(files.count > 100, "Sources not found at \(sourcesFolder)")
        let found = fileSystemBypasses(under: sourcesFolder)
        #expect(found.isEmpty, "use FileSystem (MigshBase/FileSystem.swift), or FileSystem.withPath { call($0, …) }:\n\(found.joined(separator: "\n"))")
    }

    @Test("the guard sees bypasses and lets the byte-preserving forms through")
    func guardSeesBypasses() throws {
        let dir = NSTemporaryDirectory() + "migsh-fs-guard-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/MigshCore", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = ["let fd = FileSystem.open(path, O_RDONLY)", "FileSystem.withPath(path) { sqlite3_open_v2($0, &db, flags, nil) }",
                    "CarriedBytes.withCString(file) { fopen($0, \"rb\") }", "var info = stat()", "fd = open(\"/dev/null\", O_WRONLY)",
                    "// FileManager.default.fileExists(atPath: p)", "func open(_ path: String) -> Int32 {", "x.open(path)",
                    "let f = fopen(name, \"rb\") // path: C bytes from sqlite3_value_text", "try reopen(path)"]
        let bad = ["let fd = open(path, O_RDONLY)", "if FileManager.default.fileExists(atPath: p) {", "unlink(path + \"-wal\")",
                   "guard stat(path, &info) == 0 else {", "let rc = sqlite3_open_v2(path, &db, flags, vfs)", "chdir(directory)",
                   "let s = try String(contentsOfFile: p)", "mkdtemp(&template)"]
        try (good + bad).joined(separator: "\n").write(toFile: dir + "/MigshCore/A.swift", atomically: true, encoding: .utf8)
        #expect(fileSystemBypasses(under: dir) == bad.enumerated().map { "MigshCore/A.swift:\(good.count + $0.offset + 1): \($0.element.trimmingCharacters(in: .whitespaces))" })
    }
}
