import CMigshSQLite

/// `-sample PERCENT`: sqlite_stat1 for every index in the advisor's `indexes` database (the
/// user's and the candidates), computed from the user's rows as sqlite3expert.c's
/// idxPopulateStat1 computes it, so that the planner there weighs the candidates as it would
/// weigh them on the real data. At 100 the rows are read straight from the user's table; below,
/// from a sample copied into `vtabs` (through the virtual table, `sampleFunction` choosing).
extension IndexAdvisor {
    /// The value a column had in the previous row, per slot (sqlite3expert.c's `rem()`):
    /// `x.col IS rem(N, x.col)` is 1 where a row repeats its predecessor's value.
    final class PreviousValues {
        enum Value {
            /// Never set: the first row compares with NULL.
            case unset, null, integer(Int64), real(Double), text([UInt8]), blob([UInt8])
        }
        var slots: [Value]
        /// Whether the slot's C buffer was ever allocated (a value of one byte or more was
        /// kept): until then an empty text or blob comes back as NULL, as the C's NULL buffer does.
        var buffered: [Bool]
        init(count: Int) {
            slots = Array(repeating: .unset, count: count)
            buffered = Array(repeating: false, count: count)
        }
    }

    /// The state of `sampleFunction` for one table (sqlite3expert.c's IdxSampleCtx).
    final class Sampling {
        var percent: Int32 = 0
        var target = 0.0
        var rows = 0.0
        var kept = 0.0
    }

    func computeStatistics() throws {
        guard samplePercent > 0 else { return }
        let largest = try statement("""
            SELECT max(i.seqno) FROM   sqlite_schema AS s,   pragma_index_list(s.name) AS l,   \
            pragma_index_info(l.name) AS i WHERE s.type = 'table'
            """, on: indexes)
        let slotCount = largest.step() ? Int(largest.int(0)) + 1 : 0
        try largest.finalize(origin: user)
        guard slotCount > 0 else { return }
        try run("ANALYZE; PRAGMA writable_schema=1", on: indexes, withMessage: false)

        let previous = PreviousValues(count: slotCount + 1)
        let sampling = Sampling()
        let rowSource = samplePercent == 100 ? user : vtabs
        let previousContext = Unmanaged.passRetained(previous)
        let samplingContext = Unmanaged.passRetained(sampling)
        defer {
            // > To delete an existing SQL function or aggregate, pass NULL pointers for all
            // > three function callbacks.
            sqlite3_create_function(rowSource, Self.previousValueFunction, 2, SQLITE_UTF8, nil, nil, nil, nil)
            sqlite3_create_function(user, Self.sampleFunction, 0, SQLITE_UTF8, nil, nil, nil, nil)
            previousContext.release()
            samplingContext.release()
        }
        guard sqlite3_create_function(rowSource, Self.previousValueFunction, 2, SQLITE_UTF8, previousContext.toOpaque(),
                                      advisorPreviousValue, nil, nil) == SQLITE_OK,
              sqlite3_create_function(user, Self.sampleFunction, 0, SQLITE_UTF8, samplingContext.toOpaque(),
                                      advisorSample, nil, nil) == SQLITE_OK
        else { throw IndexAdvisorError(nil, database: user) }

        let allIndexes = try statement("""
            SELECT s.rowid, s.name, l.name FROM   sqlite_schema AS s,   pragma_index_list(s.name) AS l WHERE s.type = 'table'
            """, on: indexes)
        let keyColumns = try statement("SELECT name, coll FROM pragma_index_xinfo(?) WHERE key", on: indexes)
        let write = try statement("INSERT INTO sqlite_stat1 VALUES(?, ?, ?)", on: indexes)
        var previousTable: Int64 = -100000
        while allIndexes.step() {
            let tableRow = allIndexes.int64(0)
            guard let table = allIndexes.text(1), let index = allIndexes.text(2) else { continue }
            if samplePercent < 100 && previousTable != tableRow {
                sampling.percent = Int32(samplePercent)
                sampling.target = Double(samplePercent) / 100.0
                sampling.rows = 0
                sampling.kept = 0
                try run("DROP TABLE IF EXISTS temp." + Self.scratchTable, on: vtabs, withMessage: false)
                var copy: AdvisorSQL = "CREATE TABLE temp."
                copy.add(Self.scratchTable + " AS SELECT * FROM ")
                copy.addQuoted(table)
                try run(copy, on: vtabs, withMessage: false)
            }
            try computeStatistics(of: index, on: table, keyColumns: keyColumns, write: write, rowSource: rowSource)
            previousTable = tableRow
        }
        if samplePercent < 100 {
            try run("DROP TABLE IF EXISTS temp." + Self.scratchTable, on: vtabs, withMessage: false)
        }
        try allIndexes.finalize(origin: user)
        try keyColumns.finalize(origin: user)
        try write.finalize(origin: user)
        try run("ANALYZE sqlite_schema", on: indexes, withMessage: false)
    }

    /// One index's sqlite_stat1 row: the row count, then for each prefix of its key columns
    /// the average number of rows per value, counting a new value where a row's differs from
    /// the previous row's (idxPopulateOneStat1).
    private func computeStatistics(of index: [UInt8], on table: [UInt8], keyColumns: AdvisorStatement, write: AdvisorStatement,
                                   rowSource: OpaquePointer) throws {
        keyColumns.bind(index, at: 1)
        var columns = AdvisorSQL([]), order = AdvisorSQL([])
        var count = 0
        while keyColumns.step() {
            let comma = count == 0 ? "" : ", "
            let name = keyColumns.text(0)
            columns.add(comma + "x.")
            columns.addQuoted(name)
            columns.add(" IS \(Self.previousValueFunction)(\(count), x.")
            columns.addQuoted(name)
            columns.add(") COLLATE ")
            columns.add(bytes: keyColumns.text(1) ?? [])
            count += 1
            order.add(comma + "\(count)")
        }
        _ = keyColumns.reset()
        var query: AdvisorSQL = "SELECT "
        query.add(bytes: columns.bytes)
        if samplePercent == 100 {
            query.add(" FROM ")
            query.addQuoted(table)
            query.add(" x ORDER BY ")
        } else {
            query.add(" FROM temp." + Self.scratchTable + " x ORDER BY ")
        }
        query.add(bytes: order.bytes)
        let rows = try statement(query, on: rowSource)
        if rows.step() {
            // The first row (in the order of the comparisons' results) counts as new in every column.
            var stat = [Int32](repeating: 1, count: count + 1)
            while rows.step() {
                stat[0] += 1
                var first = 0
                while first < count && rows.int(Int32(first)) != 0 { first += 1 }
                for i in first..<count { stat[i + 1] += 1 }
            }
            let total = stat[0]
            var text = "\(total)"
            for i in stride(from: 1, through: count, by: 1) { text += " \((total + stat[i] / 2) / stat[i])" }
            let statBytes = Array(text.utf8)
            write.bind(table, at: 1)
            write.bind(index, at: 2)
            write.bind(statBytes, at: 3)
            _ = write.step()
            guard write.reset() == SQLITE_OK else { throw IndexAdvisorError(nil, database: user) }
            if let k = candidates.firstIndex(where: { $0.name == index }) { candidates[k].stat1 = statBytes }
        }
        try rows.finalize(origin: user)
    }
}

/// `rem(SLOT, VALUE)`: the value SLOT held, then VALUE kept in it.
private func advisorPreviousValue(_ context: OpaquePointer?, _ count: Int32, _ arguments: UnsafeMutablePointer<OpaquePointer?>?) {
    guard let context, let arguments, let data = sqlite3_user_data(context) else { return }
    let previous = Unmanaged<IndexAdvisor.PreviousValues>.fromOpaque(data).takeUnretainedValue()
    let slot = Int(sqlite3_value_int(arguments[0]))
    guard previous.slots.indices.contains(slot) else { return }
    switch previous.slots[slot] {
    case .unset, .null: break
    case .integer(let value): sqlite3_result_int64(context, value)
    case .real(let value): sqlite3_result_double(context, value)
    case .blob(let value):
        if value.isEmpty {
            if previous.buffered[slot] { sqlite3_result_zeroblob(context, 0) }
        } else {
            value.withUnsafeBytes { sqlite3_result_blob(context, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
        }
    case .text(let value):
        if value.isEmpty {
            if previous.buffered[slot] { sqlite3_result_text(context, "", 0, SQLITE_TRANSIENT) }
        } else {
            value.withUnsafeBytes {
                sqlite3_result_text(context, $0.baseAddress!.assumingMemoryBound(to: CChar.self), Int32($0.count), SQLITE_TRANSIENT)
            }
        }
    }
    let value = arguments[1]
    switch sqlite3_value_type(value) {
    case SQLITE_INTEGER: previous.slots[slot] = .integer(sqlite3_value_int64(value))
    case SQLITE_FLOAT: previous.slots[slot] = .real(sqlite3_value_double(value))
    case SQLITE_BLOB:
        let n = Int(sqlite3_value_bytes(value))
        if n > 0 { previous.buffered[slot] = true }
        previous.slots[slot] = .blob(sqlite3_value_blob(value).map { Array(UnsafeRawBufferPointer(start: $0, count: n)) } ?? [])
    case SQLITE_TEXT:
        let n = Int(sqlite3_value_bytes(value))
        if n > 0 { previous.buffered[slot] = true }
        previous.slots[slot] = .text(sqlite3_value_text(value).map { Array(UnsafeBufferPointer(start: $0, count: n)) } ?? [])
    default: previous.slots[slot] = .null
    }
}

/// `sample()`: 1 for the first row, then 1 while the share kept is at most the target, else
/// 1 by chance (a random number below the percentage).
private func advisorSample(_ context: OpaquePointer?, _ count: Int32, _ arguments: UnsafeMutablePointer<OpaquePointer?>?) {
    guard let context, let data = sqlite3_user_data(context) else { return }
    let sampling = Unmanaged<IndexAdvisor.Sampling>.fromOpaque(data).takeUnretainedValue()
    var keep = true
    if sampling.rows != 0 {
        keep = sampling.kept / sampling.rows <= sampling.target
        if !keep {
            var random: UInt16 = 0
            sqlite3_randomness(2, &random)
            keep = Int32(random) % 100 <= sampling.percent
        }
    }
    sqlite3_result_int(context, keep ? 1 : 0)
    sampling.rows += 1
    sampling.kept += keep ? 1 : 0
}
