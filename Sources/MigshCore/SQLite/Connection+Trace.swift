import CMigshSQLite
import FoundationEssentials
import Glibc

/// SQLite's trace hook (`sqlite3_trace_v2`), for sqlite3's `.trace`.
extension Connection {
    public struct TraceEvents: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let statement = TraceEvents(rawValue: UInt32(SQLITE_TRACE_STMT))
        public static let profile = TraceEvents(rawValue: UInt32(SQLITE_TRACE_PROFILE))
        public static let row = TraceEvents(rawValue: UInt32(SQLITE_TRACE_ROW))
        public static let close = TraceEvents(rawValue: UInt32(SQLITE_TRACE_CLOSE))
    }

    public enum TraceEvent {
        /// A statement starts (or a trigger: its `-- TRIGGER name` comment).
        case statement([UInt8])
        /// A statement finished, after this many nanoseconds.
        case profile([UInt8], nanoseconds: Int64)
        /// A statement produced a row.
        case row([UInt8])
        case close
    }

    /// Calls `handler` for `events` (nil: tracing off). `expanded`: the statement's SQL with
    /// its bound parameters written in (`sqlite3_expanded_sql`), else as prepared.
    public func trace(_ events: TraceEvents, expanded: Bool, _ handler: ((TraceEvent) -> Void)?) {
        guard let handler, !events.isEmpty else {
            sqlite3_trace_v2(handle, 0, nil, nil)
            traceHandler = nil
            return
        }
        let box = TraceHandler(expanded: expanded, handler: handler)
        traceHandler = box
        sqlite3_trace_v2(handle, events.rawValue, { type, context, p, x in
            guard let context else { return 0 }
            let box = Unmanaged<TraceHandler>.fromOpaque(context).takeUnretainedValue()
            if type == UInt32(SQLITE_TRACE_CLOSE) {
                box.handler(.close)
                return 0
            }
            // > SQLITE_TRACE_STMT ... The X argument is ... the unexpanded SQL text ... or a
            // > comment ("--") for the start of a trigger.
            var sql: [UInt8]?
            if type != UInt32(SQLITE_TRACE_ROW), let x, x.load(as: CChar.self) == 45 {
                sql = Array(UnsafeRawBufferPointer(start: x, count: strlen(x.assumingMemoryBound(to: CChar.self))))
            } else if let p {
                let statement = OpaquePointer(p)
                if box.expanded, let text = sqlite3_expanded_sql(statement) {
                    sql = Array(UnsafeRawBufferPointer(start: text, count: strlen(text)))
                    sqlite3_free(text)
                } else if let text = sqlite3_sql(statement) {
                    sql = Array(UnsafeRawBufferPointer(start: text, count: strlen(text)))
                }
            }
            guard let sql else { return 0 }
            switch Int32(type) {
            case SQLITE_TRACE_STMT: box.handler(.statement(sql))
            case SQLITE_TRACE_ROW: box.handler(.row(sql))
            case SQLITE_TRACE_PROFILE: box.handler(.profile(sql, nanoseconds: x?.load(as: Int64.self) ?? 0))
            default: break
            }
            return 0
        }, Unmanaged.passUnretained(box).toOpaque())
    }
}

/// The closure SQLite's trace callback reaches through its context pointer.
final class TraceHandler {
    let expanded: Bool
    let handler: (Connection.TraceEvent) -> Void
    init(expanded: Bool, handler: @escaping (Connection.TraceEvent) -> Void) {
        self.expanded = expanded
        self.handler = handler
    }
}
