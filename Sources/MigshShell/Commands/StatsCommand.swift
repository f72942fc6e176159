import ArgumentParser
import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// `.stats [on|off|stmt|vmstep]`: SQLite's counters after each statement, as sqlite3 prints
/// them (memory and I/O figures change from run to run; the statement's own counters do not).
/// With no argument, the report once.
struct StatsCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".stats", abstract: "Show SQLite's counters after each statement (on|off|stmt|vmstep); no argument: once.",
        discussion: "Example: .stats vmstep")
    static let sqlite3UsageLine: String? = "Usage: .stats ?on|off|stmt|vmstep?"
    @Argument(help: StatsMode.help("off, on, stmt or vmstep."), completion: StatsMode.completion) var value: String?

    func run(in shell: Shell) throws {
        guard let value else {
            StatsCommand.report(nil, in: shell)
            return
        }
        switch StatsMode(rawValue: value) {
        case let mode? where mode == .stmt || mode == .vmstep: shell.session.stats = mode
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
        let db = shell.session.db
        func line(_ label: String, _ value: String) {
            out.write(label.padded(toLength: max(36, label.count)) + " " + value + "\n")
        }
        if let statement, shell.session.stats == .stmt {
            let origins = statement.columnOrigins
            line("Number of output columns:", "\(origins.count)")
            for (i, c) in origins.enumerated() {
                line("Column \(i) name:", c.name ?? "(null)")
                line("Column \(i) declared type:", c.declaredType ?? "(null)")
                line("Column \(i) database name:", c.databaseName ?? "(null)")
                line("Column \(i) table name:", c.tableName ?? "(null)")
                line("Column \(i) origin name:", c.originName ?? "(null)")
            }
        }
        if shell.session.stats == .vmstep {
            if let statement { out.write("VM-steps: \(statement.counter(.vmStep))\n") }
            return
        }
        let memory = LibraryStatus.memoryUsed.value
        line("Memory Used:", "\(memory.current) (max \(memory.highwater)) bytes")
        let allocations = LibraryStatus.mallocCount.value
        line("Number of Outstanding Allocations:", "\(allocations.current) (max \(allocations.highwater))")
        let overflow = LibraryStatus.pageCacheOverflow.value
        line("Number of Pcache Overflow Bytes:", "\(overflow.current) (max \(overflow.highwater)) bytes")
        line("Largest Allocation:", "\(LibraryStatus.mallocSize.value.highwater) bytes")
        line("Largest Pcache Allocation:", "\(LibraryStatus.pageCacheSize.value.highwater) bytes")
        let lookaside = db.status(.lookasideUsed)
        line("Lookaside Slots Used:", "\(lookaside.current) (max \(lookaside.highwater))")
        line("Successful lookaside attempts:", "\(db.status(.lookasideHit).highwater)")
        line("Lookaside failures due to size:", "\(db.status(.lookasideMissSize).highwater)")
        line("Lookaside failures due to OOM:", "\(db.status(.lookasideMissFull).highwater)")
        line("Pager Heap Usage:", "\(db.status(.cacheUsed).current) bytes")
        line("Page cache hits:", "\(db.status(.cacheHit, reset: true).current)")
        line("Page cache misses:", "\(db.status(.cacheMiss, reset: true).current)")
        line("Page cache writes:", "\(db.status(.cacheWrite, reset: true).current)")
        line("Page cache spills:", "\(db.status(.cacheSpill, reset: true).current)")
        line("Schema Heap Usage:", "\(db.status(.schemaUsed).current) bytes")
        line("Statement Heap/Lookaside Usage:", "\(db.status(.statementUsed).current) bytes")
        if let statement {
            line("Fullscan Steps:", "\(statement.counter(.fullscanStep))")
            line("Sort Operations:", "\(statement.counter(.sort))")
            line("Autoindex Inserts:", "\(statement.counter(.autoindex))")
            let hit = statement.counter(.filterHit)
            let miss = statement.counter(.filterMiss)
            if hit != 0 || miss != 0 { line("Bloom filter bypass taken:", "\(hit)/\(hit + miss)") }
            line("Virtual Machine Steps:", "\(statement.counter(.vmStep))")
            line("Reprepare operations:", "\(statement.counter(.reprepare))")
            line("Number of times run:", "\(statement.counter(.run))")
            line("Memory used by prepared stmt:", "\(statement.counter(.memoryUsed))")
        }
        // Linux's per-process I/O counters, named as sqlite3 names them.
        if let io = FileSystem.contents("/proc/\(getpid())/io").map({ String(decoding: $0, as: UTF8.self) }) {
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

/// `.stats`'s words: sqlite3 reads them (and numbers, and its other booleans) leniently.
extension StatsMode: ArgumentWords {}
