import Foundation
@testable import MigshShell
import Testing

/// Completion from the commands' own declarations, against fixed sources.
@Suite("Completion")
struct CompletionTests {
    struct Sources: CompletionSources {
        func migrationVersions(pendingOnly: Bool) -> [Int] { pendingOnly ? [4, 5] : [1, 2, 3, 4, 5] }
        func backupNames() -> [String] { ["migration_backup_20261201_101010.sqlite", "manual.sqlite"] }
        func tableNames() -> [String] { ["Projects", "Products"] }
        func columnNames() -> [String] { ["project_id", "product_name"] }
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
        #expect(complete(".restore --version ") == ["1", "2", "3", "4", "5"])
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
        #expect(complete(".audit verify ") == [])
        #expect(complete(".help .app") == [".apply"])
        #expect(complete(".mode bo") == ["box"])
        #expect(complete(".bail ") == ["on", "off"])
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

    @Test("SQL completes table and column names, case-insensitively when no exact match")
    func sql() {
        #expect(complete("select * from Pro") == ["Products", "Projects"])
        #expect(complete("select * from pro") == ["product_name", "project_id"])
    }
}
