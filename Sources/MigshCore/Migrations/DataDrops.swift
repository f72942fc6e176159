import FoundationEssentials
import Glibc
import MigshBase

/// The marked lines by which a migration says it means to drop data:
/// `-- migsh: allow-drop Projects.location` (one column) or `-- migsh: allow-drop Projects`
/// (a table, every column of it). `.new --allow-drop` writes them; `.lint`, `.seal` and `.test`
/// read them. Names are compared without case, as SQL compares them.
public struct DropAllowance: Sendable, Equatable {
    public var marked: Set<String>

    public init(_ marked: Set<String> = []) { self.marked = Set(marked.map { $0.lowercased() }) }

    public static let prefix = "-- migsh: allow-drop "
    /// The marked line by which a migration says it means to convert a column's values to its
    /// new type (`-- migsh: allow-convert Table.column`): `.test` then reports the values the
    /// new type altered as meant instead of failing.
    public static let convertPrefix = "-- migsh: allow-convert "

    /// The marks in a migration's text (a line that starts with `prefix`; more than one
    /// name may follow, separated by spaces or commas).
    public static func parse(_ text: String, prefix: String = DropAllowance.prefix) -> DropAllowance {
        var marked = Set<String>()
        for raw in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = raw.trimming(.whitespaces)
            guard line.lowercased().hasPrefix(prefix.lowercased()) else { continue }
            for name in line.dropFirst(prefix.count).split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }) {
                let clean = name.trimming(ScalarSet(charactersIn: ";"))
                if !clean.isEmpty { marked.insert(clean) }
            }
        }
        return DropAllowance(marked)
    }

    /// The marked line for `names` (`Table` or `Table.column`).
    public static func line(_ names: [String], prefix: String = DropAllowance.prefix) -> String { prefix + names.joined(separator: " ") }

    /// `column` nil: the whole table.
    public func allows(table: String, column: String?) -> Bool {
        if marked.contains(table.lowercased()) { return true }
        guard let column else { return false }
        return marked.contains("\(table).\(column)".lowercased())
    }

    /// `key`: `Table.column` (the table's name has no dot) or `Table`.
    public func allows(_ key: String) -> Bool {
        guard let dot = key.firstIndex(of: ".") else { return allows(table: key, column: nil) }
        return allows(table: String(key[..<dot]), column: String(key[key.index(after: dot)...]))
    }
}

/// A rename as SQL says it: `ALTER TABLE t RENAME TO u` (column nil) or
/// `ALTER TABLE t RENAME [COLUMN] a TO b`.
public struct SchemaRename: Sendable, Equatable, Encodable {
    public var table: String
    public var column: String?
    public var to: String

    public init(table: String, column: String?, to: String) {
        self.table = table
        self.column = column
        self.to = to
    }

    /// The rename `sql` makes, if it is an ALTER TABLE … RENAME.
    public static func parse(_ sql: String) -> SchemaRename? {
        let t = TableDefinition.tokens(sql)
        func word(_ i: Int) -> String { i < t.count && t[i].kind == .word ? t[i].text.uppercased() : "" }
        func name(_ i: Int) -> String? { i < t.count && (t[i].kind == .word || t[i].kind == .quoted || t[i].kind == .literal) ? t[i].text : nil }
        guard word(0) == "ALTER", word(1) == "TABLE", var table = name(2) else { return nil }
        var k = 3
        if k + 1 < t.count, t[k].text == "." { guard let n = name(k + 1) else { return nil }; table = n; k += 2 }
        guard word(k) == "RENAME" else { return nil }
        if word(k + 1) == "TO", let to = name(k + 2) { return SchemaRename(table: table, column: nil, to: to) }
        let c = word(k + 1) == "COLUMN" ? k + 2 : k + 1
        guard let from = name(c), word(c + 1) == "TO", let to = name(c + 2) else { return nil }
        return SchemaRename(table: table, column: from, to: to)
    }

    public var sql: String {
        let t = SQLLiteral.identifierIfNeeded(table)
        if let column { return "ALTER TABLE \(t) RENAME COLUMN \(SQLLiteral.identifierIfNeeded(column)) TO \(SQLLiteral.identifierIfNeeded(to));" }
        return "ALTER TABLE \(t) RENAME TO \(SQLLiteral.identifierIfNeeded(to));"
    }
}

/// Which data that exists before a migration is gone after it, read from its statements alone
/// (no data): every ordinary column of every table of the schema it starts from (`before`)
/// holds values that must end in some column; renames move them, `INSERT … SELECT` and
/// `UPDATE … SET c = expr` copy them into the columns they name, and `ALTER TABLE … DROP
/// COLUMN` and `DROP TABLE` lose whatever is not held elsewhere by the end of the file. A
/// rebuild (copy into `T_new`, drop `T`, rename) loses exactly the columns it does not copy.
/// Without `before`, only explicit drops of tables and columns the file did not create are seen.
public enum DataDrops {
    public struct Loss: Sendable, Equatable, Encodable {
        public var table: String
        /// nil: the whole table (every column of it lost).
        public var column: String?
        /// The statement where the last column holding the values went.
        public var line: Int
        public var name: String { column.map { "\(table).\($0)" } ?? table }
    }

    struct Column { var name: String; var origins: Set<String> }
    struct Table { var name: String; var columns: [Column]; var opaque: Bool }

    public static func losses(_ statements: [SQLStatementText], before: SchemaSnapshot?) -> [Loss] {
        var tables: [String: Table] = [:]
        var originsOf: [String: [String]] = [:]    // before table → its origins
        if let before {
            for table in before.tables.values where !ignored(table.name) {
                let columns = table.columns.map { Column(name: $0.name, origins: $0.hidden == 0 ? ["\(table.name).\($0.name)"] : []) }
                tables[table.name.lowercased()] = Table(name: table.name, columns: columns, opaque: false)
                originsOf[table.name] = columns.flatMap(\.origins)
            }
        }
        var carried = Set<String>()
        var vanished: [String: Int] = [:]
        func held() -> Set<String> { Set(tables.values.flatMap { $0.columns.flatMap(\.origins) }).union(carried) }
        func removed(_ origins: Set<String>, line: Int) {
            let still = held()
            for o in origins where !still.contains(o) { vanished[o] = line }
        }
        /// A table the statements name that `before` does not know: opaque, its values one origin.
        func lookup(_ name: String) -> Table? {
            if let t = tables[name.lowercased()] { return t }
            guard before == nil, !ignored(name) else { return nil }
            let t = Table(name: name, columns: [Column(name: "*", origins: [name])], opaque: true)
            tables[name.lowercased()] = t
            originsOf[name] = [name]
            return t
        }

        for statement in statements {
            let t = TableDefinition.tokens(statement.sql)
            let upper = t.map { $0.kind == .word ? $0.text.uppercased() : $0.text }
            func isName(_ i: Int) -> Bool { i < t.count && t[i].kind != .punctuation }
            /// `[schema.]name` at i: the name and the index after it.
            func qualified(_ i: Int) -> (String, Int)? {
                guard isName(i) else { return nil }
                if i + 2 < t.count, t[i + 1].text == ".", isName(i + 2) { return (t[i + 2].text, i + 3) }
                return (t[i].text, i + 1)
            }
            guard let verb = upper.first else { continue }
            switch verb {
            case "CREATE":
                guard let k = upper.prefix(4).firstIndex(of: "TABLE") else { continue }
                var n = k + 1
                if upper.count > n + 2, upper[n] == "IF" { n += 3 }
                guard let (name, _) = qualified(n) else { continue }
                if let definition = try? TableDefinition.parse(statement.sql) {
                    tables[name.lowercased()] = Table(name: name, columns: definition.columns.map { Column(name: $0.name, origins: []) }, opaque: false)
                } else {
                    // CREATE TABLE … AS SELECT: what it reads is carried where this file cannot follow.
                    for (i, token) in t.enumerated() where i > n && token.kind != .punctuation {
                        if let source = tables[token.text.lowercased()] { carried.formUnion(source.columns.flatMap(\.origins)) }
                    }
                    tables[name.lowercased()] = Table(name: name, columns: [], opaque: false)
                }
            case "ALTER":
                guard upper.count > 3, upper[1] == "TABLE", let (name, k) = qualified(2), var table = lookup(name) else { continue }
                let key = name.lowercased()
                if let rename = SchemaRename.parse(statement.sql) {
                    if let column = rename.column {
                        if let c = table.columns.firstIndex(where: { $0.name.lowercased() == column.lowercased() }) { table.columns[c].name = rename.to }
                        tables[key] = table
                    } else {
                        tables[key] = nil
                        table.name = rename.to
                        tables[rename.to.lowercased()] = table
                    }
                } else if k < upper.count, upper[k] == "ADD" {
                    let c = k + 1 < upper.count && upper[k + 1] == "COLUMN" ? k + 2 : k + 1
                    if isName(c) { table.columns.append(Column(name: t[c].text, origins: [])) }
                    tables[key] = table
                } else if k < upper.count, upper[k] == "DROP" {
                    let c = k + 1 < upper.count && upper[k + 1] == "COLUMN" ? k + 2 : k + 1
                    guard isName(c) else { continue }
                    let column = t[c].text
                    if table.opaque {
                        vanished["\(table.name).\(column)"] = statement.line
                        originsOf[table.name, default: []].append("\(table.name).\(column)")
                        continue
                    }
                    guard let i = table.columns.firstIndex(where: { $0.name.lowercased() == column.lowercased() }) else { continue }
                    let gone = table.columns.remove(at: i).origins
                    tables[key] = table
                    removed(gone, line: statement.line)
                }
            case "DROP":
                guard upper.count > 2, upper[1] == "TABLE" else { continue }
                let n = upper.count > 3 && upper[2] == "IF" ? 4 : 2
                guard let (name, _) = qualified(n), let table = lookup(name) else { continue }
                tables[name.lowercased()] = nil
                removed(Set(table.columns.flatMap(\.origins)), line: statement.line)
            case "INSERT", "REPLACE":
                guard let into = upper.firstIndex(of: "INTO"), let (name, k) = qualified(into + 1),
                      let select = upper[k...].firstIndex(of: "SELECT") else { continue }
                var targetNames: [String]? = nil
                if k < upper.count, upper[k] == "(" {
                    targetNames = items(t, from: k + 1, until: [")"]).map { $0.compactMap { $0.kind != .punctuation ? $0.text : nil }.first ?? "" }
                }
                let selectItems = items(t, from: select + 1, until: ["FROM"])
                let sources = sourceTables(t, upper, after: select).compactMap { lookup($0) }
                guard var target = tables[name.lowercased()] else {
                    carried.formUnion(sources.flatMap { $0.columns.flatMap(\.origins) })
                    continue
                }
                let names = targetNames ?? target.columns.map(\.name)
                var flows: [Set<String>] = []
                for item in selectItems {
                    if item.count == 1, item[0].text == "*" {
                        for s in sources { flows += s.columns.map(\.origins) }
                    } else {
                        flows.append(origins(in: item, sources: sources))
                    }
                }
                if flows.count != names.count || target.opaque {
                    carried.formUnion(flows.reduce(into: Set<String>()) { $0.formUnion($1) })
                    continue
                }
                for (i, n) in names.enumerated() {
                    if let c = target.columns.firstIndex(where: { $0.name.lowercased() == n.lowercased() }) {
                        target.columns[c].origins.formUnion(flows[i])
                    } else {
                        carried.formUnion(flows[i])
                    }
                }
                tables[name.lowercased()] = target
            case "UPDATE":
                var n = 1
                if upper.count > 2, upper[1] == "OR" { n = 3 }
                guard let (name, _) = qualified(n), var table = tables[name.lowercased()], let set = upper.firstIndex(of: "SET") else { continue }
                for assignment in items(t, from: set + 1, until: ["WHERE", "FROM", "RETURNING"]) {
                    guard let eq = assignment.firstIndex(where: { $0.text == "=" }), eq == 1 else {
                        carried.formUnion(origins(in: assignment, sources: [table]))
                        continue
                    }
                    let flow = origins(in: Array(assignment[(eq + 1)...]), sources: [table])
                    if let c = table.columns.firstIndex(where: { $0.name.lowercased() == assignment[0].text.lowercased() }) {
                        table.columns[c].origins.formUnion(flow)
                    }
                }
                tables[name.lowercased()] = table
            default:
                continue
            }
        }

        let still = held()
        var out: [Loss] = []
        for (table, origins) in originsOf.sorted(by: { $0.key.lowercased() < $1.key.lowercased() }) {
            let lost = origins.filter { !still.contains($0) && vanished[$0] != nil }
            guard !lost.isEmpty else { continue }
            if lost.count == origins.count {
                out.append(Loss(table: table, column: nil, line: lost.compactMap { vanished[$0] }.max() ?? 0))
            } else {
                for o in lost.sorted() where o.contains(".") {
                    out.append(Loss(table: table, column: String(o.dropFirst(table.count + 1)), line: vanished[o] ?? 0))
                }
            }
        }
        return out.sorted { ($0.line, $0.name) < ($1.line, $1.name) }
    }

    static func ignored(_ name: String) -> Bool {
        let n = name.lowercased()
        return n == "schema_version" || n.hasPrefix("sqlite_") || n.hasPrefix("migsh_")
    }

    /// The comma-separated items of a list starting at `from`, up to an unbalanced `)` or a
    /// top-level word in `until` (or the end).
    static func items(_ t: [TableDefinition.Token], from: Int, until: Set<String>) -> [[TableDefinition.Token]] {
        var out: [[TableDefinition.Token]] = []
        var current: [TableDefinition.Token] = []
        var depth = 0
        var i = from
        while i < t.count {
            let token = t[i]
            if token.kind == .punctuation && token.text == "(" { depth += 1 }
            if token.kind == .punctuation && token.text == ")" {
                if depth == 0 { break }
                depth -= 1
            }
            if depth == 0 {
                if token.kind == .word && until.contains(token.text.uppercased()) { break }
                if token.kind == .punctuation && until.contains(token.text) { break }
                if token.kind == .punctuation && token.text == "," { out.append(current); current = []; i += 1; continue }
                if token.kind == .punctuation && token.text == ";" { break }
            }
            current.append(token)
            i += 1
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// The tables named after the top-level FROM (and JOINs) that follows `after`.
    static func sourceTables(_ t: [TableDefinition.Token], _ upper: [String], after: Int) -> [String] {
        var depth = 0
        var from: Int?
        for i in (after + 1)..<t.count {
            if t[i].text == "(" && t[i].kind == .punctuation { depth += 1 }
            if t[i].text == ")" && t[i].kind == .punctuation { depth -= 1 }
            if depth == 0 && t[i].kind == .word && upper[i] == "FROM" { from = i; break }
        }
        guard let from else { return [] }
        var names: [String] = []
        var expectName = true
        var i = from + 1
        while i < t.count {
            let token = t[i]
            if token.kind == .word && ["WHERE", "GROUP", "ORDER", "LIMIT", "UNION", "HAVING", "WINDOW"].contains(upper[i]) { break }
            if token.kind == .punctuation && token.text == ";" { break }
            if token.kind == .word && (upper[i] == "JOIN") { expectName = true; i += 1; continue }
            if token.kind == .punctuation && token.text == "," { expectName = true; i += 1; continue }
            if expectName && token.kind != .punctuation {
                if i + 2 < t.count, t[i + 1].text == ".", t[i + 2].kind != .punctuation { names.append(t[i + 2].text); i += 3 }
                else { names.append(token.text); i += 1 }
                expectName = false
                continue
            }
            i += 1
        }
        return names
    }

    /// The origins of the source columns an expression names.
    static func origins(in item: [TableDefinition.Token], sources: [Table]) -> Set<String> {
        var out = Set<String>()
        for token in item where token.kind == .word || token.kind == .quoted {
            for s in sources {
                if s.opaque { out.formUnion(s.columns.flatMap(\.origins)); continue }
                if let c = s.columns.first(where: { $0.name.lowercased() == token.text.lowercased() }) { out.formUnion(c.origins) }
            }
        }
        return out
    }
}
