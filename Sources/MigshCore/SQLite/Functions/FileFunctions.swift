import CMigshSQLite
import Glibc

/// `readfile(X)`, `writefile(X, Y [, MODE [, MTIME]])` and `lsmode(MODE)`, as sqlite3 3.40's
/// shell has them (ext/misc/fileio.c of that release), with the same system calls in the same
/// order, so that a missing file, a directory or an unwritable path gives what sqlite3 gives:
/// `readfile` is NULL for a file it cannot open; `writefile` is NULL when it fails with two
/// arguments and an error ("failed to write file: X") with a MODE; it creates the missing
/// folders above X. File names are the bytes SQLite holds, handed to the system unchanged.
enum FileFunctions {
    /// Why the file functions refuse to run on this connection (`--readonly`); kept alive
    /// by SQLite as the functions' user data and released by its destructor.
    final class Refusal {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    typealias CFunction = @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void

    static func register(on db: OpaquePointer, access: ShellSQLFunctions.FileAccess) {
        // sqlite3's flags: readfile and writefile never run from a view or a trigger.
        let fileFlags = SQLITE_UTF8 | SQLITE_DIRECTONLY
        create(db, "readfile", 1, fileFlags, access) { context, _, values in
            guard let context, let values, let name = sqlite3_value_text(values[0]) else { return }
            FileFunctions.readContents(context, path: UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
        }
        create(db, "writefile", -1, fileFlags, access) { context, count, values in
            guard let context, let values else { return }
            FileFunctions.writefile(context, Int(count), values)
        }
        for count: Int32 in [1, 2] {
            create(db, "edit", count, SQLITE_UTF8, access) { context, count, values in
                guard let context, let values else { return }
                EditFunction.edit(context, Int(count), values)
            }
        }
        // lsmode touches no file, but CONTRACT.md puts it with the file functions: off under
        // --readonly (and -safe, SafeMode.prohibitedFunctions), where they are.
        create(db, "lsmode", 1, SQLITE_UTF8, access) { context, _, values in
            guard let context, let values else { return }
            sqlite3_result_text(context, FileFunctions.lsmode(sqlite3_value_int(values[0])), -1, SQLITE_TRANSIENT)
        }
    }

    /// The scalar functions `register` makes, by name and argument count (for unregistering).
    static let names: [(String, Int32)] = [("readfile", 1), ("writefile", -1), ("edit", 1), ("edit", 2), ("lsmode", 1)]

    /// Registers a file function; under refused access it is registered with its refusal as
    /// user data instead, and every call fails with "NAME() refused: REASON" before it
    /// touches a file.
    private static func create(_ db: OpaquePointer, _ name: String, _ count: Int32, _ flags: Int32,
                               _ access: ShellSQLFunctions.FileAccess, _ function: CFunction) {
        switch access {
        case .allowed:
            sqlite3_create_function_v2(db, name, count, flags, nil, function, nil, nil, nil)
        case .refused(let reason):
            let refusal = Unmanaged.passRetained(Refusal("\(name)() refused: \(reason)")).toOpaque()
            sqlite3_create_function_v2(db, name, count, flags, refusal, { context, _, _ in
                guard let context, let data = sqlite3_user_data(context) else { return }
                sqlite3_result_error(context, Unmanaged<Refusal>.fromOpaque(data).takeUnretainedValue().reason, -1)
            }, nil, nil, { data in
                if let data { Unmanaged<Refusal>.fromOpaque(data).release() }
            })
        }
    }

    /// fileio.c's readFileContents: the file as a blob; no result (NULL) when it cannot be
    /// opened; SQLITE_TOOBIG past the length limit (a directory's size, on some filesystems).
    static func readContents(_ context: OpaquePointer, path: UnsafePointer<CChar>) {
        guard let file = fopen(path, "rb") else { return } // path: C bytes from sqlite3_value_text
        defer { fclose(file) }
        fseek(file, 0, SEEK_END)
        let size = Int64(ftell(file))
        rewind(file)
        let limit = Int64(sqlite3_limit(sqlite3_context_db_handle(context), SQLITE_LIMIT_LENGTH, -1))
        if size > limit {
            sqlite3_result_error_code(context, SQLITE_TOOBIG)
            return
        }
        guard size >= 0, let buffer = sqlite3_malloc64(UInt64(size > 0 ? size : 1)) else {
            sqlite3_result_error_nomem(context)
            return
        }
        if size == Int64(fread(buffer, 1, Int(size), file)) {
            sqlite3_result_blob64(context, buffer, UInt64(size), sqlite3_free)
        } else {
            sqlite3_result_error_code(context, SQLITE_IOERR)
            sqlite3_free(buffer)
        }
    }

    static func isLink(_ mode: mode_t) -> Bool { mode & S_IFMT == S_IFLNK }
    static func isDirectory(_ mode: mode_t) -> Bool { mode & S_IFMT == S_IFDIR }
    static func isRegular(_ mode: mode_t) -> Bool { mode & S_IFMT == S_IFREG }

    static func writefile(_ context: OpaquePointer, _ count: Int, _ values: UnsafeMutablePointer<OpaquePointer?>) {
        guard (2...4).contains(count) else {
            sqlite3_result_error(context, "wrong number of arguments to function writefile()", -1)
            return
        }
        guard let text = sqlite3_value_text(values[0]) else { return }
        let file = UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self)
        let mode = count >= 3 ? mode_t(truncatingIfNeeded: sqlite3_value_int(values[2])) : 0
        let mtime = count == 4 ? sqlite3_value_int64(values[3]) : -1
        var result = writeFile(context, file, values[1], mode: mode, mtime: mtime)
        if result == 1 && errno == ENOENT && makeDirectories(above: file) {
            result = writeFile(context, file, values[1], mode: mode, mtime: mtime)
        }
        guard count > 2 && result != 0 else { return }
        let what = isLink(mode) ? "failed to create symlink: " : isDirectory(mode) ? "failed to create directory: " : "failed to write file: "
        let message = Array(what.utf8) + bytes(file)
        message.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { sqlite3_result_error(context, $0.baseAddress, Int32($0.count)) }
        }
    }

    static func bytes(_ text: UnsafePointer<CChar>) -> [UInt8] {
        Array(UnsafeBufferPointer(start: UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), count: strlen(text)))
    }

    /// fileio.c's writeFile: 0 on success, 1 when the file could not be made (errno tells
    /// why), 2 when it was made but not written whole or its mode could not be set.
    static func writeFile(_ context: OpaquePointer, _ file: UnsafePointer<CChar>, _ data: OpaquePointer?,
                          mode: mode_t, mtime: Int64) -> Int {
        if isLink(mode) {
            // 3.40 makes the link only where nothing is (EEXIST otherwise; later releases unlink first).
            guard let target = sqlite3_value_text(data) else { return 1 }
            if symlink(UnsafeRawPointer(target).assumingMemoryBound(to: CChar.self), file) < 0 { return 1 } // path: C bytes from sqlite3_value_text
        } else if isDirectory(mode) {
            if mkdir(file, mode) != 0 { // path: C bytes from sqlite3_value_text
                // Not an error when a directory is there already and its permissions match
                // or can be made to.
                var info = stat()
                if errno != EEXIST || stat(file, &info) != 0 || !isDirectory(info.st_mode) // path: C bytes from sqlite3_value_text
                    || (info.st_mode & 0o777 != mode & 0o777 && chmod(file, mode & 0o777) != 0) { // path: C bytes from sqlite3_value_text
                    return 1
                }
            }
        } else {
            guard let out = fopen(file, "wb") else { return 1 } // path: C bytes from sqlite3_value_text
            var written: Int64 = 0
            var failed = false
            if let blob = sqlite3_value_blob(data) {
                let size = Int(sqlite3_value_bytes(data))
                let n = fwrite(blob, 1, size, out)
                written = Int64(size)
                failed = n != size
            }
            fclose(out)
            if !failed && mode != 0 && chmod(file, mode & 0o777) != 0 { failed = true } // path: C bytes from sqlite3_value_text
            if failed { return 2 }
            sqlite3_result_int64(context, written)
        }
        // utimes(), as 3.40: for a symbolic link it sets the target's time (later releases skip links).
        if mtime >= 0 {
            let times = [timeval(tv_sec: time(nil), tv_usec: 0), timeval(tv_sec: Int(mtime), tv_usec: 0)]
            if utimes(file, times) != 0 { return 1 }
        }
        return 0
    }

    /// fileio.c's makeDirectory: every folder above `file` that is missing, made with the
    /// umask's permissions; false when one cannot be made or is not a folder.
    static func makeDirectories(above file: UnsafePointer<CChar>) -> Bool {
        var path: [CChar] = Array(UnsafeBufferPointer(start: file, count: strlen(file))) + [0]
        let count = path.count - 1
        var i = 1
        while true {
            while i < count && path[i] != 0x2f { i += 1 }
            if i == count { return true }
            path[i] = 0
            var info = stat()
            if stat(path, &info) != 0 { // path: C bytes from sqlite3_value_text (a prefix of it)
                if mkdir(path, 0o777) != 0 { return false } // path: C bytes from sqlite3_value_text (a prefix of it)
            } else if !isDirectory(info.st_mode) {
                return false
            }
            path[i] = 0x2f
            i += 1
        }
    }

    /// `ls -l`'s first column for a stat() mode: the type (`l`, `-`, `d`, else `?`) and the
    /// nine permission bits.
    static func lsmode(_ mode: Int32) -> String {
        let m = mode_t(truncatingIfNeeded: mode)
        var text = isLink(m) ? "l" : isRegular(m) ? "-" : isDirectory(m) ? "d" : "?"
        for i in 0..<3 {
            let bits = mode >> ((2 - i) * 3)
            text += (bits & 4 != 0 ? "r" : "-") + (bits & 2 != 0 ? "w" : "-") + (bits & 1 != 0 ? "x" : "-")
        }
        return text
    }
}
