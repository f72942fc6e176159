import ArgumentParser
import FoundationEssentials
import MigshBase
import MigshCore

/// `.lint [FILE ...]`: the spec's checklist (§9) and patterns (§12) as checks with line
/// numbers. Errors make it fail (exit 1); warnings do not.
struct LintCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".lint",
        abstract: "Check migration files against the spec's rules and checklist (default: the whole folder).",
        discussion: "Example: .lint 009_add_notes.sql")

    @Argument(parsing: .allUnrecognized, help: "Migration files (default: every .sql file in the migrations folder); or sqlite3's rule: fkey-indexes ?-verbose? ?-groupbyparent?.", completion: .migrationFiles)
    var files: [String] = []

    /// Each migration file's findings, or sqlite3's `.lint fkey-indexes` rule's.
    enum Output: CommandOutput {
        case files([FileReport])
        case foreignKeyIndexes([ForeignKeyIndexes.Finding])
        static let jsonDescription = "one JSON array: each file with its findings; for fkey-indexes, each foreign key and the index it lacks"
        func encode(to encoder: any Encoder) throws {
            switch self {
            case .files(let reports): try reports.encode(to: encoder)
            case .foreignKeyIndexes(let findings): try findings.encode(to: encoder)
            }
        }
    }

    struct FileReport: Encodable {
        var file: String
        var findings: [MigrationLinter.Finding]
    }

    func run(in shell: Shell) throws {
        // sqlite3's `.lint fkey-indexes` (any prefix, any case), unless a file has that name.
        if let rule = files.first, !rule.isEmpty, rule.utf8.count <= 12, "fkey-indexes".hasPrefix(rule.lowercased()),
           !FileSystem.exists(rule) {
            return try lintForeignKeyIndexes(rule: rule, options: Array(files.dropFirst()), in: shell)
        }
        let session = shell.session
        let folder = try? session.loadFolder()
        let expected = folder.flatMap { try? ExpectedSchemas.build($0) }
        // A replay Ctrl-C stopped is no basis for findings.
        try CancellationToken.interrupt.check()
        // A name not found as given is looked for in the migrations folder.
        var paths = files.map { file -> String in
            if FileSystem.exists(file) { return file }
            let inFolder = session.configuration.migrationsPath.pathAppending(file)
            return FileSystem.exists(inFolder) ? inFolder : file
        }
        if paths.isEmpty {
            let dir = session.configuration.migrationsPath
            let names = FileSystem.entries(of: dir) ?? []
            paths = names.filter { $0.lowercased().hasSuffix(".sql") }.sorted().map { dir.pathAppending($0) }
            if paths.isEmpty { throw MigshError(.notFound, "no .sql files in \(dir)") }
        }
        var reports: [FileReport] = []
        for path in paths {
            let name = path.pathLastComponent
            let sealed = folder?.checksums?.sums[name] != nil && folder?.sorted.contains(where: { $0.fileName == name }) == true
            var findings = try MigrationLinter.lint(path: path, expected: expected, sealed: sealed)
            // A migration the checksum file does not list yet is a draft (.new wrote it).
            if let sums = folder?.checksums, sums.sums[name] == nil, folder?.sorted.contains(where: { $0.fileName == name }) == true {
                findings.append(MigrationLinter.Finding(severity: .warning, line: nil, rule: "draft",
                    message: "draft: not in \(MigrationFolder.checksumFileName) yet; record its checksum with .seal when it is ready to ship"))
            }
            reports.append(FileReport(file: path, findings: findings))
        }
        let errors = reports.flatMap(\.findings).filter { $0.severity == .error }.count
        let warnings = reports.flatMap(\.findings).filter { $0.severity == .warning }.count
        try Self.emit(.files(reports), in: shell) {
            var text = ""
            for r in reports {
                let name = r.file.pathLastComponent
                if r.findings.isEmpty { text += "\(name): ok\n" }
                for f in r.findings {
                    text += "\(name):\(f.line.map { "\($0):" } ?? "") \(f.severity.rawValue): \(f.message) [\(f.rule)]\n"
                }
            }
            text += "\(paths.count) file(s): \(errors) error(s), \(warnings) warning(s)\n"
            return text
        }
        if errors > 0 { throw MigshError(.checkFailed, ".lint found \(errors) error(s)") }
    }
}

extension LintCommand {
    /// sqlite3 3.40's `.lint fkey-indexes ?-verbose? ?-groupbyparent?`, its output byte for
    /// byte; like sqlite3's, it never fails (its messages go to standard error).
    func lintForeignKeyIndexes(rule: String, options: [String], in shell: Shell) throws {
        var verbose = false
        var byParent = false
        for option in options {
            let n = option.utf8.count
            if n > 1 && "-verbose".hasPrefix(option.lowercased()) {
                verbose = true
            } else if n > 1 && "-groupbyparent".hasPrefix(option.lowercased()) {
                byParent = true
            } else {
                // sqlite3 3.40 ignores what its .lint returns: said, and the command does not fail.
                _ = sqlite3Usage("Usage: lint \(rule) ?-verbose? ?-groupbyparent?", in: shell)
                return
            }
        }
        let findings: [ForeignKeyIndexes.Finding]
        do {
            findings = try ForeignKeyIndexes.check(shell.session.db, byParent: byParent)
        } catch let error as MigshError {
            _ = sqlite3Usage(error.message, in: shell)
            return
        }
        try Self.emit(.foreignKeyIndexes(findings), in: shell, wrap: false) {
            var text = ""
            var previous: String?
            let indent = byParent ? "    " : ""
            for f in findings {
                if byParent && (verbose || !f.indexed) && (previous == nil || previous!.lowercased() != f.parent.lowercased()) {
                    text += "-- Parent table \(f.parent)\n"
                    previous = f.parent
                }
                if !f.indexed {
                    text += "\(indent)\(f.createIndex) --> \(f.target)\n"
                } else if verbose {
                    text += "\(indent)/* no extra indexes required for \(f.from) -> \(f.target) */\n"
                }
            }
            return text
        }
    }
}
