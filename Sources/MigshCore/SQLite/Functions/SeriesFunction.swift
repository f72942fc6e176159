import CMigshSQLite

/// `generate_series(START [, STOP [, STEP]])`, as sqlite3 3.40's shell has it (ext/misc/series.c
/// of that release): the table `(value, start HIDDEN, stop HIDDEN, step HIDDEN)`; the arguments
/// are equality constraints on the hidden columns, `WHERE start=… AND stop=…` works too.
/// START is required; STOP defaults to 4294967295, STEP to 1 (0 is 1). A negative STEP runs
/// the same range downwards, from STOP (less the remainder) to START: `(0,100,-5)` is 100, 95,
/// … 0 (the rule later releases changed). The step column shows the step's absolute value; a
/// NULL argument gives no rows; the rowid counts rows from 1. Arithmetic wraps as the C does.
enum SeriesFunction {
    static func register(on db: OpaquePointer) {
        TableFunctions.register("generate_series", TableFunctionModule(
            schema: "CREATE TABLE x(value,start hidden,stop hidden,step hidden)",
            risk: SQLITE_VTAB_INNOCUOUS, bestIndex: bestIndex, makeCursor: { SeriesCursor() }), on: db)
    }

    static let startColumn: Int32 = 1

    /// Bits of idxNum: 1 start=, 2 stop=, 4 step=, 8 descending, 16 ascending.
    static func bestIndex(_ info: UnsafeMutablePointer<sqlite3_index_info>) -> TableFunctionPlan {
        var indexNumber: Int32 = 0
        var startSeen = false
        var unusable: Int32 = 0
        var used = [-1, -1, -1]
        let count = Int(info.pointee.nConstraint)
        for i in 0..<count {
            let constraint = info.pointee.aConstraint[i]
            guard constraint.iColumn >= startColumn else { continue }
            let column = Int(constraint.iColumn - startColumn)
            let mask: Int32 = 1 << column
            if column == 0 { startSeen = true }
            if constraint.usable == 0 {
                unusable |= mask
            } else if Int32(constraint.op) == SQLITE_INDEX_CONSTRAINT_EQ {
                indexNumber |= mask
                used[column] = i
            }
        }
        var argument: Int32 = 0
        for i in used where i >= 0 {
            argument += 1
            info.pointee.aConstraintUsage[i].argvIndex = argument
            info.pointee.aConstraintUsage[i].omit = 1
        }
        if !startSeen { return .error("first argument to \"generate_series()\" missing or unusable") }
        // start, stop and step are inputs: a plan without one of them known is no plan.
        if unusable & ~indexNumber != 0 { return .unusable }
        if indexNumber & 3 == 3 {
            info.pointee.estimatedCost = Double(2 - (indexNumber & 4 != 0 ? 1 : 0))
            info.pointee.estimatedRows = 1000
            if info.pointee.nOrderBy >= 1, info.pointee.aOrderBy[0].iColumn == 0 {
                indexNumber |= info.pointee.aOrderBy[0].desc != 0 ? 8 : 16
                info.pointee.orderByConsumed = 1
            }
        } else {
            // An open range: very many rows, so that the planner avoids this order.
            info.pointee.estimatedRows = 2147483647
        }
        info.pointee.idxNum = indexNumber
        return .ok
    }
}

final class SeriesCursor: TableFunctionCursor {
    var descending = false
    var row: Int64 = 0
    var value: Int64 = 0
    var minimum: Int64 = 0
    var maximum: Int64 = 0
    var step: Int64 = 1

    override func filter(indexNumber: Int32, arguments: [OpaquePointer?]) throws {
        var flags = indexNumber
        var next = 0
        func argument() -> Int64 {
            defer { next += 1 }
            return sqlite3_value_int64(arguments[next])
        }
        minimum = flags & 1 != 0 ? argument() : 0
        maximum = flags & 2 != 0 ? argument() : 0xffffffff
        if flags & 4 != 0 {
            step = argument()
            if step == 0 {
                step = 1
            } else if step < 0 {
                step = 0 &- step
                if flags & 16 == 0 { flags |= 8 }
            }
        } else {
            step = 1
        }
        if arguments.contains(where: { sqlite3_value_type($0) == SQLITE_NULL }) {
            // A NULL constraint gives no rows (SQLite ticket fac496b61722daf2).
            minimum = 1
            maximum = 0
        }
        if flags & 8 != 0 {
            descending = true
            value = maximum
            // C's % truncates as Swift's does; a step of Int64.min stays negative, as in C.
            if step > 0 { value = value &- ((maximum &- minimum) % step) }
        } else {
            descending = false
            value = minimum
        }
        row = 1
    }

    override func next() throws {
        value = descending ? value &- step : value &+ step
        row += 1
    }

    override var isAtEnd: Bool { descending ? value < minimum : value > maximum }

    override func column(_ index: Int32, into context: OpaquePointer) {
        switch index {
        case 1: sqlite3_result_int64(context, minimum)
        case 2: sqlite3_result_int64(context, maximum)
        case 3: sqlite3_result_int64(context, step)
        default: sqlite3_result_int64(context, value)
        }
    }

    override var rowid: Int64 { row }
}
