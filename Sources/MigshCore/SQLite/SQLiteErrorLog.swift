import CMigshSQLite
import FoundationEssentials
import Glibc
import MigshBase

/// SQLite's error log (SQLITE_CONFIG_LOG), for sqlite3's `.log`: installed once before the
/// library initializes; the destination is set and cleared at any time after.
public enum SQLiteErrorLog {
    /// Receives each logged error: its result code and SQLite's message.
    public typealias Handler = (Int32, [UInt8]) -> Void

    // @unchecked Sendable: `handler` is read and written only under `lock`.
    private final class Destination: @unchecked Sendable {
        let lock = Lock()
        var handler: Handler?
    }
    private static let destination = Destination()

    /// Installs the hook. > The sqlite3_config() interface may only be invoked prior to library
    /// > initialization ...; returns false when SQLite refused it (already initialized).
    @discardableResult
    public static func install() -> Bool {
        migsh_sqlite3_config_log({ _, code, message in
            let destination = SQLiteErrorLog.destination
            destination.lock.lock()
            let handler = destination.handler
            destination.lock.unlock()
            guard let handler, let message else { return }
            handler(code, Array(UnsafeRawBufferPointer(start: message, count: strlen(message))))
        }, nil) == SQLITE_OK
    }

    /// Where the log goes from now on (nil: nowhere).
    public static func send(to handler: Handler?) {
        destination.lock.lock()
        destination.handler = handler
        destination.lock.unlock()
    }
}
