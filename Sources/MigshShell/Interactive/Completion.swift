import Foundation
import MigshCore

/// TAB-completion candidates, as plain code that tests can call without a terminal.
struct Completion {
    let session: Session

    func candidates(line: String, word: String) -> [String] {
        let words = DotCommands.tokenize(line)
        let atStart = words.isEmpty || (words.count == 1 && !line.hasSuffix(" "))
        if line.hasPrefix(".") {
            if atStart { return DotCommands.names.filter { $0.hasPrefix(word) } }
            return argumentCandidates(command: words[0], word: word)
        }
        // Names typed with the right case first; otherwise any case (SQL names are case-blind).
        let names = tableAndColumnNames()
        let exact = names.filter { $0.hasPrefix(word) }
        return !exact.isEmpty ? exact : names.filter { $0.lowercased().hasPrefix(word.lowercased()) }
    }

    func argumentCandidates(command: String, word: String) -> [String] {
        var options: [String]
        switch command {
        case ".bail", ".echo", ".headers", ".header", ".timer", ".changes": options = ["on", "off"]
        case ".mode": options = OutputMode.allCases.map(\.rawValue)
        case ".apply": options = ["--to", "--dry-run", "--yes"] + migrationVersions()
        case ".restore": options = ["--version", "--latest", "--yes"] + session.backupStore.list().map(\.path) + migrationVersions()
        case ".help": options = DotCommands.names
        case ".tables", ".schema": options = tableAndColumnNames()
        case ".audit": options = ["verify"]
        default: options = []
        }
        return options.filter { $0.hasPrefix(word) }
    }

    func migrationVersions() -> [String] {
        guard let folder = try? session.loadFolder() else { return [] }
        return folder.migrations.keys.sorted().map(String.init)
    }

    func tableAndColumnNames() -> [String] {
        guard let stmt = try? session.db.prepare("""
            SELECT name FROM sqlite_schema WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%'
            UNION SELECT p.name FROM sqlite_schema s, pragma_table_info(s.name) p WHERE s.type IN ('table','view')
            ORDER BY 1
            """) else { return [] }
        var names: [String] = []
        while (try? stmt.step()) == true { names.append(stmt.text(0)) }
        return names
    }
}
