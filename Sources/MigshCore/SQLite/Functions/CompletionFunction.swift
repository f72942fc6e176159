import CMigshSQLite
import FoundationEssentials
import MigshBase

/// `completion(PREFIX [, WHOLELINE])`, as sqlite3 3.40's shell has it (ext/misc/completion.c):
/// the table `(candidate, prefix HIDDEN, wholeline HIDDEN, phase HIDDEN)` whose rows are, in
/// this order, SQLite's keywords (`sqlite3_keyword_name`, upper case), the schema names
/// (`PRAGMA database_list`), every name in each schema's sqlite_schema (a UNION, so sorted
/// and distinct), then every column of every table (likewise) — those that start with PREFIX,
/// ignoring ASCII case. Without PREFIX, the word that ends WHOLELINE (letters, digits, `_`) is
/// the prefix; with neither, every candidate. Duplicates stay, as in sqlite3 (use DISTINCT).
enum CompletionFunction {
    static func register(on db: OpaquePointer) {
        TableFunctions.register("completion", TableFunctionModule(
            schema: "CREATE TABLE x(  candidate TEXT,  prefix TEXT HIDDEN,  wholeline TEXT HIDDEN,  phase INT HIDDEN)",
            risk: SQLITE_VTAB_INNOCUOUS, bestIndex: bestIndex,
            makeCursor: { CompletionCursor(db: db) }), on: db)
    }

    static let prefixColumn: Int32 = 1
    static let wholelineColumn: Int32 = 2

    /// idxNum bit 1: PREFIX is an argument; bit 2: WHOLELINE is.
    static func bestIndex(_ info: UnsafeMutablePointer<sqlite3_index_info>) -> TableFunctionPlan {
        var indexNumber: Int32 = 0
        var prefixIndex = -1, wholelineIndex = -1
        for i in 0..<Int(info.pointee.nConstraint) {
            let constraint = info.pointee.aConstraint[i]
            guard constraint.usable != 0, Int32(constraint.op) == SQLITE_INDEX_CONSTRAINT_EQ else { continue }
            switch constraint.iColumn {
            case prefixColumn:
                prefixIndex = i
                indexNumber |= 1
            case wholelineColumn:
                wholelineIndex = i
                indexNumber |= 2
            default:
                break
            }
        }
        var arguments: Int32 = 0
        for i in [prefixIndex, wholelineIndex] where i >= 0 {
            arguments += 1
            info.pointee.aConstraintUsage[i].argvIndex = arguments
            info.pointee.aConstraintUsage[i].omit = 1
        }
        info.pointee.idxNum = indexNumber
        info.pointee.estimatedCost = Double(5000 - 1000 * arguments)
        info.pointee.estimatedRows = Int64(500 - 100 * arguments)
        return .ok
    }
}

final class CompletionCursor: TableFunctionCursor {
    enum Phase: Int32 {
        case keywords = 1, databases = 7, tables = 8, columns = 9, end = 11
    }

    let db: OpaquePointer
    var prefix: [UInt8]?
    var line: [UInt8]?
    var phase = Phase.keywords
    var keyword: Int32 = 0
    var statement: OpaquePointer?
    var current: [UInt8] = []
    var row: Int64 = 0

    init(db: OpaquePointer) { self.db = db }

    deinit { sqlite3_finalize(statement) }

    override func filter(indexNumber: Int32, arguments: [OpaquePointer?]) throws {
        sqlite3_finalize(statement)
        statement = nil
        keyword = 0
        prefix = nil
        line = nil
        var argument = 0
        if indexNumber & 1 != 0 {
            prefix = Self.text(arguments[argument])
            argument += 1
        }
        if indexNumber & 2 != 0 { line = Self.text(arguments[argument]) }
        if let line, prefix == nil {
            // The word being typed: the letters, digits and underscores that end the line.
            let word = line.reversed().prefix { Self.isWordByte($0) }
            if !word.isEmpty { prefix = Array(word.reversed()) }
        }
        row = 0
        phase = .keywords
        try next()
    }

    /// A value's text; nil for an empty one (sqlite3 keeps no prefix then).
    static func text(_ value: OpaquePointer?) -> [UInt8]? {
        guard sqlite3_value_bytes(value) > 0, let text = sqlite3_value_text(value) else { return nil }
        return Array(UnsafeBufferPointer(start: text, count: Int(sqlite3_value_bytes(value))))
    }

    static func isWordByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f
    }

    override func next() throws {
        row += 1
        while phase != .end {
            switch phase {
            case .keywords:
                if keyword >= sqlite3_keyword_count() {
                    phase = .databases
                    continue
                }
                var name: UnsafePointer<CChar>?
                var length: Int32 = 0
                sqlite3_keyword_name(keyword, &name, &length)
                keyword += 1
                guard let name else { continue }
                current = Array(UnsafeRawBufferPointer(start: name, count: Int(length)))
            case .databases, .tables, .columns:
                if statement == nil { prepare() }
                guard sqlite3_step(statement) == SQLITE_ROW else {
                    sqlite3_finalize(statement)
                    statement = nil
                    phase = phase == .databases ? .tables : phase == .tables ? .columns : .end
                    continue
                }
                let column: Int32 = phase == .databases ? 1 : 0
                let count = Int(sqlite3_column_bytes(statement, column))
                current = sqlite3_column_text(statement, column).map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
            case .end:
                break
            }
            guard let prefix else { return }
            if prefix.count <= current.count && zip(prefix, current).allSatisfy({ Self.lower($0) == Self.lower($1) }) { return }
        }
    }

    static func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5a ? c + 32 : c }

    /// The phase's query: the schema names, or a UNION over every schema of its names or its
    /// tables' columns (a failed prepare leaves no statement, and the phase ends at once).
    func prepare() {
        var sql = "PRAGMA database_list"
        if phase != .databases {
            var schemas: [String] = []
            var list: OpaquePointer?
            sqlite3_prepare_v2(db, "PRAGMA database_list", -1, &list, nil)
            while sqlite3_step(list) == SQLITE_ROW {
                schemas.append(sqlite3_column_text(list, 1).map { String(cString: $0) } ?? "")
            }
            sqlite3_finalize(list)
            sql = schemas.map { schema in
                let quoted = "\"" + schema.replacingAll("\"", with: "\"\"") + "\""
                return phase == .tables
                    ? "SELECT name FROM \(quoted).sqlite_schema"
                    : "SELECT pti.name FROM \(quoted).sqlite_schema AS sm JOIN pragma_table_info(sm.name,\(SQLParameters.quoteLiteral(schema))) AS pti WHERE sm.type='table'"
            }.joined(separator: " UNION ")
        }
        sqlite3_prepare_v2(db, sql, -1, &statement, nil)
    }

    override var isAtEnd: Bool { phase == .end }

    override func column(_ index: Int32, into context: OpaquePointer) {
        func result(_ bytes: [UInt8]?) {
            guard let bytes else { return sqlite3_result_null(context) }
            (bytes + [0]).withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) {
                    sqlite3_result_text(context, $0.baseAddress, Int32(bytes.count), SQLITE_TRANSIENT)
                }
            }
        }
        switch index {
        case 0: result(current)
        case 1: result(prefix)
        case 2: result(line)
        default: sqlite3_result_int(context, phase.rawValue)
        }
    }

    override var rowid: Int64 { row }
}
