import FoundationEssentials
import Glibc
import MigshBase

/// The spec's checklist (§9) and patterns (§12) as checks on one migration file.
public enum MigrationLinter {
    public struct Finding: Sendable, Codable, Equatable {
        public enum Severity: String, Sendable, Codable { case error, warning }
        public var severity: Severity
        public var line: Int?
        public var rule: String
        public var message: String
        public init(severity: Severity, line: Int?, rule: String, message: String) {
            self.severity = severity
            self.line = line
            self.rule = rule
            self.message = message
        }
    }

    /// `sealed`: the file is recorded in migsh.sum (shipped; it cannot change): the rules that
    /// are errors for a draft, such as `data-drop`, are warnings for it.
    public static func lint(path: String, expected: ExpectedSchemas?, sealed: Bool = false) throws -> [Finding] {
        guard FileSystem.exists(path) else {
            throw MigshError(.notFound, "cannot read \(path): no such file")
        }
        let data: Data
        do { data = try MigrationFolder.readRegularFile(path) } catch let error as MigshError {
            throw MigshError(error.code, "cannot read \(path): \(error.message)")
        }
        let name = path.pathLastComponent
        guard let sql = TextFile.decode(data) else {
            return [Finding(severity: .error, line: nil, rule: "encoding", message: "not valid UTF-8")]
        }
        var findings: [Finding] = []
        let parsed = MigrationFolder.parseName(name)
        if parsed == nil {
            findings.append(Finding(severity: .error, line: nil, rule: "naming",
                                    message: "name must be NNN_description.sql (3-digit version, lower-case words joined by _)"))
        }
        let version = parsed?.0 ?? 0
        let migration = Migration(version: version, name: parsed?.1 ?? name, fileName: name, path: path, sql: sql,
                                  sha256: sha256Hex(data))
        // Header comments (spec §3.3, checklist §9).
        for key in ["Description", "Version", "Date", "Author"] where migration.header[key] == nil {
            findings.append(Finding(severity: .warning, line: 1, rule: "header", message: "header comment `-- \(key): …` is missing"))
        }
        if let v = migration.header["Version"], let n = Int(v), parsed != nil, n != version {
            findings.append(Finding(severity: .error, line: 1, rule: "header", message: "header says Version: \(n), the file name says \(version)"))
        }
        if migration.header["Rollback"] == nil && !sql.lowercased().contains("rollback") {
            findings.append(Finding(severity: .warning, line: nil, rule: "rollback-notes", message: "no rollback instructions in comments (checklist §9)"))
        }
        // The runner's own validation: wrapper, version insert, statements that cannot run in a transaction.
        let script = MigrationScript(migration)
        for f in script.findings where parsed != nil || !f.message.contains("Schema_Version") {
            findings.append(Finding(severity: f.severity == .error ? .error : .warning, line: f.line, rule: "validation", message: f.message))
        }
        let v = script.migration.version
        let before = expected.flatMap { parsed != nil && v >= 1 && v < $0.versions.count ? $0.versions[v - 1] : nil }
        findings += statementRules(script, before: before)
        findings += dataDropRules(script, before: before, sealed: sealed)
        if let expected, parsed != nil { findings += rebuildRules(script, expected: expected) }
        if let stop = expected?.stepLimitStop, parsed != nil, stop.version == v {
            findings.append(Finding(severity: .error, line: stop.line, rule: "step-limit",
                message: "statement \(stop.statement), replayed on a clean database: \(stop.message)"))
        }
        return findings.sorted { ($0.line ?? 0, $0.severity.rawValue) < ($1.line ?? 0, $1.severity.rawValue) }
    }

    static func words(_ sql: String) -> [String] { SQLNormalizer.tokens(sql) }

    /// `before`: the schema the migration starts from, when the folder's replay knows it
    /// (the rename-first rule asks it which tables, views and triggers refer to a table).
    static func statementRules(_ script: MigrationScript, before: SchemaSnapshot? = nil) -> [Finding] {
        var out: [Finding] = []
        var created: [String: Int] = [:]
        var renamedAway: [(from: String, to: String, line: Int)] = []
        for s in script.body {
            let w = words(s.sql)
            guard let verb = w.first else { continue }
            if verb == "alter", w.count > 3, w[1] == "table" {
                let table = w[2]
                if let i = w.firstIndex(of: "drop"), i > 2 {
                    out.append(Finding(severity: .warning, line: s.line, rule: "drop-column",
                        message: "ALTER TABLE \(table) DROP without a transition: mark it deprecated first and drop it in a later migration (spec §12)"))
                }
                if let i = w.firstIndex(of: "add") {
                    let rest = Array(w[(i + 1)...])
                    if rest.contains("not"), let n = rest.firstIndex(of: "not"), n + 1 < rest.count, rest[n + 1] == "null",
                       !(rest.firstIndex(of: "default").map { $0 + 1 < rest.count && rest[$0 + 1] != "null" } ?? false) {
                        out.append(Finding(severity: .error, line: s.line, rule: "not-null-without-default",
                            message: "ADD COLUMN … NOT NULL without a DEFAULT fails on a table with rows; give it a default"))
                    }
                }
                if let r = w.firstIndex(of: "rename"), r + 2 < w.count, w[r + 1] == "to" {
                    renamedAway.append((table, w[r + 2], s.line))
                }
            }
            if (verb == "delete" || verb == "update"), !DestructiveStatement.hasTopLevelWhere(s.sql) {
                out.append(Finding(severity: .warning, line: s.line, rule: "no-where",
                    message: "\(verb.uppercased()) without WHERE changes every row"))
            }
            if verb == "create" {
                let kindIndex = w.firstIndex { $0 == "table" || $0 == "index" }
                if let k = kindIndex, k + 1 < w.count {
                    let ifNotExists = w.count > k + 3 && w[k + 1] == "if" && w[k + 2] == "not" && w[k + 3] == "exists"
                    let objectName = ifNotExists ? w[k + 4] : w[k + 1]
                    if w[k] == "table" { created[objectName] = s.line }
                    let rebuildTable = objectName.hasSuffix("_new") || objectName.hasSuffix("_tmp")
                    if !ifNotExists && !rebuildTable && script.migration.version != 1 {
                        out.append(Finding(severity: .warning, line: s.line, rule: "if-not-exists",
                            message: "CREATE \(w[k].uppercased()) \(objectName) without IF NOT EXISTS (spec §5.1, §12)"))
                    }
                }
            }
        }
        // Rebuild that renames the old table first: children's foreign keys follow the rename.
        // Only what refers to the table follows the rename: without children, views or other
        // tables' triggers naming it, renaming first loses nothing.
        for r in renamedAway where created[r.from] != nil && created[r.from]! > r.line {
            let fix = "Create \(r.from)_new, copy, drop \(r.from), rename \(r.from)_new (SQLite's 12-step procedure)"
            guard let before else {
                out.append(Finding(severity: .error, line: r.line, rule: "rebuild-rename-first",
                    message: "renames \(r.from) to \(r.to) before creating the new \(r.from): since SQLite 3.26 the foreign keys of child tables follow the rename and end up pointing at \(r.to). \(fix)"))
                continue
            }
            let children = before.tables.values.filter { t in t.name.lowercased() != r.from && t.foreignKeys.contains { $0.table == r.from } }
                .map(\.name).sorted()
            let users = (before.views.values.map { ("view", $0) } + before.triggers.values.filter { $0.table.lowercased() != r.from }.map { ("trigger", $0) })
                .filter { words($0.1.sql).contains(r.from) }.map { "\($0.0) \($0.1.name)" }.sorted()
            if !children.isEmpty {
                out.append(Finding(severity: .error, line: r.line, rule: "rebuild-rename-first",
                    message: "renames \(r.from) to \(r.to) before creating the new \(r.from): the foreign keys of \(children.joined(separator: ", ")) follow the rename (SQLite 3.26 and later) and end up pointing at \(r.to). \(fix)"))
            } else if !users.isEmpty {
                out.append(Finding(severity: .warning, line: r.line, rule: "rebuild-rename-first",
                    message: "renames \(r.from) to \(r.to) before creating the new \(r.from): \(users.joined(separator: ", ")) follow the rename and end up naming \(r.to). \(fix)"))
            }
        }
        return out
    }

    /// `data-drop`: a column or table that exists before the migration (so may hold data) and
    /// whose values no column holds after it — an `ALTER TABLE … DROP COLUMN`, a `DROP TABLE`,
    /// a rebuild that leaves a column out of its copy — is an error unless the file carries the
    /// marked line `-- migsh: allow-drop Table.column` (or `Table`).
    static func dataDropRules(_ script: MigrationScript, before: SchemaSnapshot?, sealed: Bool) -> [Finding] {
        let allowance = DropAllowance.parse(script.migration.sql)
        return DataDrops.losses(script.body, before: before).filter { !allowance.allows(table: $0.table, column: $0.column) }.map { loss in
            let what = loss.column == nil ? "table \(loss.table)" : "column \(loss.name)"
            return Finding(severity: sealed ? .warning : .error, line: loss.line, rule: "data-drop",
                message: "drops \(what), whose values no column holds after this migration (data lost where it holds any); if that is meant, add the line `\(DropAllowance.line([loss.name]))`"
                    + (sealed ? " (a warning: the file is sealed in \(MigrationFolder.checksumFileName))" : ""))
        }
    }

    /// A rebuilt table must get its indexes and triggers back.
    static func rebuildRules(_ script: MigrationScript, expected: ExpectedSchemas) -> [Finding] {
        let v = script.migration.version
        guard v >= 1, v < expected.versions.count else { return [] }
        let before = expected.versions[v - 1], after = expected.versions[v]
        let dropped = Set(script.body.compactMap { s -> String? in
            let w = words(s.sql)
            guard w.count > 2, w[0] == "drop", w[1] == "index" || w[1] == "trigger" || w[1] == "view" else { return nil }
            return w.last == "exists" ? nil : (w[2] == "if" && w.count > 4 ? w[4] : w[2])
        })
        var out: [Finding] = []
        for (name, index) in before.indexes where after.tables[index.table] != nil && after.indexes[name] == nil && !dropped.contains(name) {
            // An index on a column the migration removed cannot come back.
            let remaining = Set(after.tables[index.table]!.columns.map { $0.name.lowercased() })
            if index.columns.contains(where: { $0.name.map { !remaining.contains($0) } ?? false }) { continue }
            out.append(Finding(severity: .warning, line: nil, rule: "rebuild-indexes",
                message: "index \(index.name) on \(index.table) exists before this migration but not after: a rebuild must recreate it"))
        }
        for (name, trigger) in before.triggers where after.tables[trigger.table.lowercased()] != nil && after.triggers[name] == nil && !dropped.contains(name) {
            out.append(Finding(severity: .warning, line: nil, rule: "rebuild-triggers",
                message: "trigger \(trigger.name) on \(trigger.table) exists before this migration but not after: a rebuild must recreate it"))
        }
        for (name, view) in before.views where after.views[name] == nil && !dropped.contains(name) {
            out.append(Finding(severity: .warning, line: nil, rule: "rebuild-views",
                message: "view \(view.name) exists before this migration but not after"))
        }
        return out
    }
}
