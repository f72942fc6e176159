import CMigshSQLite
import Glibc

/// `fsdir(PATH [, DIR])`, as sqlite3 3.40's shell has it (ext/misc/fileio.c of that release):
/// the table `(name, mode, mtime, data, path HIDDEN, dir HIDDEN)`. The first row is PATH
/// itself (lstat: a link is not followed), then, for a folder, every entry below it, depth
/// first, each folder's entries in readdir() order (sqlite3's order, not sorted), `.` and
/// `..` left out. `data` is a file's content, a link's target as text, NULL for a folder.
/// With DIR, PATH is taken relative to it and `name` is shown without `DIR/`. Names are the
/// bytes the system gives, unchanged. Direct-only, as sqlite3's: not from a view or trigger.
enum FsdirFunction {
    static func register(on db: OpaquePointer, access: ShellSQLFunctions.FileAccess) {
        TableFunctions.register("fsdir", TableFunctionModule(
            schema: "CREATE TABLE x(name,mode,mtime,data,path HIDDEN,dir HIDDEN)",
            risk: SQLITE_VTAB_DIRECTONLY, bestIndex: bestIndex,
            makeCursor: { FsdirCursor(access: access) }), on: db)
    }

    static let pathColumn: Int32 = 4
    static let dirColumn: Int32 = 5

    /// idxNum 0: no PATH (an error when run), 1: PATH, 2: PATH and DIR. An unusable PATH= or
    /// DIR= makes the plan unusable.
    static func bestIndex(_ info: UnsafeMutablePointer<sqlite3_index_info>) -> TableFunctionPlan {
        var pathIndex = -1, dirIndex = -1
        var pathUnusable = false, dirUnusable = false
        for i in 0..<Int(info.pointee.nConstraint) {
            let constraint = info.pointee.aConstraint[i]
            guard Int32(constraint.op) == SQLITE_INDEX_CONSTRAINT_EQ else { continue }
            switch constraint.iColumn {
            case pathColumn:
                if constraint.usable != 0 {
                    pathIndex = i
                    pathUnusable = false
                } else if pathIndex < 0 {
                    pathUnusable = true
                }
            case dirColumn:
                if constraint.usable != 0 {
                    dirIndex = i
                    dirUnusable = false
                } else if dirIndex < 0 {
                    dirUnusable = true
                }
            default:
                break
            }
        }
        if pathUnusable || dirUnusable { return .unusable }
        if pathIndex < 0 {
            info.pointee.idxNum = 0
            // estimatedCost stays SQLite's huge default.
            info.pointee.estimatedRows = 0x7fffffff
        } else {
            info.pointee.aConstraintUsage[pathIndex].omit = 1
            info.pointee.aConstraintUsage[pathIndex].argvIndex = 1
            if dirIndex >= 0 {
                info.pointee.aConstraintUsage[dirIndex].omit = 1
                info.pointee.aConstraintUsage[dirIndex].argvIndex = 2
                info.pointee.idxNum = 2
                info.pointee.estimatedCost = 10
            } else {
                info.pointee.idxNum = 1
                info.pointee.estimatedCost = 100
            }
        }
        return .ok
    }
}

final class FsdirCursor: TableFunctionCursor {
    let access: ShellSQLFunctions.FileAccess
    /// The folders being read, outermost first: each one's path (NUL-terminated) and handle.
    var levels: [(path: [CChar], handle: OpaquePointer)] = []
    /// The current entry's path, NUL-terminated; nil at the end.
    var path: [CChar]?
    /// How many bytes of `path` `name` leaves out (`DIR/`).
    var baseLength = 0
    var info = stat()
    var row: Int64 = 1

    init(access: ShellSQLFunctions.FileAccess) { self.access = access }

    deinit { reset() }

    func reset() {
        for level in levels { closedir(level.handle) }
        levels = []
        path = nil
        baseLength = 0
        row = 1
    }

    override func filter(indexNumber: Int32, arguments: [OpaquePointer?]) throws {
        reset()
        if case .refused(let reason) = access { throw TableFunctionError("fsdir() refused: \(reason)") }
        guard indexNumber != 0 else { throw TableFunctionError("table function fsdir requires an argument") }
        guard let start = sqlite3_value_text(arguments[0]) else {
            throw TableFunctionError("table function fsdir requires a non-NULL argument")
        }
        var current = Self.cString(start)
        if indexNumber == 2, let base = sqlite3_value_text(arguments[1]) {
            let prefix = Self.cString(base).dropLast() + [0x2f]
            baseLength = prefix.count
            current = prefix + current
        }
        path = current
        guard lstat(current, &info) == 0 else { // path: C bytes from sqlite3_value_text
            throw TableFunctionError(bytes: Array("cannot stat file: ".utf8) + Self.bytes(current))
        }
    }

    override func next() throws {
        row += 1
        if let current = path, FileFunctions.isDirectory(info.st_mode) {
            path = nil
            guard let handle = opendir(current) else { // path: C bytes from sqlite3_value_text and readdir
                throw TableFunctionError(bytes: Array("cannot read directory: ".utf8) + Self.bytes(current))
            }
            levels.append((current, handle))
        }
        while let level = levels.last {
            if let entry = readdir(level.handle) {
                let name = withUnsafePointer(to: &entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { Self.cString($0) }
                }
                if name == [0x2e, 0] || name == [0x2e, 0x2e, 0] { continue }
                let current = level.path.dropLast() + [0x2f] + name
                path = current
                guard lstat(current, &info) == 0 else { // path: C bytes from sqlite3_value_text and readdir
                    throw TableFunctionError(bytes: Array("cannot stat file: ".utf8) + Self.bytes(current))
                }
                return
            }
            closedir(level.handle)
            levels.removeLast()
        }
        path = nil
    }

    override var isAtEnd: Bool { path == nil }

    override func column(_ index: Int32, into context: OpaquePointer) {
        guard let path else { return }
        switch index {
        case 0:
            path.withUnsafeBufferPointer { buffer in
                sqlite3_result_text(context, buffer.baseAddress! + baseLength, -1, SQLITE_TRANSIENT)
            }
        case 1:
            sqlite3_result_int64(context, Int64(info.st_mode))
        case 2:
            sqlite3_result_int64(context, Int64(info.st_mtim.tv_sec))
        case 3:
            if FileFunctions.isDirectory(info.st_mode) {
                sqlite3_result_null(context)
            } else if FileFunctions.isLink(info.st_mode) {
                var size = 64
                while true {
                    var buffer = [CChar](repeating: 0, count: size)
                    let n = readlink(path, &buffer, size) // path: C bytes from sqlite3_value_text and readdir
                    if n < size {
                        // As fileio.c: a failed readlink (-1) gives what SQLite makes of length -1.
                        sqlite3_result_text(context, buffer, Int32(n), SQLITE_TRANSIENT)
                        return
                    }
                    size *= 2
                }
            } else {
                path.withUnsafeBufferPointer { FileFunctions.readContents(context, path: $0.baseAddress!) }
            }
        default:
            break  // path and dir are inputs: NULL, as in sqlite3.
        }
    }

    override var rowid: Int64 { row }

    /// A C string's bytes with their NUL.
    static func cString(_ text: UnsafePointer<UInt8>) -> [CChar] {
        cString(UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self))
    }

    static func cString(_ text: UnsafePointer<CChar>) -> [CChar] {
        Array(UnsafeBufferPointer(start: text, count: strlen(text) + 1))
    }

    /// A path's bytes without its NUL, for an error message.
    static func bytes(_ path: [CChar]) -> [UInt8] {
        path.dropLast().map { UInt8(bitPattern: $0) }
    }
}
