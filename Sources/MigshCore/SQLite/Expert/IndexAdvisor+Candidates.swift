import CMigshSQLite

/// The candidate indexes and the advice (sqlite3expert.c's idxCreateCandidates and
/// idxFindIndexes): each scan's terms become CREATE INDEX statements in `indexes`, named after
/// a hash of their column lists, unless an index there already starts with those columns;
/// then each statement's plan there tells which of them it would use.
extension IndexAdvisor {
    /// For each scan, the most recent first: an index of its equality columns with each of
    /// its range columns in turn (or none), and one of its equality columns then its ORDER BY columns.
    func createCandidates() throws {
        for scan in scans.reversed() {
            try createCandidates(scan, tail: [])
            if !scan.order.isEmpty { try createCandidates(scan, tail: scan.order) }
        }
    }

    private func createCandidates(_ scan: Scan, tail: [Constraint]) throws {
        var equalities: [Constraint] = []
        for term in scan.equalities where !equalities.contains(where: { $0.column == term.column })
            && !tail.contains(where: { $0.column == term.column }) {
            equalities.insert(term, at: 0)
        }
        try createCandidate(scan, equalities, tail)
        guard tail.isEmpty else { return }
        for range in scan.ranges where !equalities.contains(where: { $0.column == range.column }) {
            try createCandidate(scan, equalities, [range])
        }
    }

    /// sqlite3expert.c's idxCreateFromCons: the index, unless one of the same columns exists;
    /// named after the table and a hash of its column list.
    private func createCandidate(_ scan: Scan, _ equalities: [Constraint], _ tail: [Constraint]) throws {
        guard !(equalities.isEmpty && tail.isEmpty) else { return }
        if try hasCompatibleIndex(scan, equalities, tail) { return }
        let table = tables[scan.table]
        var columns: [UInt8] = []
        for term in equalities + tail {
            if !columns.isEmpty { columns += Array(", ".utf8) }
            columns += definition(of: term, in: table)
        }
        var hash: UInt32 = 0
        var name: [UInt8] = []
        var collisions = 0
        repeat {
            // C adds each `char`, signed on this platform: a byte above 0x7f counts negative.
            for byte in columns { hash = hash &+ (hash << 3) &+ UInt32(bitPattern: Int32(Int8(bitPattern: byte))) }
            name = table.name + Array("_idx_".utf8) + Array(hex8(hash).utf8)
            var find: AdvisorSQL = "SELECT count(*) FROM sqlite_schema WHERE name="
            find.addQuoted(name)
            find.add(" AND type in ('index','table','view')")
            let count = try statement(find, on: indexes)
            let taken = count.step() && count.text(0) != Array("0".utf8)
            try count.finalize(origin: user)
            if !taken { collisions = 0; break }
            collisions += 1
        } while collisions < 50
        // sqlite3expert.c gives up here (SQLITE_BUSY_TIMEOUT), with no message.
        if collisions > 0 { throw IndexAdvisorError(nil, database: user) }
        var create: AdvisorSQL = "CREATE INDEX "
        if requiresQuotes(table.name) {
            create.addIdentifier(name)
            create.add(" ON ")
            create.addIdentifier(table.name)
        } else {
            create.add(bytes: name)
            create.add(" ON ")
            create.add(bytes: table.name)
        }
        create.add("(")
        create.add(bytes: columns)
        create.add(")")
        try run(create, on: indexes, withMessage: false)
        if !candidates.contains(where: { $0.name == name }) {
            candidates.append(CandidateIndex(name: name, sql: create.bytes))
        }
    }

    /// `%08x`.
    private func hex8(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// One column of a candidate: its name (quoted as `'…'` when it must be), its collation
    /// when it is not the column's own, and DESC.
    private func definition(of term: Constraint, in table: Table) -> [UInt8] {
        let column = table.columns[term.column]
        var sql = AdvisorSQL([])
        if requiresQuotes(column.name) { sql.addQuoted(column.name) } else { sql.add(bytes: column.name) }
        if !sameIgnoringCase(column.collation, term.collation) {
            sql.add(" COLLATE ")
            if requiresQuotes(term.collation) { sql.addQuoted(term.collation) } else { sql.add(bytes: term.collation) }
        }
        if term.descending { sql.add(" DESC") }
        return sql.bytes
    }

    /// sqlite3expert.c's idxIdentifierRequiresQuotes: a keyword, or any byte but `[A-Za-z0-9_]`.
    private func requiresQuotes(_ name: [UInt8]) -> Bool {
        let keyword = (name + [0]).withUnsafeBufferPointer { buffer in
            sqlite3_keyword_check(UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(name.count)) != 0
        }
        return keyword || name.contains { !($0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x41...0x5a).contains($0) || (0x61...0x7a).contains($0)) }
    }

    /// An index in `indexes` (the user's or a candidate) that starts with the equality columns
    /// in any order, then the tail's in order, with the same collations (idxFindCompatible).
    private func hasCompatibleIndex(_ scan: Scan, _ equalities: [Constraint], _ tail: [Constraint]) throws -> Bool {
        var listSQL: AdvisorSQL = "PRAGMA index_list="
        listSQL.addQuoted(tables[scan.table].name)
        let list = try statement(listSQL, on: indexes, withMessage: false)
        while list.step() {
            guard let index = list.text(1) else { continue }
            var matched = [Bool](repeating: false, count: equalities.count)
            var next = 0
            var compatible = true
            var infoSQL: AdvisorSQL = "PRAGMA index_xInfo="
            infoSQL.addQuoted(index)
            let info = try statement(infoSQL, on: indexes, withMessage: false)
            while info.step() {
                let position = Int(info.int(0)), column = Int(info.int(1))
                let collation = info.text(4)
                if position < equalities.count {
                    guard let k = equalities.indices.first(where: {
                        !matched[$0] && equalities[$0].column == column && sameIgnoringCase(equalities[$0].collation, collation)
                    }) else { compatible = false; break }
                    matched[k] = true
                } else if next < tail.count {
                    if tail[next].column != column || !sameIgnoringCase(tail[next].collation, collation) { compatible = false; break }
                    next += 1
                }
            }
            try info.finalize(origin: user)
            if compatible { return true }
        }
        try list.finalize(origin: user)
        return false
    }

    /// Each statement's EXPLAIN QUERY PLAN in `indexes`: its lines, and the candidates named
    /// after `USING INDEX` / `USING COVERING INDEX` (sqlite3expert.c's idxFindIndexes).
    func adviseStatements() throws -> [StatementAdvice] {
        let byName = Dictionary(candidates.map { ($0.name, $0.sql) }, uniquingKeysWith: { first, _ in first })
        var advice: [StatementAdvice] = []
        // The last statement first, as sqlite3expert.c's list runs (the first error wins).
        for sql in statements.reversed() {
            var explain: AdvisorSQL = "EXPLAIN QUERY PLAN "
            explain.add(bytes: sql)
            let plan = try statement(explain, on: indexes)
            var used: [[UInt8]] = []
            var lines: [[UInt8]] = []
            while plan.step() {
                guard let detail = plan.text(3) else { continue }
                if let index = Self.indexName(in: detail), let create = byName[index], !used.contains(create) {
                    used.append(create)
                }
                if detail.first != UInt8(ascii: "-") { lines.append(detail) }
            }
            try plan.finalize(origin: user)
            advice.append(StatementAdvice(sql: sql, indexes: used.reversed(), plan: lines))
        }
        return advice.reversed()
    }

    /// The name after the first ` USING INDEX ` or ` USING COVERING INDEX ` in a plan line,
    /// up to ` (` or the end.
    static func indexName(in detail: [UInt8]) -> [UInt8]? {
        let plain = Array(" USING INDEX ".utf8), covering = Array(" USING COVERING INDEX ".utf8)
        let n = detail.count
        for i in 0..<n {
            var start: Int?
            if i + plain.count < n && detail[i..<i + plain.count].elementsEqual(plain) {
                start = i + plain.count
            } else if i + covering.count < n && detail[i..<i + covering.count].elementsEqual(covering) {
                start = i + covering.count
            }
            guard let start else { continue }
            var end = start
            while end < n && (detail[end] != UInt8(ascii: " ") || end + 1 >= n || detail[end + 1] != UInt8(ascii: "(")) { end += 1 }
            return Array(detail[start..<end])
        }
        return nil
    }
}
