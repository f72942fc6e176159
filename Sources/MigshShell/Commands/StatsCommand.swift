import ArgumentParser
import CMigshSQLite
import Foundation
import MigshCore

/// `.stats [on|off|stmt|vmstep]`: SQLite's counters after each statement, as sqlite3 prints
/// them (memory and I/O figures change from run to run; the statement's own counters do not).
/// With no argument, the report once.
struct StatsCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".stats", abstract: "Show SQLite's counters after each statement (on|off|stmt|vmstep); no argument: once.",
        discussion: "Example: .stats vmstep")
    static let completion: [String: CompletionSource] = ["0": .words(["on", "off", "stmt", "vmstep"])]
    @Argument(help: ArgumentHelp("on, off, stmt or vmstep.", valueName: "on|off|stmt|vmstep")) var value: String?

    func run(in shell: Shell) throws {
        guard let value else {
            StatsCommand.report(nil, in: shell)
            return
        }
        switch value {
        case "stmt": shell.session.stats = .stmt
        case "vmstep": shell.session.stats = .vmstep
        default:
            if let number = Int(value) {
                // sqlite3: 0 off, 2 stmt, 3 vmstep, any other number on.
                shell.session.stats = [0: .off, 2: .stmt, 3: .vmstep][number] ?? .on
            } else {
                shell.session.stats = try booleanValue(value, in: shell) ? .on : .off
            }
        }
    }

    /// sqlite3's `display_stats` (without reset) for `statement`, or for none.
    static func report(_ statement: Statement?, in shell: Shell) {
        let out = shell.out
        let db = shell.session.db.sqliteHandle
        func line(_ label: String, _ value: String) {
            out.write(label.padding(toLength: max(36, label.count), withPad: " ", startingAt: 0) + " " + value + "\n")
        }
        let stmt = statement?.sqliteHandle
        if let stmt, shell.session.stats == .stmt {
            let n = sqlite3_column_count(stmt)
            line("Number of output columns:", "\(n)")
            func text(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "(null)" }
            for i in 0..<n {
                line("Column \(i) name:", text(sqlite3_column_name(stmt, i)))
                line("Column \(i) declared type:", text(sqlite3_column_decltype(stmt, i)))
                line("Column \(i) database name:", text(sqlite3_column_database_name(stmt, i)))
                line("Column \(i) table name:", text(sqlite3_column_table_name(stmt, i)))
                line("Column \(i) origin name:", text(sqlite3_column_origin_name(stmt, i)))
            }
        }
        if shell.session.stats == .vmstep {
            if let stmt { out.write("VM-steps: \(sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_VM_STEP, 0))\n") }
            return
        }
        func status(_ op: Int32) -> (Int64, Int64) {
            var current: Int64 = -1
            var highwater: Int64 = -1
            sqlite3_status64(op, &current, &highwater, 0)
            return (current, highwater)
        }
        let memory = status(SQLITE_STATUS_MEMORY_USED)
        line("Memory Used:", "\(memory.0) (max \(memory.1)) bytes")
        let allocations = status(SQLITE_STATUS_MALLOC_COUNT)
        line("Number of Outstanding Allocations:", "\(allocations.0) (max \(allocations.1))")
        let overflow = status(SQLITE_STATUS_PAGECACHE_OVERFLOW)
        line("Number of Pcache Overflow Bytes:", "\(overflow.0) (max \(overflow.1)) bytes")
        line("Largest Allocation:", "\(status(SQLITE_STATUS_MALLOC_SIZE).1) bytes")
        line("Largest Pcache Allocation:", "\(status(SQLITE_STATUS_PAGECACHE_SIZE).1) bytes")
        func dbStatus(_ op: Int32, reset: Int32 = 0) -> (Int32, Int32) {
            var current: Int32 = -1
            var highwater: Int32 = -1
            sqlite3_db_status(db, op, &current, &highwater, reset)
            return (current, highwater)
        }
        let lookaside = dbStatus(SQLITE_DBSTATUS_LOOKASIDE_USED)
        line("Lookaside Slots Used:", "\(lookaside.0) (max \(lookaside.1))")
        line("Successful lookaside attempts:", "\(dbStatus(SQLITE_DBSTATUS_LOOKASIDE_HIT).1)")
        line("Lookaside failures due to size:", "\(dbStatus(SQLITE_DBSTATUS_LOOKASIDE_MISS_SIZE).1)")
        line("Lookaside failures due to OOM:", "\(dbStatus(SQLITE_DBSTATUS_LOOKASIDE_MISS_FULL).1)")
        line("Pager Heap Usage:", "\(dbStatus(SQLITE_DBSTATUS_CACHE_USED).0) bytes")
        line("Page cache hits:", "\(dbStatus(SQLITE_DBSTATUS_CACHE_HIT, reset: 1).0)")
        line("Page cache misses:", "\(dbStatus(SQLITE_DBSTATUS_CACHE_MISS, reset: 1).0)")
        line("Page cache writes:", "\(dbStatus(SQLITE_DBSTATUS_CACHE_WRITE, reset: 1).0)")
        line("Page cache spills:", "\(dbStatus(SQLITE_DBSTATUS_CACHE_SPILL, reset: 1).0)")
        line("Schema Heap Usage:", "\(dbStatus(SQLITE_DBSTATUS_SCHEMA_USED).0) bytes")
        line("Statement Heap/Lookaside Usage:", "\(dbStatus(SQLITE_DBSTATUS_STMT_USED).0) bytes")
        if let stmt {
            func counter(_ op: Int32) -> Int32 { sqlite3_stmt_status(stmt, op, 0) }
            line("Fullscan Steps:", "\(counter(SQLITE_STMTSTATUS_FULLSCAN_STEP))")
            line("Sort Operations:", "\(counter(SQLITE_STMTSTATUS_SORT))")
            line("Autoindex Inserts:", "\(counter(SQLITE_STMTSTATUS_AUTOINDEX))")
            let hit = counter(SQLITE_STMTSTATUS_FILTER_HIT)
            let miss = counter(SQLITE_STMTSTATUS_FILTER_MISS)
            if hit != 0 || miss != 0 { line("Bloom filter bypass taken:", "\(hit)/\(hit + miss)") }
            line("Virtual Machine Steps:", "\(counter(SQLITE_STMTSTATUS_VM_STEP))")
            line("Reprepare operations:", "\(counter(SQLITE_STMTSTATUS_REPREPARE))")
            line("Number of times run:", "\(counter(SQLITE_STMTSTATUS_RUN))")
            line("Memory used by prepared stmt:", "\(counter(SQLITE_STMTSTATUS_MEMUSED))")
        }
        // Linux's per-process I/O counters, named as sqlite3 names them.
        if let io = try? String(contentsOfFile: "/proc/\(getpid())/io", encoding: .utf8) {
            let names = [("rchar: ", "Bytes received by read():"), ("wchar: ", "Bytes sent to write():"),
                         ("syscr: ", "Read() system calls:"), ("syscw: ", "Write() system calls:"),
                         ("read_bytes: ", "Bytes read from storage:"), ("write_bytes: ", "Bytes written to storage:"),
                         ("cancelled_write_bytes: ", "Cancelled write bytes:")]
            for ioLine in io.split(separator: "\n") {
                if let (prefix, label) = names.first(where: { ioLine.hasPrefix($0.0) }) {
                    line(label, String(ioLine.dropFirst(prefix.count)))
                }
            }
        }
    }
}
