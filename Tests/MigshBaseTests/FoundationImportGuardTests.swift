import Foundation
import Testing

/// The source folder: this file is `<repo>/Tests/MigshBaseTests/FoundationImportGuardTests.swift`.
let sourcesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Sources").path

/// A line importing full Foundation (or one of the modules that bring ICU's data with it):
/// `import Foundation`, `@preconcurrency import Foundation`, `public import Foundation`,
/// `import struct Foundation.Date`, `import FoundationInternationalization`, …
nonisolated(unsafe) let foundationImport = /^\s*(?:@\w+\s+)*(?:(?:public|package|internal|private|fileprivate)\s+)?import\s+(?:(?:class|struct|enum|func|var|let|protocol|typealias)\s+)?(?:Foundation|FoundationInternationalization|FoundationNetworking|FoundationXML|_FoundationICU)(?:\.|\s|$|;)/

/// Every line of the Swift files under `folder` (but migsh-manual's, which may use Foundation),
/// files in sorted order: the relative path, the line's number from 1, the line.
func swiftSourceLines(under folder: String) -> [(file: String, number: Int, line: Substring)] {
    var lines: [(file: String, number: Int, line: Substring)] = []
    let files = (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".swift") }
    for file in files.sorted() where !file.hasPrefix("migsh-manual/") {
        guard let text = try? String(contentsOfFile: folder + "/" + file, encoding: .utf8) else { continue }
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            lines.append((file, n + 1, line))
        }
    }
    return lines
}

/// The files under `folder` (relative paths) that import full Foundation, with the line.
func foundationImports(under folder: String) -> [String] {
    swiftSourceLines(under: folder).filter { $0.line.firstMatch(of: foundationImport) != nil }.map { "\($0.file):\($0.number): \($0.line)" }
}

/// migsh links FoundationEssentials only: full Foundation brings 34 MB of ICU data and a slower
/// start (README, "Binary size and start-up"). docs/foundation.md names what to use instead.
@Suite("No full Foundation in the targets linked into migsh")
struct FoundationImportGuardTests {
    @Test("no file under Sources (but migsh-manual's) imports Foundation; docs/foundation.md says what to use")
    func sourcesImportFoundationEssentialsOnly() throws {
        let files = try #require(FileManager.default.subpaths(atPath: sourcesFolder)).filter { $0.hasSuffix(".swift") }
        try #require(files.count > 100, "Sources not found at \(sourcesFolder)")
        let found = foundationImports(under: sourcesFolder)
        #expect(found.isEmpty, "import FoundationEssentials (and Glibc, Dispatch, MigshBase) instead; see docs/foundation.md:\n\(found.joined(separator: "\n"))")
    }

    @Test("the guard sees every spelling of the import, and not FoundationEssentials")
    func guardSeesEverySpelling() throws {
        let dir = NSTemporaryDirectory() + "migsh-import-guard-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/MigshCore", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/migsh-manual", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bad = ["import Foundation", "@preconcurrency import Foundation", "public import Foundation", "  import Foundation // x",
                   "import struct Foundation.Date", "import FoundationInternationalization", "@_exported import Foundation"]
        let good = ["import FoundationEssentials", "import Glibc", "// import Foundation", "let s = \"import Foundation\"", "import FoundationEssentialsX"]
        try (good + bad).joined(separator: "\n").write(toFile: dir + "/MigshCore/A.swift", atomically: true, encoding: .utf8)
        try "import Foundation\n".write(toFile: dir + "/migsh-manual/main.swift", atomically: true, encoding: .utf8)
        #expect(foundationImports(under: dir) == bad.enumerated().map { "MigshCore/A.swift:\(good.count + $0.offset + 1): \($0.element)" })
    }
}
