import ArgumentParser
import FoundationEssentials
import Glibc
import MigshCore

/// `.filectrl CMD ...`: `sqlite3_file_control` operations, with sqlite3 3.40's names, usage
/// lines and output (`Connection+FileControl`).
struct FilectrlCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".filectrl", abstract: "Run various sqlite3_file_control() operations.",
        discussion: """
            --schema SCHEMA   Use SCHEMA instead of "main"
            --help            Show CMD details
            Example: .filectrl data_version
            """)
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("CMD and its arguments.", valueName: "cmd"), completion: .list(FilectrlCommand.controls.map(\.name))) var words: [String] = []

    static let controls: [(name: String, control: Connection.FileControl, usage: String)] = [
        ("chunk_size", .chunkSize, "SIZE"), ("data_version", .dataVersion, ""), ("has_moved", .hasMoved, ""),
        ("lock_timeout", .lockTimeout, "MILLISEC"), ("persist_wal", .persistWAL, "[BOOLEAN]"),
        ("psow", .powersafeOverwrite, "[BOOLEAN]"), ("reserve_bytes", .reserveBytes, "[N]"),
        ("size_limit", .sizeLimit, "[LIMIT]"), ("tempfilename", .tempFileName, ""),
    ]

    func run(in shell: Shell) throws {
        let db = shell.session.db
        // sqlite3's azArg: the words after the name, the name itself not counted.
        var args = words
        var schema: String?
        if let first = args.first, first == "--schema" || first == "-schema", args.count >= 3 {
            schema = args[1]
            args.removeFirst(2)
        }
        var command = Substring(args.first ?? "help")
        if command.hasPrefix("-") && command.count > 1 {
            command = command.dropFirst()
            if command.hasPrefix("-") && command.count > 1 { command = command.dropFirst() }
        }
        if command == "help" {
            shell.out.write("Available file-controls:\n")
            for c in Self.controls { shell.out.write("  .filectrl \(c.name) \(c.usage)\n") }
            throw MigshError(.saidAlready, ".filectrl help")
        }
        let matches = Self.controls.filter { $0.name.hasPrefix(command) }
        guard matches.count <= 1 else {
            throw sqlite3Usage("Error: ambiguous file-control: \"\(command)\"\nUse \".filectrl --help\" for help", in: shell)
        }
        guard let chosen = matches.first else {
            // As sqlite3: said, and the command does not fail.
            shell.out.flush()
            shell.err.write("Error: unknown file-control: \(command)\nUse \".filectrl --help\" for help\n")
            return
        }
        let n = args.count + 1
        var printed: Int64?
        var done = false
        switch chosen.control {
        case .sizeLimit where n == 2 || n == 3:
            printed = db.fileControl(.sizeLimit, schema: schema, value: n == 3 ? integerValue(args[1]) : -1)
        case .lockTimeout where n == 3, .chunkSize where n == 3:
            db.fileControl(chosen.control, schema: schema, value: Int64(Int32(truncatingIfNeeded: integerValue(args[1]))))
            done = true
        case .persistWAL where n == 2 || n == 3, .powersafeOverwrite where n == 2 || n == 3:
            let value: Int64 = n == 3 ? (try booleanValue(args[1], in: shell) ? 1 : 0) : -1
            printed = db.fileControl(chosen.control, schema: schema, value: value)
        case .dataVersion where n == 2, .hasMoved where n == 2:
            printed = db.fileControl(chosen.control, schema: schema, value: 0)
        case .tempFileName where n == 2:
            if let name = db.temporaryFileName(schema: schema) { shell.out.write(name + "\n") }
            done = true
        case .reserveBytes:
            if n >= 3 { db.fileControl(.reserveBytes, schema: schema, value: Int64(atoi(args[1]))) }
            shell.out.write("\(db.fileControl(.reserveBytes, schema: schema, value: -1))\n")
            done = true
        default:
            break
        }
        if let printed {
            shell.out.write("\(printed)\n")
        } else if !done {
            shell.out.write("Usage: .filectrl \(command) \(chosen.usage)\n")
            throw MigshError(.saidAlready, "Usage: .filectrl \(command) \(chosen.usage)")
        }
    }
}
