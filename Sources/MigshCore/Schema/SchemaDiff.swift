/// The differences between the live schema and an expected one, grouped by object:
/// `+` only in the live database, `-` missing from it, `~` changed (both sides shown).
public struct SchemaDiff: Sendable, Codable, Equatable {
    /// What kind of schema object a change is about (encoded as its SQL word: "table", …).
    public enum ObjectKind: String, Sendable, Codable, CustomStringConvertible {
        case table, index, view, trigger
        public var description: String { rawValue }
    }

    public struct Change: Sendable, Codable, Equatable {
        public enum Sign: String, Sendable, Codable { case added = "+", removed = "-", changed = "~" }
        public var sign: Sign
        public var kind: ObjectKind
        public var name: String
        /// For `~`: one line per difference, "what: expected → live".
        public var details: [String]
        /// For a changed view or trigger: both definitions, for a line-by-line diff.
        public var expectedSQL: String?
        public var liveSQL: String?

        public init(sign: Sign, kind: ObjectKind, name: String, details: [String], expectedSQL: String? = nil, liveSQL: String? = nil) {
            self.sign = sign
            self.kind = kind
            self.name = name
            self.details = details
            self.expectedSQL = expectedSQL
            self.liveSQL = liveSQL
        }
    }

    public var changes: [Change]
    public var isEmpty: Bool { changes.isEmpty }

    public init(changes: [Change]) { self.changes = changes }

    public init(live: SchemaSnapshot, expected: SchemaSnapshot) {
        var changes: [Change] = []
        func compare<T: Equatable>(_ kind: ObjectKind, _ l: [String: T], _ e: [String: T], name: (T) -> String,
                                   details: (T, T) -> [String]) {
            for key in Set(l.keys).union(e.keys).sorted() {
                switch (l[key], e[key]) {
                case (let a?, nil): changes.append(Change(sign: .added, kind: kind, name: name(a), details: []))
                case (nil, let b?): changes.append(Change(sign: .removed, kind: kind, name: name(b), details: []))
                case (let a?, let b?) where a != b:
                    changes.append(Change(sign: .changed, kind: kind, name: name(a), details: details(a, b)))
                default: break
                }
            }
        }
        compare(.table, live.tables, expected.tables, name: \.name, details: SchemaDiff.tableDetails)
        compare(.index, live.indexes, expected.indexes, name: \.name) { l, e in
            var d: [String] = []
            if l.table != e.table { d.append("table: \(e.table) → \(l.table)") }
            if l.unique != e.unique { d.append("unique: \(e.unique) → \(l.unique)") }
            if l.columns != e.columns { d.append("columns: (\(SchemaDiff.describe(e.columns))) → (\(SchemaDiff.describe(l.columns)))") }
            if l.condition != e.condition { d.append("where: \(e.condition ?? "none") → \(l.condition ?? "none")") }
            return d
        }
        compare(.view, live.views, expected.views, name: \.name) { _, _ in ["definition changed"] }
        compare(.trigger, live.triggers, expected.triggers, name: \.name) { _, _ in ["definition changed"] }
        // The two definitions of a changed view or trigger, for a line-by-line diff.
        for (i, c) in changes.enumerated() where c.sign == .changed && (c.kind == .view || c.kind == .trigger) {
            let key = c.name.lowercased()
            let (e, l) = c.kind == .view ? (expected.views[key]?.sql, live.views[key]?.sql) : (expected.triggers[key]?.sql, live.triggers[key]?.sql)
            changes[i].expectedSQL = e
            changes[i].liveSQL = l
        }
        self.changes = changes
    }

    static func describe(_ columns: [SchemaSnapshot.IndexColumn]) -> String {
        columns.map { ($0.name ?? "<expr>") + ($0.descending ? " DESC" : "") + ($0.collation == "BINARY" ? "" : " COLLATE \($0.collation)") }
            .joined(separator: ", ")
    }

    static func tableDetails(_ l: SchemaSnapshot.Table, _ e: SchemaSnapshot.Table) -> [String] {
        var d: [String] = []
        let lc = Dictionary(l.columns.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        let ec = Dictionary(e.columns.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        for c in e.columns where lc[c.name.lowercased()] == nil { d.append("- column \(c.name) \(c.type)") }
        for c in l.columns where ec[c.name.lowercased()] == nil { d.append("+ column \(c.name) \(c.type)") }
        for c in l.columns {
            guard let x = ec[c.name.lowercased()] else { continue }
            var parts: [String] = []
            if c.type != x.type { parts.append("type \(x.type.isEmpty ? "(none)" : x.type) → \(c.type.isEmpty ? "(none)" : c.type)") }
            if c.notNull != x.notNull { parts.append("not null \(x.notNull) → \(c.notNull)") }
            if c.defaultValue != x.defaultValue { parts.append("default \(x.defaultValue ?? "none") → \(c.defaultValue ?? "none")") }
            if c.primaryKey != x.primaryKey { parts.append("primary key \(x.primaryKey) → \(c.primaryKey)") }
            if c.collation != x.collation { parts.append("collation \(x.collation) → \(c.collation)") }
            if c.hidden != x.hidden { parts.append("hidden/generated \(x.hidden) → \(c.hidden)") }
            if c.autoincrement != x.autoincrement { parts.append("autoincrement \(x.autoincrement) → \(c.autoincrement)") }
            if !parts.isEmpty { d.append("~ column \(c.name): " + parts.joined(separator: ", ")) }
        }
        let lOrder = l.columns.map { $0.name.lowercased() }.filter { ec[$0] != nil }
        let eOrder = e.columns.map { $0.name.lowercased() }.filter { lc[$0] != nil }
        if lOrder != eOrder { d.append("~ column order: (\(eOrder.joined(separator: ", "))) → (\(lOrder.joined(separator: ", ")))") }
        for fk in e.foreignKeys where !l.foreignKeys.contains(fk) {
            d.append("- foreign key (\(fk.from.joined(separator: ", "))) → \(fk.table)(\(fk.to.joined(separator: ", "))) on delete \(fk.onDelete)")
        }
        for fk in l.foreignKeys where !e.foreignKeys.contains(fk) {
            d.append("+ foreign key (\(fk.from.joined(separator: ", "))) → \(fk.table)(\(fk.to.joined(separator: ", "))) on delete \(fk.onDelete)")
        }
        if l.withoutRowID != e.withoutRowID { d.append("~ without rowid: \(e.withoutRowID) → \(l.withoutRowID)") }
        if l.strict != e.strict { d.append("~ strict: \(e.strict) → \(l.strict)") }
        if l.checks != e.checks { d.append("~ check constraints: \(e.checks) → \(l.checks)") }
        return d
    }
}
