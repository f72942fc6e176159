import Foundation
import Testing

/// What `scripts/install` puts beside the binary: the shell completions
/// (`migsh --generate-completion-script`), driven through bash itself, and migsh(1)
/// (`migsh-manual`), rendered by groff. Both come from the command line's declarations.
@Suite("Packaging: completion scripts and the man page")
struct PackagingTests {
    /// The words bash's completion function offers for `line` (the last word is completed),
    /// in `cwd`, with the script `migsh --generate-completion-script bash` printed.
    static func bashCompletions(_ line: [String], cwd: String) throws -> [String] {
        let script = try runProcess(migshBinary, ["--generate-completion-script", "bash"])
        try #require(script.status == 0, "\(script)")
        let file = cwd + "/migsh.bash"
        try Data(script.stdout.utf8).write(to: URL(fileURLWithPath: file))
        let driver = """
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
        _migsh migsh "${@: -1}" "${@: -2:1}"
        printf '%s\\n' "${COMPREPLY[@]}"
        """
        let result = try runProcess("/bin/bash", ["-c", driver, "bash", file] + line, cwd: cwd)
        try #require(result.status == 0, "\(result)")
        return result.stdout.split(separator: "\n").map(String.init).sorted()
    }

    @Test("bash: option names complete; -m offers folders only, --mode the modes, --merge-reports .json files")
    func bash() throws {
        try withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(atPath: dir + "/migrations", withIntermediateDirectories: true)
            for file in ["migrations.sql", "a.json", "a.jsx", "app.sqlite"] {
                FileManager.default.createFile(atPath: dir + "/" + file, contents: Data())
            }
            #expect(try Self.bashCompletions(["migsh", "--mig"], cwd: dir) == ["--migrations"])
            #expect(try Self.bashCompletions(["migsh", "--max"], cwd: dir) == ["--max-failures"])
            #expect(try Self.bashCompletions(["migsh", "-m", "mig"], cwd: dir) == ["migrations"])
            #expect(try Self.bashCompletions(["migsh", "--merge-reports", "a"], cwd: dir) == ["a.json"])
            #expect(try Self.bashCompletions(["migsh", "--mode", "ta"], cwd: dir) == ["table", "tabs"])
            #expect(try Self.bashCompletions(["migsh", "-f", "mig"], cwd: dir) == ["migrations", "migrations.sql"])
        }
    }

    @Test("zsh and fish: a script for each that names every long option; an unknown shell is a usage error")
    func otherShells() throws {
        let help = try runProcess(migshBinary, ["--help"])
        let longOptions = Self.helpOptionNames(help.stdout)
        try #require(longOptions.count > 25, "\(help)")
        let zsh = try runProcess(migshBinary, ["--generate-completion-script", "zsh"])
        #expect(zsh.status == 0 && zsh.stdout.hasPrefix("#compdef migsh"), "\(zsh)")
        let fish = try runProcess(migshBinary, ["--generate-completion-script", "fish"])
        #expect(fish.status == 0 && fish.stdout.contains("complete -c 'migsh'"), "\(fish.stdout.prefix(400))")
        for option in longOptions {
            let name = String(option.dropFirst(2))
            #expect(zsh.stdout.contains("--" + name), "zsh: \(option)")
            #expect(fish.stdout.contains("-l '\(name)'") || fish.stdout.contains("-l \(name)"), "fish: \(option)")
        }
        let bad = try runProcess(migshBinary, ["--generate-completion-script", "tcsh"])
        #expect(bad.status == 2, "\(bad)")
        #expect(bad.stdout.isEmpty)
        #expect(bad.stderr.contains("tcsh"), "\(bad)")
    }

    /// The long option names `migsh --help` lists, one per option line.
    static func helpOptionNames(_ help: String) -> [String] {
        help.matches(of: /\n  (?:-[a-z], )?(--[a-z-]+)/).map { String($0.output.1) }
    }

    /// migsh(1) as groff renders it at 80 columns (warnings on), and groff's warnings.
    static func renderedManual() throws -> (page: String, warnings: String) {
        let manual = (migshBinary as NSString).deletingLastPathComponent + "/migsh-manual"
        let roff = try runProcess(manual, ["2026-12-06"])
        try #require(roff.status == 0 && roff.stderr.isEmpty, "\(roff)")
        let rendered = try runProcess("/usr/bin/env", ["groff", "-man", "-Tutf8", "-rLL=80n", "-ww", "-P-c", "-P-b", "-P-u"],
                                      stdin: Data(roff.stdout.utf8))
        try #require(rendered.status == 0, "\(rendered)")
        return (rendered.stdout, rendered.stderr)
    }

    @Test("the man page: every option of --help, the examples and tables with their columns, the real exit codes, no help subcommand")
    func manualPage() throws {
        let (page, warnings) = try Self.renderedManual()
        #expect(warnings.isEmpty, "\(warnings)")
        let lines = page.components(separatedBy: "\n")
        let trimmed = Set(lines.map { $0.trimmingCharacters(in: .whitespaces) })
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "ARGUMENTS", "OPTIONS", "EXAMPLES", "ENVIRONMENT", "EXIT STATUS"] {
            #expect(lines.contains(section), "section \(section)")
        }
        #expect(trimmed.contains("migsh [OPTIONS] [database] [commands ...]"), "\(page.prefix(600))")
        #expect(!page.contains("subcommand"), "generate-manual's help subcommand: migsh has none")
        #expect(lines.allSatisfy { $0.count <= 80 || $0.hasPrefix("  ") }, "a filled line wider than 80 columns")
        // The option lines of --help (an independent rendering of the same declarations):
        // each option's names and value, in the OPTIONS section.
        let help = try runProcess(migshBinary, ["--help"])
        let options = "\n" + (page.components(separatedBy: "\nOPTIONS\n").last?.components(separatedBy: "\nEXAMPLES\n").first ?? "")
        let helpOptions = help.stdout.matches(of: /\n  (-[a-z], )?--[a-z-]+( <[a-z.]+>)?/).map {
            String($0.output.0).trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "<", with: "").replacingOccurrences(of: ">", with: "")
        }
        try #require(helpOptions.count > 25, "\(help)")
        for option in helpOptions {
            #expect(options.contains("\n       " + option), "OPTIONS lacks \(option)")
        }
        // The discussion's aligned lines, kept whole and in their columns.
        for line in ["migsh app.sqlite '.apply --yes'   a verified backup, then the migrations",
                     "MIGSH_MIGRATIONS   the migrations folder when -m is not given",
                     "0 success, 1 an error, 2 a usage error, 3 the database is newer than"] {
            let kept = trimmed.contains(line)
            #expect(kept, "not a line of the page: \(line)")
        }
        #expect(help.stdout.contains("'.apply --yes'   a verified backup, then the migrations"))
    }

    /// migsh links FoundationEssentials, not full Foundation and ICU's 34 MB of data (issue 25;
    /// docs/foundation.md). scripts/check-binary looks at the release binary the same way.
    @Test("the binary under test loads no full Foundation and carries no ICU data")
    func noFullFoundation() throws {
        let check = try runProcess(repositoryRoot + "/scripts/check-binary", [migshBinary])
        #expect(check.status == 0, "\(check)")
        #expect(check.stderr.contains("no full Foundation"), "\(check)")
        // The check itself fails on a binary that has them: the test runner links Foundation.
        let testRunner = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let runnerCheck = try runProcess(repositoryRoot + "/scripts/check-binary", [testRunner])
        #expect(runnerCheck.status == 1, "\(runnerCheck)")
        #expect(runnerCheck.stderr.contains("full Foundation"), "\(runnerCheck)")
    }

    /// scripts/build-release links through scripts/link-release, which moves the symbols into
    /// FILE.debug and strips FILE; check-binary must then read the symbols there (a stripped
    /// binary has none for nm to find). Two small C programs linked the same way, one with
    /// a symbol named as ICU's data is, stand in for migsh (a release build takes minutes).
    @Test("a binary split by scripts/link-release: stripped, its symbols in FILE.debug, where check-binary finds ICU's data")
    func splitDebugFile() throws {
        try withTemporaryDirectory { dir in
            let sources = ["icu.c": "__attribute__((used)) const char icudt76_dat[16] = {1};\nint main(void) { return icudt76_dat[1]; }\n",
                           "clean.c": "int main(void) { return 0; }\n"]
            for (name, text) in sources {
                try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name))
                let link = try runProcess("/usr/bin/env", ["clang", "-g", "-Wl,--build-id", "--ld-path=" + repositoryRoot + "/scripts/link-release",
                                                           "-o", dir + "/" + name.dropLast(2), dir + "/" + name])
                try #require(link.status == 0, "\(link)")
            }
            let sections = try runProcess("/usr/bin/env", ["readelf", "-S", "-W", dir + "/icu"])
            #expect(!sections.stdout.contains(".symtab") && !sections.stdout.contains(".debug_info"), "\(sections.stdout)")
            #expect(sections.stdout.contains(".gnu_debuglink"), "\(sections.stdout)")
            let kept = try runProcess("/usr/bin/env", ["nm", dir + "/icu.debug"])
            #expect(kept.stdout.contains("icudt76_dat"), "\(kept)")
            let run = try runProcess(dir + "/icu", [])
            #expect(run.status == 0, "the stripped program still runs: \(run)")

            let check = { (binary: String) in try runProcess(repositoryRoot + "/scripts/check-binary", [binary]) }
            // Beside the binary (the build), then in .debug/ beside it (scripts/install).
            let beside = try check(dir + "/icu")
            #expect(beside.status == 1 && beside.stderr.contains("icudt") && beside.stderr.contains("icu.debug"), "\(beside)")
            let clean = try check(dir + "/clean")
            #expect(clean.status == 0 && clean.stderr.contains("no full Foundation"), "\(clean)")
            try FileManager.default.createDirectory(atPath: dir + "/.debug", withIntermediateDirectories: true)
            try FileManager.default.moveItem(atPath: dir + "/icu.debug", toPath: dir + "/.debug/icu.debug")
            let installed = try check(dir + "/icu")
            #expect(installed.status == 1 && installed.stderr.contains("icudt"), "\(installed)")
            // Another build's debug file under the name is no answer; neither is none at all.
            try FileManager.default.removeItem(atPath: dir + "/.debug/icu.debug")
            try FileManager.default.copyItem(atPath: dir + "/clean.debug", toPath: dir + "/.debug/icu.debug")
            let stale = try check(dir + "/icu")
            #expect(stale.status == 1 && stale.stderr.contains("another build ID"), "\(stale)")
            try FileManager.default.removeItem(atPath: dir + "/.debug/icu.debug")
            let missing = try check(dir + "/icu")
            #expect(missing.status == 1 && missing.stderr.contains("nothing to check"), "\(missing)")
        }
    }
}
