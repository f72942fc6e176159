import CMigshSQLite

/// What a column holds, as one value that changes when any of its values changes: the row
/// count, the non-NULL count, and two independent 64-bit hashes of its non-NULL values (type
/// and exact bytes: an integer, a double's bits, text, a blob) summed over the rows. A sum is
/// order-free, so a rebuild that copies the rows in another order (or gives them other rowids)
/// keeps the fingerprint; a value changed, lost or moved into another column changes it.
/// `.test` compares them before and after each migration; `.new` compares its replay with the
/// scratch copy. Values are compared per column, not per row: values swapped between rows of
/// one column are not seen.
public struct ColumnFingerprint: Sendable, Equatable, Encodable {
    public var rows: Int
    public var nonNull: Int
    public var first: UInt64
    public var second: UInt64

    /// The same non-NULL values (the row count and the NULLs aside): where a column's values went.
    public func sameValues(as other: ColumnFingerprint) -> Bool {
        nonNull == other.nonNull && first == other.first && second == other.second
    }

    /// `Table.column` → fingerprint, for every ordinary column of every table of `main`, except
    /// SQLite's and migsh's own tables and `Schema_Version` (the runner writes it). A table that
    /// cannot be read (a virtual table whose module is not loaded) is left out.
    public static func read(_ db: Connection, schema: String = "main") throws -> [String: ColumnFingerprint] {
        var out: [String: ColumnFingerprint] = [:]
        let q = quoteIdentifier(schema)
        let tables = try db.column("SELECT name FROM \(q).sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'migsh\\_%' ESCAPE '\\' AND lower(name) <> 'schema_version' ORDER BY name")
        for table in tables {
            let columns = try db.column("SELECT name FROM pragma_table_xinfo(\(SQLParameters.quoteLiteral(table)), \(SQLParameters.quoteLiteral(schema))) WHERE hidden <> 1 ORDER BY cid")
            guard !columns.isEmpty, let stmt = try? db.prepare("SELECT \(columns.map(quoteIdentifier).joined(separator: ", ")) FROM \(q).\(quoteIdentifier(table))") else { continue }
            var prints = Array(repeating: ColumnFingerprint(rows: 0, nonNull: 0, first: 0, second: 0), count: columns.count)
            let row = stmt.row
            while try stmt.step() {
                for i in 0..<columns.count {
                    prints[i].rows += 1
                    let type = row.type(i)
                    guard type != .null else { continue }
                    var a = Hash(seed: 0xcbf2_9ce4_8422_2325), b = Hash(seed: 0x9e37_79b9_7f4a_7c15)
                    a.add(UInt8(type.rawValue)); b.add(UInt8(type.rawValue))
                    switch type {
                    case .integer:
                        let v = UInt64(bitPattern: row.int64(i))
                        a.add(v); b.add(v)
                    case .float:
                        let v = row.double(i).bitPattern
                        a.add(v); b.add(v)
                    case .text, .blob:
                        let bytes = type == .text ? row.textBytes(i) ?? UnsafeRawBufferPointer(start: nil, count: 0) : row.blob(i)
                        for byte in bytes { a.add(byte); b.add(byte) }
                    case .null: break
                    }
                    prints[i].nonNull += 1
                    prints[i].first &+= a.finished
                    prints[i].second &+= b.finished
                }
            }
            for (i, column) in columns.enumerated() { out["\(table).\(column)"] = prints[i] }
        }
        return out
    }

    /// FNV-1a over bytes, finished with a mixer (splitmix64) so sums of hashes stay spread.
    struct Hash {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func add(_ byte: UInt8) { state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        mutating func add(_ value: UInt64) { for k in 0..<8 { add(UInt8(truncatingIfNeeded: value >> (8 * UInt64(k)))) } }
        var finished: UInt64 {
            var z = state &+ 0x9e37_79b9_7f4a_7c15
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    /// How the columns of `after` differ from `before` (both from `read`): columns that vanished
    /// holding values no column of `after` holds (lost), columns present in both whose values
    /// changed, and columns whose values now live under another name (moved: a rename).
    public struct Comparison: Sendable, Encodable, Equatable {
        /// `Table.column` → its non-NULL values before.
        public var lost: [String: Int] = [:]
        public var changed: [String] = []
        /// `Table.column` before → `Table.column` after.
        public var moved: [String: String] = [:]
    }

    public static func compare(before: [String: ColumnFingerprint], after: [String: ColumnFingerprint]) -> Comparison {
        var result = Comparison()
        let afterByName = Dictionary(after.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        for (key, print) in before.sorted(by: { $0.key < $1.key }) {
            if let now = afterByName[key.lowercased()] {
                if now != print { result.changed.append(key) }
                continue
            }
            guard print.nonNull > 0 else { continue }
            if let home = after.filter({ $0.value.sameValues(as: print) }).keys.sorted().first {
                result.moved[key] = home
            } else {
                result.lost[key] = print.nonNull
            }
        }
        return result
    }
}
