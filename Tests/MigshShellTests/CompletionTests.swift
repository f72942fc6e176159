import Foundation
@testable import MigshShell
import Testing

/// Completion from the commands' own declarations, against fixed sources.
@Suite("Completion")
struct CompletionTests {
    struct Sources: CompletionSources {
        func migrationVersions(pendingOnly: Bool) -> [Int] { pendingOnly ? [4, 5] : [1, 2, 3, 4, 5] }
        func backupNames() -> [String] { ["migration_backup_20261201_101010.sqlite", "manual.sqlite"] }
        func backupVersions() -> [Int] { [2, 3] }
        func migrationFileNames() -> [String] { ["001_initial_schema.sql", "002_add_us_domestic_content.sql"] }
        func tableNames() -> [String] { ["Projects", "Products"] }
        func columnNames() -> [String] { ["project_id", "product_name"] }
        func columnNames(of table: String) -> [String] {
            switch table { case "Projects": ["project_id", "project_name", "location"]; case "Products": ["product_id", "product_name"]; default: [] }
        }
    }

    let completion = Completion(sources: Sources())

    func complete(_ line: String) -> [String] {
        let word = line.hasSuffix(" ") ? "" : String(line.split(separator: " ", omittingEmptySubsequences: false).last ?? "")
        return completion.candidates(line: line, word: word)
    }

    @Test("command names")
    func commandNames() {
        #expect(complete(".ap") == [".apply"])
        #expect(complete(".re").contains(".restore") && complete(".re").contains(".repair") && complete(".re").contains(".read"))
    }

    @Test("options come from the command's declaration: .apply offers --resume")
    func options() {
        #expect(Set(complete(".apply --")) == ["--to", "--dry-run", "--resume", "--yes"])
        #expect(complete(".apply --re") == ["--resume"])
        #expect(!complete(".apply --resume --").contains("--resume"))
    }

    @Test("--to offers the pending versions only; .diff offers every version")
    func versions() {
        #expect(complete(".apply --to ") == ["4", "5"])
        #expect(complete(".test --to ") == ["4", "5"])
        #expect(complete(".diff ") == ["1", "2", "3", "4", "5"])
        #expect(complete(".baseline ") == ["4", "5"])
        // Only versions there is a backup of.
        #expect(complete(".restore --version ") == ["2", "3"])
    }

    @Test(".restore offers backups by their names in the backups folder")
    func backups() {
        #expect(complete(".restore mig") == ["migration_backup_20261201_101010.sqlite"])
    }

    @Test(".tables and .schema offer tables only; .audit offers verify once; .help offers commands")
    func arguments() {
        #expect(complete(".tables ") == ["Projects", "Products"])
        #expect(complete(".schema pro") == ["Projects", "Products"])
        #expect(complete(".audit ") == ["verify"])
        #expect(complete(".audit verify ") == ["--raw"])
        #expect(complete(".help .app") == [".apply"])
        #expect(complete(".mode bo") == ["box"])
        #expect(complete(".bail ") == ["on", "off"])
    }

    @Test("every argument of every command declares what it completes (its own `completion:`), none left to a default")
    func everyArgumentDeclares() {
        var undeclared: [String] = []
        for type in DotCommands.all {
            for argument in DeclaredArguments(type).arguments where argument.kind != "flag" && argument.shouldDisplay && argument.completes == nil {
                undeclared.append("\(DotCommands.name(of: type)) \(argument.names.first ?? argument.valueName ?? "?")")
            }
        }
        #expect(undeclared.isEmpty, "declare `completion:` (`.nothing` for free text): \(undeclared)")
    }

    @Test("every session source a command declares answers through the parser for the argument it is declared on")
    func everySessionSourceAnswers() {
        // The fixed sources above have something for every kind, so an empty answer means the
        // declaration cannot be reached (the argument's key, or the closure, is wrong).
        var silent: [String] = []
        var asked = 0
        for type in DotCommands.all {
            let declared = DeclaredArguments(type)
            for (index, argument) in declared.positionals.enumerated() where argument.completes == .custom {
                asked += 1
                if completion.custom(type, key: "positional@\(index)", before: [], word: "").isEmpty { silent.append("\(DotCommands.name(of: type)) #\(index)") }
            }
            for argument in declared.arguments where argument.kind == "option" && argument.completes == .custom {
                asked += 1
                let name = argument.names.first { $0.hasPrefix("--") } ?? argument.names[0]
                if completion.custom(type, key: name, before: [name], word: "").isEmpty { silent.append("\(DotCommands.name(of: type)) \(name)") }
            }
        }
        #expect(asked >= 10, "too few session sources found: \(asked)")
        #expect(silent.isEmpty, "declared but answering nothing: \(silent)")
    }

    @Test("fixed sets of words come from their enums: .record, .scratch, .pager, .eqp, .stats, .explain, on|off settings")
    func enumWords() {
        #expect(complete(".record ") == ["on", "off", "show", "clear"])
        #expect(complete(".scratch ") == ["reset", "keep", "diff"])
        #expect(complete(".pager ") == ["auto", "on", "off"])
        #expect(complete(".eqp ") == ["off", "on", "trigger", "full"])
        #expect(complete(".stats v") == ["vmstep"])
        #expect(complete(".explain a") == ["auto"])
        #expect(complete(".headers o") == ["on", "off"])
    }

    @Test(".import completes the file, then the table")
    func importFileThenTable() throws {
        let dir = NSTemporaryDirectory() + "migsh-completion-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/rows.csv", contents: Data())
        FileManager.default.createFile(atPath: dir + "/notes.md", contents: Data())
        #expect(complete(".import \(dir)/") == ["\(dir)/rows.csv"])
        #expect(complete(".import --csv \(dir)/rows.csv Pro") == ["Projects", "Products"])
    }

    @Test("file arguments complete paths; .lint offers .sql files and folders")
    func files() throws {
        let dir = NSTemporaryDirectory() + "migsh-completion-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/001_a.sql", contents: Data())
        FileManager.default.createFile(atPath: dir + "/notes.txt", contents: Data())
        #expect(complete(".lint \(dir)/") == ["\(dir)/001_a.sql", "\(dir)/sub/"])
        #expect(complete(".read \(dir)/n") == ["\(dir)/notes.txt"])
    }

    @Test("SQL: tables after FROM, JOIN, INTO, UPDATE and TABLE, whatever the case typed")
    func sqlTables() {
        #expect(complete("select * from Pro") == ["Projects", "Products"])
        #expect(complete("select * from pro") == ["Projects", "Products"])
        #expect(complete("insert into pr") == ["Projects", "Products"])
        #expect(complete("select * from Projects p join Prod") == ["Products"])
        #expect(complete("update ") == ["Projects", "Products"])
    }

    @Test("SQL: the statement's own columns after SELECT, WHERE, SET and ON; alias.column")
    func sqlColumns() {
        #expect(complete("select * from Projects where loc") == ["location"])
        #expect(complete("select * from Projects p where p.proj") == ["p.project_id", "p.project_name"])
        #expect(complete("select * from Projects p join Products q on q.") == ["q.product_id", "q.product_name"])
        #expect(complete("update Products set prod") == ["product_id", "product_name"])
        // A column of another table is not offered.
        #expect(complete("select * from Products where loc") == [])
    }

    @Test("SQL: keywords and functions elsewhere, in the case being typed")
    func sqlKeywords() {
        #expect(complete("sel") == ["select"])
        #expect(complete("SEL") == ["SELECT"])
        #expect(complete("select count(*) from Projects gro") == ["group", "group_concat("])
        #expect(complete("select upp").contains("upper("))
    }

    @Test("dot-commands complete whatever the case typed")
    func commandCase() {
        #expect(complete(".AP") == [".apply"])
        #expect(complete(".Hel") == [".help"])
    }

    @Test("fuzzy: the letters in order when nothing starts with them, prefix matches first")
    func fuzzy() {
        #expect(complete("select * from prj") == ["Projects"])
        #expect(complete("select * from Projects where pnm") == ["project_name"])
        #expect(complete(".apy") == [".apply"])
        // A prefix match hides the fuzzy ones.
        #expect(complete("select * from Pro") == ["Projects", "Products"])
    }

    @Test(".lint offers the migration files")
    func lintFiles() {
        #expect(complete(".lint 00") == ["001_initial_schema.sql", "002_add_us_domestic_content.sql"])
        #expect(complete(".lint 002") == ["002_add_us_domestic_content.sql"])
    }

    @Test("SQL: the columns of a FROM after the cursor complete before it")
    func columnsBeforeFrom() {
        #expect(completion.candidates(line: "select proj", word: "proj", after: " from Projects") == ["project_id", "project_name"])
        #expect(completion.candidates(line: "select p.loc", word: "p.loc", after: " from Projects p") == ["p.location"])
    }

    @Test("SQL over several lines: the FROM on an earlier line names the tables")
    func sqlMultiLine() {
        let c = completion.candidates(line: "where loc", word: "loc", statementBefore: "select *\nfrom Projects\n")
        #expect(c == ["location"])
    }
}
