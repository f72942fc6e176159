import ArgumentParser
import FoundationEssentials
import MigshBase
import MigshCore

/// What completion needs from the session, as plain values (tests supply their own).
protocol CompletionSources {
    func migrationVersions(pendingOnly: Bool) -> [Int]
    /// Backups of this database, by their names in the backups folder.
    func backupNames() -> [String]
    /// The schema versions inside this database's backups.
    func backupVersions() -> [Int]
    /// The `.sql` files of the migrations folder, by name.
    func migrationFileNames() -> [String]
    func tableNames() -> [String]
    func columnNames() -> [String]
    /// The columns of one table or view, in their declared order.
    func columnNames(of table: String) -> [String]
}

/// TAB-completion candidates, as plain code that tests call without a terminal. A command's
/// arguments complete from their own declarations (each one's `completion:`, read with the
/// option names from swift-argument-parser), never from a list kept here.
struct Completion {
    let sources: any CompletionSources

    /// `line`: the line up to the cursor; `after`: the rest of it (a FROM still to come
    /// names the tables whose columns complete before it). `statementBefore`: the unfinished
    /// statement's earlier lines, when it spans several.
    func candidates(line: String, word: String, statementBefore: String = "", after: String = "") -> [String] {
        let words = DotCommands.tokenize(line)
        let atStart = words.isEmpty || (words.count == 1 && !line.hasSuffix(" "))
        if line.hasPrefix(".") {
            if atStart { return Completion.matching(DotCommands.names, word) }
            guard case .command(let type) = DotCommands.resolve(words[0]) else { return [] }
            // The words before the one being completed.
            let before = Array(words.dropFirst().dropLast(line.hasSuffix(" ") || word.isEmpty ? 0 : 1))
            return argumentCandidates(type, before: before, word: word)
        }
        return SQLCompletion(sources: sources).candidates(statement: statementBefore + line, word: word, after: after)
    }

    /// The names that start with `word`, whatever the case; when none does, those that hold
    /// its letters in order (`prj` → `Projects`, as litecli matches), the tightest first.
    static func matching(_ names: [String], _ word: String) -> [String] {
        let lower = word.lowercased()
        let prefixed = names.filter { $0.lowercased().hasPrefix(lower) }
        if !prefixed.isEmpty || lower.count < 2 { return prefixed }
        func span(_ name: String) -> Int? {
            var rest = Substring(lower)
            var first: Int?
            for (i, c) in name.lowercased().enumerated() where c == rest.first {
                if first == nil { first = i }
                rest = rest.dropFirst()
                if rest.isEmpty { return i - first! }
            }
            return nil
        }
        return names.compactMap { n in span(n).map { (n, $0) } }.sorted { $0.1 < $1.1 }.map(\.0)
    }

    func argumentCandidates(_ type: any DotCommand.Type, before: [String], word: String) -> [String] {
        let declared = DeclaredArguments(type)
        if word.hasPrefix("-") {
            return declared.optionNames.filter { $0.hasPrefix(word) && !before.contains($0) }
        }
        // The argument being completed: the value of the option just before, else the
        // positional at this index (the last one again when it repeats).
        let argument: DeclaredArguments.Argument?
        let key: String
        if let last = before.last, let option = declared.option(named: last) {
            argument = option
            key = last
        } else {
            // The positional index: words that are neither options nor option values.
            var index = 0
            var i = 0
            while i < before.count {
                if before[i].hasPrefix("-") {
                    if declared.takesValue(before[i]) { i += 1 }
                } else {
                    index += 1
                }
                i += 1
            }
            let positionals = declared.positionals
            if index >= positionals.count, positionals.last?.isRepeating == true { index = positionals.count - 1 }
            argument = positionals.indices.contains(index) ? positionals[index] : nil
            key = "positional@\(index)"
        }
        let values: [String]
        switch argument?.completes {
        case nil: values = []
        case .words(let words)?: values = Completion.matching(words, word)
        case .files(let extensions)?: values = Completion.files(matching: word, extensions: extensions)
        case .directories?: values = Completion.files(matching: word, extensions: [], directoriesOnly: true)
        case .custom?: values = custom(type, key: key, before: before, word: word)
        }
        // Nothing to offer for a word not yet begun: the options not given yet.
        if word.isEmpty, argument?.completes == nil || argument?.completes == .words([]) { return declared.optionNames.filter { !before.contains($0) } }
        return values
    }

    /// The session whose sources a declared `CompletionKind.custom` reads while `custom` asks
    /// the parser. Completion runs on the thread that reads the line, one request at a time;
    /// the lock keeps it so where several completions run at once (tests run in parallel: one
    /// request's restore of `current` emptied another's candidates).
    nonisolated(unsafe) static var current: Completion?
    private static let currentLock = Lock()

    /// A session source, run as swift-argument-parser runs a custom completion for a shell
    /// (`CMD ---completion -- ARGUMENT INDEX CURSOR WORD`): the declaration's own closure.
    func custom(_ type: any DotCommand.Type, key: String, before: [String], word: String) -> [String] {
        Completion.currentLock.lock()
        defer { Completion.currentLock.unlock() }
        let previous = Completion.current
        Completion.current = self
        defer { Completion.current = previous }
        do {
            _ = try type.parse(["---completion", "--", key, String(before.count), String(word.count)] + before + [word])
            return []
        } catch {
            return type.message(for: error).split(separator: "\n").map(String.init)
        }
    }

    func values(_ source: CompletionSource, word: String) -> [String] {
        switch source {
        case .versions(let pendingOnly): return sources.migrationVersions(pendingOnly: pendingOnly).map(String.init).filter { $0.hasPrefix(word) }
        case .backedUpVersions: return sources.backupVersions().map(String.init).filter { $0.hasPrefix(word) }
        case .backups: return Completion.matching(sources.backupNames(), word)
        case .migrationFiles:
            let names = Completion.matching(sources.migrationFileNames(), word)
            return names.isEmpty ? Completion.files(matching: word, extensions: ["sql"]) : names
        case .tables:
            let names = sources.tableNames()
            let exact = names.filter { $0.hasPrefix(word) }
            return !exact.isEmpty ? exact : Completion.matching(names, word)
        case .commands: return Completion.matching(DotCommands.names, word.hasPrefix(".") ? word : "." + word)
        case .files(let extensions): return Completion.files(matching: word, extensions: extensions)
        }
    }

    /// File and folder names starting with `word` (a path), folders with a trailing `/`.
    static func files(matching word: String, extensions: [String], directoriesOnly: Bool = false) -> [String] {
        let slash = word.lastIndex(of: "/")
        let dir = slash.map { String(word[...$0]) } ?? ""
        let prefix = slash.map { String(word[word.index(after: $0)...]) } ?? word
        guard let names = FileSystem.entries(of: dir.isEmpty ? "." : dir) else { return [] }
        return names.filter { $0.hasPrefix(prefix) && (!$0.hasPrefix(".") || prefix.hasPrefix(".")) }.sorted().compactMap { name in
            if FileSystem.isDirectory(dir + name) == true { return dir + name + "/" }
            if directoriesOnly { return nil }
            if !extensions.isEmpty && !extensions.contains(where: { name.lowercased().hasSuffix("." + $0) }) { return nil }
            return dir + name
        }
    }
}

extension Session: CompletionSources {
    func migrationVersions(pendingOnly: Bool) -> [Int] {
        guard let folder = try? loadFolder() else { return [] }
        let all = folder.migrations.keys.sorted()
        guard pendingOnly else { return all }
        let current = currentVersion ?? 0
        return all.filter { $0 > current }
    }

    func backupNames() -> [String] {
        let dir = backupStore.directory.pathStandardized + "/"
        return ownBackups().map { $0.path.hasPrefix(dir) ? String($0.path.dropFirst(dir.count)) : $0.path }
    }

    func backupVersions() -> [Int] {
        Array(Set(ownBackups().compactMap(\.schemaVersion))).sorted()
    }

    func migrationFileNames() -> [String] {
        let names = FileSystem.entries(of: configuration.migrationsPath) ?? []
        return names.filter { $0.lowercased().hasSuffix(".sql") }.sorted()
    }

    func tableNames() -> [String] {
        (try? db.column("SELECT name FROM main.sqlite_schema WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' ORDER BY 1")) ?? []
    }

    func columnNames() -> [String] {
        (try? db.column("""
            SELECT DISTINCT p.name FROM main.sqlite_schema s, pragma_table_info(s.name) p WHERE s.type IN ('table','view') ORDER BY 1
            """)) ?? []
    }

    func columnNames(of table: String) -> [String] {
        guard let stmt = try? db.prepare("SELECT name FROM pragma_table_info(?1)"), (try? stmt.bind(table, at: 1)) != nil else { return [] }
        var names: [String] = []
        while (try? stmt.step()) == true { names.append(stmt.text(0)) }
        return names
    }
}
