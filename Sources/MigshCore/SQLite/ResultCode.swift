import CMigshSQLite

/// An SQLite result code (https://www.sqlite.org/rescode.html), extended where SQLite gave one.
/// Named constants match the primary code in `catch` patterns: `case .busy` matches
/// SQLITE_BUSY and SQLITE_BUSY_SNAPSHOT alike; `.constraintUnique` matches only itself.
public struct ResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The primary code: the low byte of the extended one.
    public var primary: ResultCode { ResultCode(rawValue: rawValue & 0xff) }
    public var isExtended: Bool { rawValue > 0xff }

    /// SQLite's English text for the code (`sqlite3_errstr`).
    public var description: String { String(cString: sqlite3_errstr(rawValue)) }

    public static let ok = ResultCode(rawValue: SQLITE_OK)
    public static let error = ResultCode(rawValue: SQLITE_ERROR)
    public static let interrupt = ResultCode(rawValue: SQLITE_INTERRUPT)
    public static let busy = ResultCode(rawValue: SQLITE_BUSY)
    public static let locked = ResultCode(rawValue: SQLITE_LOCKED)
    public static let noMemory = ResultCode(rawValue: SQLITE_NOMEM)
    public static let readOnly = ResultCode(rawValue: SQLITE_READONLY)
    public static let ioError = ResultCode(rawValue: SQLITE_IOERR)
    public static let corrupt = ResultCode(rawValue: SQLITE_CORRUPT)
    public static let full = ResultCode(rawValue: SQLITE_FULL)
    public static let cantOpen = ResultCode(rawValue: SQLITE_CANTOPEN)
    public static let constraint = ResultCode(rawValue: SQLITE_CONSTRAINT)
    public static let misuse = ResultCode(rawValue: SQLITE_MISUSE)
    public static let notADatabase = ResultCode(rawValue: SQLITE_NOTADB)
    // Extended codes (macros Swift does not import).
    public static let constraintPrimaryKey = ResultCode(rawValue: SQLITE_CONSTRAINT | (6 << 8))
    public static let constraintUnique = ResultCode(rawValue: SQLITE_CONSTRAINT | (8 << 8))
    public static let constraintForeignKey = ResultCode(rawValue: SQLITE_CONSTRAINT | (3 << 8))

    /// A primary pattern matches every extended code under it; an extended one only itself.
    public static func ~= (pattern: ResultCode, code: ResultCode) -> Bool {
        pattern.isExtended ? pattern == code : pattern == code.primary
    }
}
