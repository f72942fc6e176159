import Foundation
import Testing

/// Dot-command names, prefixes, quoting and extra arguments as sqlite3 3.40 reads them: each
/// line goes through /usr/bin/sqlite3 and the built migsh, in folders of their own holding a
/// copy of the corpus database (`SQLiteCommandsTests.fixture`) and its files.
@Suite("dot-command names, prefixes and arguments as sqlite3 reads them")
struct DotCommandNamesTests {
    /// A run of one script in a fresh folder; paths to the folder print as `FOLDER`.
    struct Run: Equatable, CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
    }

    enum Program { case sqlite3, migsh, migshBailing }

    static func run(_ program: Program, _ script: String, in dir: String) throws -> Run {
        let source = dir + "/fixture.sqlite"
        if !FileManager.default.fileExists(atPath: source) { _ = sqlite(source, SQLiteCommandsTests.fixture) }
        let folder = dir + "/" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.copyItem(atPath: source, toPath: folder + "/db")
        var files = SQLiteCommandsTests.files
        files["in.sql"] = "select 'read' || 42;\n"
        for (name, text) in files { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        let (executable, arguments): (String, [String]) = switch program {
        case .sqlite3: (sqlite3Binary, ["-init", "/dev/null", "db"])
        case .migsh: (migshBinary, ["--noinit", "--no-bail", "db"])
        case .migshBailing: (migshBinary, ["--noinit", "db"])  // batch mode's default: bail on
        }
        let result = try runCollectingBytes(executable, arguments, stdin: Data(script.utf8), in: folder)
        func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self).replacing(folder, with: "FOLDER") }
        return Run(status: result.status, stdout: text(result.stdout), stderr: text(result.stderrBytes))
    }

    // MARK: Prefixes

    /// A command migsh has under sqlite3's name, and a script that shows which command ran:
    /// `{}` stands for the name. `sameAsSQLite3`: migsh's output is sqlite3's, byte for byte;
    /// otherwise (migsh's own meaning of the name) only migsh's full name is the reference.
    struct Named: CustomTestStringConvertible, Sendable {
        var name: String
        var script: String
        var sameAsSQLite3 = true
        var testDescription: String { "." + name }
    }

    static let named: [Named] = [
        Named(name: "bail", script: ".{} on\nselect nosuch;\nselect 'after';\n"),
        Named(name: "cd", script: ".{} .\nselect 'after';\n"),
        Named(name: "changes", script: ".{} on\ninsert into t2 values(3,'three');\n"),
        Named(name: "databases", script: ".{}\n"),
        Named(name: "dump", script: ".{} t2\n"),
        Named(name: "echo", script: ".{} on\nselect 1;\n"),
        Named(name: "eqp", script: ".{} on\nselect * from t2 where x=1;\n"),
        Named(name: "exit", script: ".{} 3\nselect 'after';\n"),
        Named(name: "explain", script: ".{} off\nexplain select 1;\n"),
        Named(name: "expert", script: ".{}\nselect * from t2 where x = 1;\n"),
        Named(name: "fullschema", script: ".{}\n"),
        Named(name: "headers", script: ".{} on\nselect 1 as a;\n"),
        Named(name: "import", script: ".{} --csv good.csv t_new\nselect * from t_new;\n"),
        Named(name: "indexes", script: ".{} t1\n"),
        Named(name: "indices", script: ".{} t1\n"),
        Named(name: "mode", script: ".{} csv\nselect 1, 'a b';\n"),
        Named(name: "nullvalue", script: ".{} NUL\nselect null;\n"),
        Named(name: "once", script: ".{} o.txt\nselect 1;\nselect 2;\n"),
        Named(name: "open", script: ".{} db\nselect count(*) from t2;\n"),
        Named(name: "output", script: ".{} o.txt\nselect 1;\n.output\nselect 2;\n"),
        Named(name: "parameter", script: ".{} set :a 5\nselect :a;\n"),
        Named(name: "print", script: ".{} hello world\n"),
        Named(name: "prompt", script: ".{} x\nselect 'after';\n"),
        Named(name: "progress", script: ".{} 2 --limit 3\nselect 'after';\nselect count(*) from (select 1 union select 2);\n"),
        Named(name: "quit", script: ".{}\nselect 'after';\n"),
        Named(name: "read", script: ".{} in.sql\n"),
        Named(name: "schema", script: ".{} t2\n"),
        Named(name: "separator", script: ".{} |\nselect 1, 2;\n"),
        Named(name: "sha3sum", script: ".{} t2\n"),
        Named(name: "shell", script: ".{} echo hi\n"),
        Named(name: "show", script: ".{}\n"),
        Named(name: "stats", script: ".{} off\nselect 'after';\n"),
        Named(name: "system", script: ".{} echo hi\n"),
        Named(name: "tables", script: ".{} t%\n"),
        Named(name: "timeout", script: ".{} 100\nselect 'after';\n"),
        Named(name: "timer", script: ".{} off\nselect 'after';\n"),
        Named(name: "auth", script: ".{} on\nselect x from t2 limit 1;\n"),
        Named(name: "imposter", script: ".{} i1 imp\nselect count(*) from imp;\n"),
        Named(name: "breakpoint", script: ".{} x\nselect 'after';\n"),
        Named(name: "wheretrace", script: ".{} on\nselect 'after';\n"),
        Named(name: "selecttrace", script: ".{} 1\nselect 'after';\n"),
        Named(name: "treetrace", script: ".{}\nselect 'after';\n"),
        Named(name: "selftest", script: ".{}\nselect 'after';\n"),
        Named(name: "session", script: ".{} open main s1\n.{} list\n.{} isempty\n"),
        Named(name: "connection", script: ".{} 1\n.{}\n"),
        Named(name: "testctrl", script: ".{} byteorder\nselect 'after';\n"),
        Named(name: "testcase", script: ".{} t1\nselect 1;\n.check 1\nselect 'after';\n"),
        Named(name: "width", script: ".mode column\n.{} -10\nselect 12345;\n"),
        Named(name: "limit", script: ".{} length 5000\nselect 'after';\n"),
        Named(name: "limits", script: ".{} column\nselect 'after';\n"),
        Named(name: "dbconfig", script: ".{} trigger_eqp\nselect 'after';\n"),
        Named(name: "vfsinfo", script: ".{}\nselect 'after';\n"),
        Named(name: "vfsname", script: ".{}\nselect 'after';\n"),
        Named(name: "archive", script: ".{} -cn x\n.{} -tv\nselect 'after';\n"),
        // sqlite3's shell registers one more VFS (apndvfs): the first entry shows the command ran.
        Named(name: "vfslist", script: ".{}\n", sameAsSQLite3: false),
        Named(name: "scanstats", script: ".{} on\nselect 'after';\n"),
        Named(name: "binary", script: ".{} on\nselect 'after';\n"),
        Named(name: "nonce", script: ".{} x\nselect 'after';\n"),
        Named(name: "trace", script: ".{} stdout\nselect 'traced';\n"),
        Named(name: "load", script: ".{} ./no-such-extension\nselect 'after';\n"),
        Named(name: "filectrl", script: ".{} data_version\nselect 'after';\n"),
        Named(name: "save", script: ".{} saved.db\nattach 'saved.db' as s;\nselect count(*) from s.t2;\n"),
        Named(name: "log", script: ".{} stdout\nselect 'after';\n"),
        Named(name: "clone", script: ".{} cloned.db\nattach 'cloned.db' as c;\nselect count(*) from c.t2;\n"),
        // sqlite3's .dbinfo and .recover fail on Debian's library (RecoverTests has 3.40.1's output).
        Named(name: "dbinfo", script: ".{}\n", sameAsSQLite3: false),
        Named(name: "recover", script: ".{}\n", sameAsSQLite3: false),
        // migsh's own meaning of sqlite3's name: `--help` shows which command ran.
        Named(name: "backup", script: ".{} --help\n", sameAsSQLite3: false),
        Named(name: "check", script: ".{} --help\n", sameAsSQLite3: false),
        Named(name: "help", script: ".{} tables\n", sameAsSQLite3: false),
        Named(name: "lint", script: ".{} --help\n", sameAsSQLite3: false),
        Named(name: "restore", script: ".{} --help\n", sameAsSQLite3: false),
        Named(name: "version", script: ".{} --help\n", sameAsSQLite3: false),
    ]

    /// Every command sqlite3 3.40's `.help` lists, and its undocumented ones; `.excel` opens a
    /// program and is left out. (`sqlite3NamesAreComplete` checks the list against `.help`.)
    static let sqlite3Names = [
        "archive", "auth", "backup", "bail", "binary", "cd", "changes", "check", "clone", "connection", "databases",
        "dbconfig", "dbinfo", "dump", "echo", "eqp", "exit", "expert", "explain", "filectrl", "fullschema",
        "headers", "help", "import", "imposter", "indexes", "limit", "lint", "load", "log", "mode", "nonce",
        "nullvalue", "once", "open", "output", "parameter", "print", "progress", "prompt", "quit", "read",
        "recover", "restore", "save", "scanstats", "schema", "selftest", "separator", "session", "sha3sum",
        "shell", "show", "stats", "system", "tables", "testcase", "testctrl", "timeout", "timer", "trace",
        "vfsinfo", "vfslist", "vfsname", "width",
        "indices", "version", "breakpoint", "wheretrace", "selecttrace", "treetrace",
    ]

    @Test("the list of sqlite3's commands is its .help's")
    func sqlite3NamesAreComplete() throws {
        try withTemporaryDirectory { dir in
            let help = try Self.run(.sqlite3, ".help\n", in: dir).stdout
            let listed = help.split(separator: "\n").filter { $0.hasPrefix(".") }.map { String($0.split(separator: " ")[0].dropFirst()) }
            #expect(Set(listed).subtracting(Self.sqlite3Names) == ["excel"], "\(listed)")
        }
    }

    /// What tells sqlite3's commands apart, `{}` for the name: runs with no word, with an
    /// option no command has, and with a number.
    /// (`--x` would be `.once -x`: a spreadsheet.)
    static let probes = [".{}\nselect 'after';\n", ".{} --zz\nselect 'after';\n", ".{} 0\nselect 'after';\n"]

    static func sqlite3Identity(_ name: String, in dir: String) throws -> [Run] {
        try probes.map { try run(.sqlite3, $0.replacing("{}", with: name), in: dir) }
    }

    /// `prefix`'s identity as `name`'s would read: `.lint`'s usage names the word typed.
    static func identity(_ runs: [Run], of prefix: String, as name: String) -> [Run] {
        runs.map { var run = $0; run.stderr = run.stderr.replacing("Usage \(prefix) ", with: "Usage \(name) "); return run }
    }

    /// Each full name's identity in sqlite3, taken once.
    static let identities: [String: [Run]] = {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("migsh-names-" + UUID().uuidString).path
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return Dictionary(uniqueKeysWithValues: sqlite3Names.map { ($0, try! sqlite3Identity($0, in: dir)) })
    }()

    /// The command sqlite3 reads `.PREFIX` as (`command`'s own script tells it from
    /// look-alikes: `.t 100` and `.timeout 100` both print nothing), "" when sqlite3 says
    /// "unknown command", nil when its runs cannot tell.
    static func sqlite3Reading(_ prefix: String, of command: Named, in dir: String) throws -> String? {
        let identity = try sqlite3Identity(prefix, in: dir)
        if identity[0].stderr.contains("unknown command or invalid arguments") { return "" }
        var candidates = sqlite3Names.filter { $0.hasPrefix(prefix) && identities[$0] == Self.identity(identity, of: prefix, as: $0) }
        // .indices is .indexes.
        if candidates.contains("indexes") && candidates.contains("indices") { candidates.removeAll { $0 == (command.name == "indices" ? "indexes" : "indices") } }
        if candidates.contains(command.name) {
            let script = { (name: String) in try run(.sqlite3, command.script.replacing("{}", with: name), in: dir) }
            if try script(prefix) != script(command.name) { candidates.removeAll { $0 == command.name } }
        }
        return candidates.count == 1 ? candidates[0] : nil
    }

    /// Where sqlite3's runs differ by more than the command (the word typed is in the usage
    /// they print: `.o --zz` lists .once, .open and .output; memory figures and timings
    /// move), read by hand: `.o f` then two queries writes only the first to f (.once); `.w
    /// -10` does not right-align a column (.wheretrace, a no-op, not .width); `.r` prints
    /// `.recover`'s script; the others print their command's output.
    static let readByHand = [
        "lin": "lint", "o": "once", "r": "recover", "re": "recover", "w": "wheretrace",
        "self": "selftest", "selft": "selftest", "selfte": "selftest", "selftes": "selftest", "selftest": "selftest",
        "sha3": "sha3sum", "sha3s": "sha3sum", "sha3su": "sha3sum", "sha3sum": "sha3sum",
        "st": "stats", "sta": "stats", "stat": "stats", "stats": "stats", "timer": "timer",
    ]

    /// migsh's own commands: sqlite3 has no command of these names, and their prefixes that
    /// sqlite3 knows not run them here (`.te` is `.test`).
    static let ownNames = ["history", "pending", "apply", "backups", "baseline", "diff", "repair", "test", "audit",
                           "scratch", "record", "new", "rebuild", "seal", "pager", "edit"]

    @Test("every prefix of every sqlite3 command runs what sqlite3 runs, or is refused naming sqlite3's command, or is unknown as there",
          arguments: sqlite3Names.map { name in named.first { $0.name == name } ?? Named(name: name, script: ".{} --zz\nselect 'after';\n") })
    func everyPrefix(_ command: Named) throws {
        try withTemporaryDirectory { dir in
            let full = command.script.replacing("{}", with: command.name)
            if Self.named.contains(where: { $0.name == command.name }) && command.sameAsSQLite3 {
                let theirs = try Self.run(.sqlite3, full, in: dir), ours = try Self.run(.migsh, full, in: dir)
                #expect(ours.stdout == theirs.stdout && ours.status == theirs.status, "the full name: migsh\n\(ours)\nsqlite3\n\(theirs)")
            }
            var accepted: [String] = []
            for length in 1...command.name.count {
                let prefix = String(command.name.prefix(length))
                guard let theirs = try Self.sqlite3Reading(prefix, of: command, in: dir) ?? Self.readByHand[prefix] else {
                    Issue.record(".\(prefix): sqlite3's runs do not tell which command it is: \(try Self.sqlite3Identity(prefix, in: dir))")
                    continue
                }
                let ours = try Self.run(.migsh, command.script.replacing("{}", with: prefix), in: dir)
                if theirs == command.name { accepted.append(prefix) }
                if theirs == "" {
                    // sqlite3 knows no such command: migsh refuses it too (exit 1 there, and the script goes on).
                    let reference = try Self.run(.sqlite3, command.script.replacing("{}", with: prefix), in: dir)
                    #expect(ours.status == reference.status && ours.stdout == reference.stdout, ".\(prefix): migsh\n\(ours)\nsqlite3\n\(reference)")
                    #expect(ours.stderr.contains("unknown command") || ours.stderr.contains("ambiguous command")
                            || Self.ownNames.contains { $0.hasPrefix(prefix) && ours.stderr.contains(".\($0):") }, ".\(prefix): \(ours)")
                } else if Self.named.contains(where: { $0.name == theirs }) {
                    // A command migsh has: the prefix runs it, as its full name does with the same words.
                    let reference = try Self.run(.migsh, command.script.replacing("{}", with: theirs), in: dir)
                    #expect(ours == reference, ".\(prefix) (sqlite3's .\(theirs)): migsh\n\(ours)\nmigsh .\(theirs)\n\(reference)")
                } else {
                    // One migsh does not have: refused, naming it, never another command.
                    #expect(ours.status == 1, ".\(prefix): \(ours)")
                    #expect(ours.stderr.contains(prefix == theirs ? ".\(theirs) is sqlite3's," : "\".\(prefix)\" is sqlite3's .\(theirs),"),
                            ".\(prefix): \(ours)")
                }
            }
            // sqlite3 takes the full name (and here, which of its prefixes it takes).
            #expect(accepted.last == command.name, ".\(command.name): sqlite3 read as it \(accepted)")
        }
    }

    @Test("a prefix of migsh's own commands runs the one it names; an ambiguous one lists the candidates",
          arguments: [("hist", "history"), ("pe", "pending"), ("ap", "apply"), ("aud", "audit"), ("backups", "backups"),
                      ("bas", "baseline"), ("di", "diff"), ("rep", "repair"), ("te", "test"), ("scr", "scratch"),
                      ("recor", "record"), ("ne", "new"), ("reb", "rebuild"), ("sea", "seal")])
    func ownPrefixes(prefix: String, name: String) throws {
        try withTemporaryDirectory { dir in
            let short = try Self.run(.migsh, ".\(prefix) --help\n", in: dir)
            let full = try Self.run(.migsh, ".\(name) --help\n", in: dir)
            #expect(short == full && full.status == 0 && full.stdout.contains("USAGE: .\(name)"), ".\(prefix): \(short)")
        }
    }

    @Test("an ambiguous prefix: exit 1 as in sqlite3, the candidates on standard error, the script goes on (no bail)",
          arguments: [("b", ".backup, .backups, .bail, .baseline, .binary, .breakpoint"), ("ba", ".backup, .backups, .bail, .baseline"),
                      ("ti", ".timeout, .timer"), ("tim", ".timeout, .timer"), ("ch", ".changes, .check")])
    func ambiguousPrefixes(prefix: String, candidates: String) throws {
        try withTemporaryDirectory { dir in
            let script = ".\(prefix)\nselect 'after';\n"
            let theirs = try Self.run(.sqlite3, script, in: dir)
            let ours = try Self.run(.migsh, script, in: dir)
            #expect(theirs.stderr.contains("unknown command"), "\(theirs)")
            #expect(ours.status == theirs.status && ours.stdout == theirs.stdout, "migsh\n\(ours)\nsqlite3\n\(theirs)")
            #expect(ours.stderr == "Error: near line 1: ambiguous command: \".\(prefix)\" could be \(candidates). Enter \".help\" for help\n",
                    "\(ours)")
        }
    }

    @Test("names are case-sensitive, as in sqlite3: a case slip is sqlite3's unknown command, byte for byte")
    func caseSensitive() throws {
        try withTemporaryDirectory { dir in
            for name in ["VERSION", "Tables", "Q"] {
                let script = ".\(name)\nselect 'after';\n"
                let theirs = try Self.run(.sqlite3, script, in: dir)
                let ours = try Self.run(.migsh, script, in: dir)
                #expect(theirs.status == 1 && ours == theirs, "migsh\n\(ours)\nsqlite3\n\(theirs)")
            }
        }
    }

    // MARK: Quoting

    @Test("a quoted name is unquoted, white space after the dot skipped, a lone dot ignored: byte for byte as sqlite3")
    func quotedNames() throws {
        try withTemporaryDirectory { dir in
            let script = """
                .'print' hi
                ."print" "a\\tb"
                .'print'joined words
                ."headers" on
                select 1 as a;
                .'head' off
                .  print spaced
                .
                .'tables' 't%'
                select 'after';

                """
            let theirs = try Self.run(.sqlite3, script, in: dir)
            let ours = try Self.run(.migshBailing, script, in: dir)
            #expect(ours == theirs, "migsh\n\(ours)\nsqlite3\n\(theirs)")
            #expect(ours.stdout.hasPrefix("hi\na\tb\njoined words\na\n1\nspaced\n"), "\(ours)")
        }
    }

    // MARK: .help PATTERN

    @Test(".help PATTERN: a prefix of one command shows its whole help; of several, one line each; else commands whose help mentions it")
    func helpPatterns() throws {
        try withTemporaryDirectory { dir in
            let tables = try Self.run(.migsh, ".help ta\n", in: dir)
            #expect(tables.status == 0 && tables.stdout.contains("USAGE: .tables") && !tables.stdout.contains(".timer"), "\(tables)")
            #expect(tables == (try Self.run(.migsh, ".help tables\n", in: dir)))
            let several = try Self.run(.migsh, ".help ba\n", in: dir)
            let lines = several.stdout.split(separator: "\n")
            #expect(several.status == 0 && lines.count == 4, "\(several)")
            for name in [".backup ", ".backups ", ".bail ", ".baseline "] {
                #expect(lines.contains { $0.hasPrefix(name) }, "\(name) missing:\n\(several)")
            }
            // A glob, as sqlite3's `.PATTERN*`.
            let glob = try Self.run(.migsh, ".help t*s\n", in: dir)
            #expect(glob.stdout.contains(".tables [") && glob.stdout.contains(".test [") && !glob.stdout.contains(".timer")
                    && !glob.stdout.contains(".audit"), "\(glob)")
            // Not a prefix: every command whose help says it, in full.
            let like = try Self.run(.migsh, ".help LIKE\n", in: dir)
            #expect(like.status == 0 && like.stdout.contains("USAGE: .tables") && like.stdout.contains("USAGE: .indexes")
                    && !like.stdout.contains("USAGE: .apply"), "\(like)")
            // The exact name and migsh's `.help .NAME`: that command; -a, --all, 0: all of them.
            #expect((try Self.run(.migsh, ".help .backup\n", in: dir)).stdout.contains("USAGE: .backup [<file>]"))
            let all = try Self.run(.migsh, ".help\n", in: dir)
            for pattern in ["-a", "-all", "--all", "0"] {
                #expect(try Self.run(.migsh, ".help \(pattern)\n", in: dir) == all, "\(pattern)")
            }
        }
    }

    @Test(".help PATTERN that matches nothing: sqlite3's line on standard output, exit 0, the script goes on")
    func helpNothingMatches() throws {
        try withTemporaryDirectory { dir in
            let script = ".help zzz\n.help 'no such'\nselect 'after';\n"
            let theirs = try Self.run(.sqlite3, script, in: dir)
            let ours = try Self.run(.migshBailing, script, in: dir)
            #expect(ours == theirs, "migsh\n\(ours)\nsqlite3\n\(theirs)")
            #expect(ours.stdout == "Nothing matches 'zzz'\nNothing matches 'no such'\nafter\n")
        }
    }

    // MARK: Extra arguments

    /// Every sqlite3 command migsh has, with words after the ones it takes (and a few with
    /// words missing). Found by running each through both programs and comparing exit codes.
    static let extraArguments: [String] = [
        ".bail off x", ".changes on x", ".echo off x", ".headers on x", ".timer off x", ".eqp off x",
        ".explain off x", ".explain auto x", ".stats off x", ".cd . x", ".databases x", ".dump t2 x",
        ".fullschema x", ".fullschema --indent x", ".indexes t1 x", ".tables a b", ".tables t% x y", ".schema t2 x",
        ".show x", ".print a b", ".prompt a b c", ".timeout", ".timeout 5 x", ".timeout x", ".width 1 2 3",
        ".nullvalue a b", ".separator , x y", ".mode list x", ".mode list x y", ".output o.txt x", ".once o.txt x",
        ".read in.sql x", ".sha3sum t2 x", ".shell true x", ".system true x",
        ".parameter list x", ".parameter set :a 1 x", ".parameter init x", ".parameter clear x",
        ".parameter unset :a x", ".parameter", ".parameter bogus",
        ".help tables x", ".help zzz x", ".quit now", ".quit 3", ".exit 0 x", ".exit x", ".exit 3x", ".exit 0x3", ".exit -1",
        ".import good.csv t_x x", ".open db x", ".prompt",
        ".headers tables", ".echo 3", ".bail 0x0", ".timer true", ".header on x", ".param list x",
    ]

    @Test("a word sqlite3 ignores is ignored (at most a warning on stderr) and never stops a script sqlite3 runs to the end",
          arguments: extraArguments)
    func extraArgument(_ line: String) throws {
        try withTemporaryDirectory { dir in
            let script = line + "\nselect 'after';\n"
            let theirs = try Self.run(.sqlite3, script, in: dir)
            let ours = try Self.run(.migshBailing, script, in: dir)
            #expect(ours.status == theirs.status, "migsh\n\(ours)\nsqlite3\n\(theirs)")
            if theirs.status == 0 {
                // migsh's own .help lists migsh's commands.
                if !line.hasPrefix(".help") {
                    #expect(ours.stdout == theirs.stdout, "migsh\n\(ours)\nsqlite3\n\(theirs)")
                }
                let warnings = ours.stderr.split(separator: "\n").filter { !$0.hasPrefix("warning: ") }
                #expect(warnings.isEmpty || ours.stderr == theirs.stderr, "migsh\n\(ours)\nsqlite3\n\(theirs)")
            }
        }
    }

    @Test("the warning names the words ignored")
    func extraArgumentWarning() throws {
        try withTemporaryDirectory { dir in
            let result = try Self.run(.migshBailing, ".tables t% x 'y z'\nselect 'after';\n", in: dir)
            #expect(result.status == 0 && result.stdout.hasSuffix("after\n"), "\(result)")
            #expect(result.stderr == "warning: .tables ignores \"x\" \"y z\", as sqlite3 does\n", "\(result)")
        }
    }
}
