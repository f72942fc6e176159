import ArgumentParser
import Foundation
import MigshCore
@testable import MigshShell
import Testing

/// sqlite3's settings commands and migsh's listing commands, run in process.
@Suite("Dot-commands in process: settings, listings, help")
struct DotCommandTests {
    @Test("a command with no declared arguments runs without the parser; every other one is parsed")
    func withoutParser() throws {
        var bare: [String] = []
        for type in DotCommands.all {
            let name = DotCommands.name(of: type)
            // The oracle: the parser's own value for the command given alone (a required
            // argument makes it refuse, which counts as declared).
            let declared = (try? type.parse([])).map { !Mirror(reflecting: $0).children.isEmpty } ?? true
            if try type.withoutArguments() != nil {
                bare.append(name)
                #expect(!declared, "\(name)")
            } else {
                #expect(declared, "\(name) declares no argument, yet goes through the parser")
            }
        }
        // (.check takes sqlite3's GLOB after .testcase: parsed.)
        #expect(bare.contains(".version") && bare.contains(".pending") && !bare.contains(".check"))
    }

    @Test("on|off settings without an argument answer with their usage, as sqlite3 does",
          arguments: [".bail", ".echo", ".headers", ".timer", ".changes"])
    func usageWithoutArgument(command: String) throws {
        let shell = try InProcessShell()
        #expect(!shell.run(command))
        #expect(shell.takeErrors() == "Usage: \(command) on|off\n")
        #expect(shell.takeOutput() == "")
    }

    @Test(".echo on prints each line before running it")
    func echo() throws {
        let shell = try InProcessShell()
        #expect(shell.run(".echo on"))
        #expect(shell.run("select 41 + 1;"))
        #expect(shell.takeOutput() == "select 41 + 1;\n42\n")
    }

    @Test(".timer on prints the run time after each statement")
    func timer() throws {
        let shell = try InProcessShell()
        #expect(shell.run(".timer on"))
        #expect(shell.run("select 1;"))
        let out = shell.takeOutput()
        #expect(out.hasPrefix("1\nRun Time: real "), "\(out)")
        #expect(shell.run(".timer off"))
        #expect(shell.run("select 2;"))
        #expect(shell.takeOutput() == "2\n")
    }

    @Test(".changes on prints the rows a statement changed and the total")
    func changes() throws {
        let shell = try InProcessShell(setup: "create table t(x);")
        #expect(shell.run(".changes on"))
        #expect(shell.run("insert into t values (1), (2);"))
        #expect(shell.run("delete from t where x = 1;"))
        #expect(shell.takeOutput() == "changes: 2   total_changes: 2\nchanges: 1   total_changes: 3\n")
    }

    @Test(".bail off goes on after an error; .bail on stops the script there")
    func bail() throws {
        for (setting, expected) in [("off", "1\n3\n"), ("on", "1\n")] {
            let shell = try InProcessShell()
            var script = ArrayLines(["select 1;", "select nosuch;", "select 3;"])
            #expect(shell.run(".bail \(setting)"))
            _ = try shell.shell.runScript(lines: &script, name: "t.sql")
            #expect(shell.takeOutput() == expected, "bail \(setting)")
            #expect(shell.takeErrors().contains("near line 2 of t.sql: no such column: nosuch"), "bail \(setting)")
        }
    }

    @Test(".headers on prints column names; .mode without an argument names the mode")
    func headersAndMode() throws {
        let shell = try InProcessShell()
        #expect(shell.run(".headers on"))
        #expect(shell.run("select 1 as one;"))
        #expect(shell.takeOutput() == "one\n1\n")
        #expect(shell.run(".mode csv"))
        #expect(shell.run(".mode"))
        #expect(shell.takeOutput() == "current output mode: csv\n")
    }

    @Test(".tables lists tables and views in columns; a pattern filters them")
    func tables() throws {
        let shell = try InProcessShell(setup: "create table alpha(x); create table beta(y); create view gamma as select 1;")
        #expect(shell.run(".tables"))
        #expect(shell.takeOutput() == "alpha  beta   gamma\n")
        #expect(shell.run(".tables b%"))
        #expect(shell.takeOutput() == "beta\n")
        #expect(shell.run(".tables nothing%"))
        #expect(shell.takeOutput() == "")
    }

    @Test(".schema prints each CREATE statement with its semicolon; a pattern filters by name or table")
    func schema() throws {
        let shell = try InProcessShell(setup: "create table alpha(x); create index alpha_x on alpha(x); create table beta(y);")
        #expect(shell.run(".schema alpha"))
        #expect(shell.takeOutput() == "CREATE TABLE alpha(x);\nCREATE INDEX alpha_x on alpha(x);\n")
    }

    @Test("with --json, listings are JSON documents")
    func jsonListings() throws {
        let shell = try InProcessShell(json: true, setup: "create table alpha(x);")
        #expect(shell.run(".tables"))
        #expect(shell.takeOutput() == "[\"alpha\"]\n")
        #expect(shell.run(".mode"))
        #expect(shell.takeOutput() == "{\"mode\":\"list\"}\n")
    }

    @Test(".open switches to another database; a missing one needs --new")
    func open() throws {
        let shell = try InProcessShell()
        let other = shell.dir + "/other.sqlite"
        #expect(!shell.run(".open \(other)"))
        #expect(shell.takeErrors().contains("database not found"))
        #expect(!FileManager.default.fileExists(atPath: other))
        #expect(shell.run(".open --new \(other)"))
        #expect(shell.session.configuration.databasePath == other)
        #expect(shell.run("create table here(x);"))
        #expect(shell.run(".tables"))
        #expect(shell.takeOutput() == "here\n")
    }

    @Test(".history lists the Schema_Version rows; .backup then .backups lists the backup")
    func historyAndBackups() throws {
        let shell = try InProcessShell()
        #expect(shell.run(".apply --to 2 --yes"))
        _ = shell.takeOutput()
        #expect(shell.run(".history"))
        let history = shell.takeOutput()
        #expect(history.contains("1        "), "\(history)")
        #expect(history.split(separator: "\n").count == 3, "\(history)")
        #expect(shell.run(".backup"))
        let backup = shell.takeOutput()
        #expect(backup.hasPrefix("backup: "), "\(backup)")
        #expect(shell.run(".backups"))
        let list = shell.takeOutput()
        // The folder, the header, the .apply backup and the manual one.
        #expect(list.split(separator: "\n").count == 4, "\(list)")
        #expect(list.contains("db-migration_backup_") && !list.contains("this database"), "\(list)")
        #expect(list.contains("manual"), "\(list)")
    }

    @Test(".help lists every command with its argument syntax; .help CMD and CMD --help show its help without -h, --help")
    func help() throws {
        let shell = try InProcessShell()
        #expect(shell.run(".help"))
        let all = shell.takeOutput()
        // Every command the sources declare (read from the files, not from the registry) has a
        // line of .help that starts with its name.
        let lines = all.split(separator: "\n")
        for name in try DotCommandSources.declaredNames() {
            #expect(lines.contains { $0 == name || $0.hasPrefix(name + " ") }, "\(name) missing from .help:\n\(all)")
        }
        #expect(all.contains(".apply [--to <version>] [--dry-run] [--resume] [--yes]"), "\(all)")
        #expect(all.contains(".bail <on|off>") && !all.contains(".headers [<on|off>]"), "\(all)")
        // Commands that parse their words themselves declare their real usage (issue 24).
        #expect(all.contains(".import [--csv|--ascii] [--skip <n>] [--schema <schema>] [-v] <file> <table>") && !all.contains(".import [<file> ...]"), "\(all)")
        #expect(all.contains(".new <description> ... [--from-session|--from-diff] [--allow-drop] [--allow-pending] [--app-version <x.y.z>]"), "\(all)")
        #expect(shell.run(".help .restore"))
        let one = shell.takeOutput()
        #expect(one.contains("USAGE: .restore"), "\(one)")
        #expect(!one.contains("--help"), "\(one)")
        #expect(shell.run(".apply --help"))
        let viaFlag = shell.takeOutput()
        #expect(viaFlag.contains("USAGE: .apply"), "\(viaFlag)")
        #expect(shell.takeErrors() == "")
    }

    @Test("every command declared in Sources/MigshShell/Commands is registered in DotCommands.all, under the name its type says")
    func everyCommandRegistered() throws {
        let declared = try DotCommandSources.declaredTypes()
        #expect(declared.count >= 50, "the scan of the sources found too few commands: \(declared)")
        #expect(declared.values.allSatisfy { $0.hasPrefix(".") }, "a command type not named after its command: \(declared.filter { !$0.value.hasPrefix(".") })")
        let registered = DotCommands.all.map { String(describing: $0) }
        #expect(Set(registered) == Set(declared.keys), "declared but not registered: \(Set(declared.keys).subtracting(registered).sorted()); registered but not declared: \(Set(registered).subtracting(declared.keys).sorted())")
        #expect(registered.count == Set(registered).count, "registered twice: \(registered)")
        for type in DotCommands.all {
            let typeName = String(describing: type)
            #expect(DotCommands.name(of: type) == declared[typeName], "\(typeName) runs as \(DotCommands.name(of: type))")
            // The lookup by name is a switch of its own: each command found by its name, as itself.
            let found = DotCommands.command(named: DotCommands.name(of: type)).map { ObjectIdentifier($0) }
            #expect(found == ObjectIdentifier(type), "\(typeName) is not found by its name \(DotCommands.name(of: type)) (found: \(String(describing: DotCommands.command(named: DotCommands.name(of: type)))))")
        }
        // sqlite3's other spellings, each the command it names there.
        for (alias, name) in [(".header", ".headers"), (".param", ".parameter"), (".indices", ".indexes"), (".limits", ".limit")] {
            #expect(DotCommands.command(named: alias).map { DotCommands.name(of: $0) } == name, "\(alias)")
        }
        #expect(DotCommands.command(named: ".versio") == nil && DotCommands.command(named: "version") == nil && DotCommands.command(named: "") == nil)
    }

    @Test("a word outside an argument's fixed set (.record bogus): the parser's error naming the words and the usage on stderr; the setting unchanged")
    func wordOutsideTheSet() throws {
        let shell = try InProcessShell()
        #expect(shell.run(".record on"))
        #expect(!shell.run(".record bogus"))
        let errors = shell.takeErrors()
        #expect(errors.contains("'bogus' is invalid") && errors.contains("'on', 'off', 'show' or 'clear'"), "\(errors)")
        #expect(errors.contains("Usage: .record [<on|off|show|clear>]"), "\(errors)")
        #expect(shell.takeOutput() == "")
        #expect(shell.session.recording)
    }

    @Test("the scan finds a command however it is declared: a refined protocol, an extension, another name, indented")
    func scanFindsEveryForm() {
        let texts = ["""
            protocol Toggle: Foo, DotCommand {}
            protocol LoudToggle: Toggle where Self: Sendable {}
            struct PlainCommand: DotCommand {
            struct ToggledCommand: LoudToggle {
              public struct NestedCommand : ParsableCommand, DotCommand {
            final class Oddly: DotCommand {
            struct LaterCommand {}
            extension LaterCommand: DotCommand {}
            struct NotACommand: ParsableCommand {
            """]
        #expect(DotCommandSources.commandTypes(in: texts) == ["PlainCommand", "ToggledCommand", "NestedCommand", "Oddly", "LaterCommand"])
    }

    @Test(".help CMD says what --json prints, from the command's declared Output, in words (never a Swift type's name); settings say nothing")
    func helpSaysWhatJSONPrints() throws {
        let shell = try InProcessShell()
        let own = [".version", ".history", ".pending", ".apply", ".test", ".diff", ".backup", ".backups", ".restore",
                   ".baseline", ".check", ".lint", ".audit", ".repair", ".record", ".rebuild", ".tables", ".schema", ".help"]
        for name in own {
            #expect(shell.run(".help \(name)"))
            let help = shell.takeOutput()
            let line = try #require(help.split(separator: "\n").first { $0.contains("--json prints") }, "\(name): \(help)")
            #expect(line.contains("--json prints one JSON "), "\(name): \(line)")
            // No Swift spelling: generics, optionals, qualified or CamelCase type names.
            #expect(line.firstMatch(of: #/[<>?]|\b[A-Z][a-z]+[A-Z]\w*|\w\.\w|Array|Dictionary|Optional|NoOutput/#) == nil, "\(name): \(line)")
        }
        for name in [".bail", ".headers", ".mode", ".quit", ".print"] where name != ".mode" {
            #expect(shell.run(".help \(name)"))
            #expect(!shell.takeOutput().contains("--json prints"), "\(name)")
        }
    }

    @Test("a no to .apply's question: a calm notice on stderr (no Error:), the plan and warnings before the question, nothing applied, audited as declined")
    func declinedConfirmation() throws {
        let shell = try InProcessShell()
        var asked: [String] = []
        shell.session.ask = { question in asked.append(question); return false }
        #expect(!shell.run(".apply"))
        let errors = shell.takeErrors()
        #expect(errors == "cancelled; nothing was changed\n", "\(errors)")
        #expect(shell.takeOutput() == "")
        let question = try #require(asked.first)
        #expect(question.hasSuffix("Update database?"), "\(question)")
        // 006's DROP TABLE warning comes before the question, not after it.
        let warning = try #require(question.range(of: "warning: 006_change_capacity_precision.sql"))
        #expect(warning.lowerBound < question.range(of: "Update database?")!.lowerBound)
        #expect(shell.session.currentVersion ?? 0 == 0)
        let audit = try String(contentsOfFile: shell.session.configuration.auditPath, encoding: .utf8)
        #expect(audit.contains(#""command":".apply","duration_ms":"#) && audit.contains(#""outcome":"declined""#), "\(audit)")
    }

    @Test("a mistyped command: sqlite3's line in a script (the did-you-mean is for the prompt: DotCommandNamesTests)")
    func didYouMean() throws {
        let shell = try InProcessShell()
        #expect(!shell.run(".aplly"))
        #expect(shell.takeErrors() == "Error: unknown command or invalid arguments:  \"aplly\". Enter \".help\" for help\n")
    }
}

/// Lines from an array, as a script.
struct ArrayLines: LineSource {
    var lines: [String]
    init(_ lines: [String]) { self.lines = lines }
    mutating func nextLine() -> [UInt8]? { lines.isEmpty ? nil : Array(lines.removeFirst().utf8) }
}

/// The dot-commands as the source files declare them: every type anywhere in
/// `Sources/MigshShell` that conforms to `DotCommand`, directly, through a protocol that
/// refines it (`OnOffSetting`) or in an extension, whatever its name (the registry is not
/// consulted). A command type is named `FooBarCommand` and runs as `.foobar`.
enum DotCommandSources {
    static var folder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/MigshShell").path
    }

    static func sources() throws -> [String] {
        let files = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        return try files.map { try String(contentsOfFile: folder + "/" + $0, encoding: .utf8) }
    }

    /// The names in an inheritance clause (`: A, B where …`).
    static func inherited(_ clause: Substring) -> [String] {
        clause.split(separator: "where").first.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } } ?? []
    }

    /// The names of the types that conform to `DotCommand`.
    static func commandTypes(in texts: [String]) -> Set<String> {
        var protocols: Set<String> = ["DotCommand"]
        var grew = true
        while grew {
            grew = false
            for text in texts {
                for m in text.matches(of: #/(?m)^[ \t]*(?:\w+[ \t]+)*protocol[ \t]+(\w+)[ \t]*:([^{]*)\{/#)
                where !protocols.contains(String(m.1)) && inherited(m.2).contains(where: protocols.contains) {
                    protocols.insert(String(m.1))
                    grew = true
                }
            }
        }
        var types: Set<String> = []
        for text in texts {
            for m in text.matches(of: #/(?m)^[ \t]*(?:\w+[ \t]+)*(?:struct|class|enum|actor|extension)[ \t]+([\w.]+)[ \t]*:([^{]*)\{/#)
            where inherited(m.2).contains(where: protocols.contains) {
                types.insert(String(m.1))
            }
        }
        return types
    }

    /// Type name → command name.
    static func declaredTypes() throws -> [String: String] {
        var types: [String: String] = [:]
        for type in commandTypes(in: try sources()) {
            types[type] = type.hasSuffix("Command") ? "." + type.dropLast("Command".count).lowercased() : "(not named FooCommand)"
        }
        return types
    }

    static func declaredNames() throws -> [String] { try declaredTypes().values.sorted() }
}
