import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

// The script reader: input read line by line (a file, standard input, `.read`) and cut into
// units as sqlite3's process_input cuts it (`SQLInput`).
extension Shell {
    /// Runs one unit of input read by `SQLInput`. Returns false on failure.
    @discardableResult
    func run(_ unit: SQLInput.Unit) throws -> Bool {
        switch unit {
        case .nothing(let text):
            if session.echo { out.write(text); out.write(byte: 10) }
            return true
        case .dotCommand(let text, let line):
            // Its words may hold any bytes: carried through the argument parser (`ShellWord`).
            return try runUnit(CarriedBytes.string(carrying: text), line: line)
        case .sql(let text, let line):
            return try runSQLUnit(text, line: line)
        }
    }

    // MARK: Scripts

    /// Runs a script read line by line, as sqlite3's process_input does (`SQLInput`): its
    /// bytes reach SQLite unchanged, and SQL still pending at the end of input runs as it is.
    /// Returns the number of failures; stops at the first when bail is on, and at `.quit`.
    /// `.exit N`'s `ShellExit` propagates.
    func runScript(lines: inout some LineSource, name: String?) throws -> Int {
        let (savedName, savedInScript) = (sourceName, inScript)
        (sourceName, inScript) = (name, true)
        defer { (sourceName, inScript) = (savedName, savedInScript) }
        var input = SQLInput()
        var failures = 0
        var lineNumber = 0
        while let line = lines.nextLine() {
            lineNumber += 1
            currentLine = lineNumber
            guard let unit = input.add(line) else { continue }
            do {
                if !(try run(unit)) {
                    failures += 1
                    if session.bail { return failures }
                }
            } catch let exit as ShellExit where exit.endsInputOnly {
                return failures
            }
            // Ctrl-C ends a script read with `.read` too.
            if CancellationToken.interrupt.isRequested { return failures + 1 }
        }
        do {
            if let unit = input.finish(), !(try run(unit)) {
                failures += 1
            }
        } catch let exit as ShellExit where exit.endsInputOnly {}
        return failures
    }
}

/// A source of input lines (without their newline), as bytes: never decoded.
protocol LineSource {
    mutating func nextLine() -> [UInt8]?
}

/// Lines from a C stream, read with getline (no size limit, no per-line buffering surprises).
/// One getline buffer serves every line of the stream.
struct FileLineSource: LineSource {
    let file: UnsafeMutablePointer<FILE>
    private let buffer = GetlineBuffer()

    init(file: UnsafeMutablePointer<FILE>) { self.file = file }

    mutating func nextLine() -> [UInt8]? {
        // After Ctrl-C no more of the script is read (a read already waiting ends with EINTR).
        if CancellationToken.interrupt.isRequested { return nil }
        let n = getline(&buffer.pointer, &buffer.capacity, file)
        guard n >= 0, let ptr = buffer.pointer else { return nil }
        var len = n
        if len > 0 && ptr[len - 1] == 10 { len -= 1 }
        if len > 0 && ptr[len - 1] == 13 { len -= 1 }
        return Array(UnsafeRawBufferPointer(start: ptr, count: len))
    }
}

/// getline's buffer, kept from line to line and freed with its source.
private final class GetlineBuffer {
    var pointer: UnsafeMutablePointer<CChar>?
    var capacity = 0
    deinit { free(pointer) }
}
