import CMigshSQLite
import FoundationEssentials

/// `sqlite3_file_control` for sqlite3's `.filectrl`: the operations it offers, each with the
/// value type its documentation gives it.
extension Connection {
    public struct FileControl: Sendable, Equatable {
        public let code: Int32
        /// The value is a 64-bit integer (SQLITE_FCNTL_SIZE_LIMIT), else a C int.
        public let is64Bit: Bool
        public static let chunkSize = FileControl(code: SQLITE_FCNTL_CHUNK_SIZE, is64Bit: false)
        public static let dataVersion = FileControl(code: SQLITE_FCNTL_DATA_VERSION, is64Bit: false)
        public static let hasMoved = FileControl(code: SQLITE_FCNTL_HAS_MOVED, is64Bit: false)
        public static let lockTimeout = FileControl(code: SQLITE_FCNTL_LOCK_TIMEOUT, is64Bit: false)
        public static let persistWAL = FileControl(code: SQLITE_FCNTL_PERSIST_WAL, is64Bit: false)
        public static let powersafeOverwrite = FileControl(code: SQLITE_FCNTL_POWERSAFE_OVERWRITE, is64Bit: false)
        public static let reserveBytes = FileControl(code: SQLITE_FCNTL_RESERVE_BYTES, is64Bit: false)
        public static let sizeLimit = FileControl(code: SQLITE_FCNTL_SIZE_LIMIT, is64Bit: true)
        public static let tempFileName = FileControl(code: SQLITE_FCNTL_TEMPFILENAME, is64Bit: false)
    }

    /// Passes `value` to the file control and returns what it leaves there (uninitialized
    /// controls that only write, like `dataVersion`, start from `value` too).
    @discardableResult
    public func fileControl(_ control: FileControl, schema: String?, value: Int64) -> Int64 {
        if control.is64Bit {
            var x = value
            sqlite3_file_control(handle, schema, control.code, &x)
            return x
        }
        var x = Int32(truncatingIfNeeded: value)
        sqlite3_file_control(handle, schema, control.code, &x)
        return Int64(x)
    }

    /// SQLITE_FCNTL_TEMPFILENAME: a name the VFS would give a temporary file.
    public func temporaryFileName(schema: String?) -> String? {
        var name: UnsafeMutablePointer<CChar>?
        sqlite3_file_control(handle, schema, SQLITE_FCNTL_TEMPFILENAME, &name)
        guard let name else { return nil }
        defer { sqlite3_free(name) }
        return String(cString: name)
    }
}
