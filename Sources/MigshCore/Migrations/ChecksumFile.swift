import FoundationEssentials
import Glibc

/// `migsh.sum`: one `HEX  FILE` line per migration, the format of `sha256sum`, so that
/// `sha256sum -c migsh.sum` checks it too. It records each migration as deployed, so that an
/// edited migration is found before it runs (like Atlas's atlas.sum).
public struct ChecksumFile: Sendable {
    public var sums: [String: String]  // file name → hex

    public static func load(_ path: String) throws -> ChecksumFile {
        guard let data = try? MigrationFolder.readRegularFile(path),
              let text = TextFile.decode(data) else {
            throw MigshError(.io, "cannot read \(path)")
        }
        var sums: [String: String] = [:]
        for (n, raw) in TextFile.lines(text).enumerated() {
            let line = raw.trimmingASCIIWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].count == 64, parts[0].allSatisfy(\.isHexDigit) else {
                throw MigshError(.migrationFolder, "line \(n + 1): expected \"SHA256  FILE\"")
            }
            // sha256sum marks binary mode with "*" before the name.
            var file = Substring(parts[1].trimmingASCIIWhitespace())
            while file.hasPrefix("*") { file = file.dropFirst() }
            while file.hasSuffix("*") { file = file.dropLast() }
            sums[String(file)] = parts[0].lowercased()
        }
        return ChecksumFile(sums: sums)
    }

    func compare(with migrations: [Migration], filesPresent: Set<String>) -> [MigrationFolder.Problem] {
        var problems: [MigrationFolder.Problem] = []
        for m in migrations {
            guard let recorded = sums[m.fileName] else {
                problems.append(.init(severity: .warning, file: m.fileName,
                                      message: "not in \(MigrationFolder.checksumFileName)", remedy: .recordChecksums))
                continue
            }
            if recorded != m.sha256 {
                problems.append(.init(severity: .error, file: m.fileName, message:
                    "edited after it was recorded in \(MigrationFolder.checksumFileName): recorded sha256 \(recorded), file now \(m.sha256). Deployed migrations must not change (spec §5.1); write a new migration instead"))
            }
        }
        for file in sums.keys.sorted() where !filesPresent.contains(file) {
            problems.append(.init(severity: .error, file: file, message:
                "listed in \(MigrationFolder.checksumFileName) but missing from the folder"))
        }
        return problems
    }
}
