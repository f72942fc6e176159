import CMigshSQLite
import FoundationEssentials
import MigshBase

/// The one error type of MigshCore. `Code` is extensible (static members over a private
/// enum) so that new cases do not break callers that switch over the known ones.
public struct MigshError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Sendable {
            case saidAlready, verbatim
            case sqlite, usage, notFound, notADatabase, busy, readOnly
            case migrationFolder, validation, migrationFailed, databaseTooNew
            case backupFailed, restoreFailed, refused, audit, io, schemaDiffers, checkFailed
            case damaged, versionTable, stepLimit, interrupted
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        public var description: String { kind.rawValue }

        /// SQLite returned an error; `resultCode` holds its (extended) result code.
        public static let sqlite = Code(.sqlite)
        /// A command was used wrongly (bad argument or option).
        public static let usage = Code(.usage)
        /// The command already wrote its message to standard error in sqlite3's own words
        /// (`unexpected option: --foo`); the shell adds none of its own.
        public static let saidAlready = Code(.saidAlready)
        /// The message is sqlite3's own line (`Usage: .cd DIRECTORY`, `Unknown option …`):
        /// the shell writes it as it is, without `Error:` or a location.
        public static let verbatim = Code(.verbatim)
        /// A file or folder that must exist does not.
        public static let notFound = Code(.notFound)
        /// The file exists but is not an SQLite database.
        public static let notADatabase = Code(.notADatabase)
        /// Another connection holds a lock for longer than the busy timeout.
        public static let busy = Code(.busy)
        /// A write was attempted on a read-only session.
        public static let readOnly = Code(.readOnly)
        /// The migrations folder has a gap, a duplicate, a misnamed or unreadable file.
        public static let migrationFolder = Code(.migrationFolder)
        /// A migration failed validation before anything ran.
        public static let validation = Code(.validation)
        /// A migration failed while running; the database was restored.
        public static let migrationFailed = Code(.migrationFailed)
        /// The database's schema is newer than the application requires.
        public static let databaseTooNew = Code(.databaseTooNew)
        public static let backupFailed = Code(.backupFailed)
        public static let restoreFailed = Code(.restoreFailed)
        /// A confirmation was declined or could not be asked (batch mode without --yes).
        public static let refused = Code(.refused)
        public static let audit = Code(.audit)
        /// `.diff` found differences (exit 1, like diff(1)).
        public static let schemaDiffers = Code(.schemaDiffers)
        /// `.check` or `.lint` found errors.
        public static let checkFailed = Code(.checkFailed)
        public static let io = Code(.io)
        /// SQLite reported the database file damaged (SQLITE_CORRUPT), or a check found damage.
        public static let damaged = Code(.damaged)
        /// `Schema_Version` holds rows migsh cannot trust: a non-integer, NULL or duplicate
        /// version, a gap, or the table is missing from a database that has tables.
        public static let versionTable = Code(.versionTable)
        /// A statement of migration SQL took more virtual-machine steps than the step limit
        /// allows where migsh replays or rehearses it (`StepLimit`).
        public static let stepLimit = Code(.stepLimit)
        /// Ctrl-C stopped the work (`CancellationToken`); the message says what was left as it was.
        public static let interrupted = Code(.interrupted)
    }

    public var code: Code
    public var message: String
    /// SQLite's message byte for byte, when it is not valid UTF-8 (a token quoted from a
    /// Latin-1 script): `message` is then its lossy decoding, for logs and JSON.
    public var rawMessage: [UInt8]?
    /// The message as bytes for a terminal or a file: SQLite's own bytes where it gave them.
    public var messageBytes: [UInt8] { rawMessage ?? Array(message.utf8) }
    /// SQLite's result code, extended where SQLite gave one, when the error comes from SQLite.
    public var resultCode: ResultCode?
    /// The SQL that failed, if any.
    public var sql: String?
    /// Byte offset of the error in `sql` (sqlite3_error_offset), if known.
    public var sqlOffset: Int?
    /// Extra lines for the user: a hint.
    public var details: [String]
    /// The verified backup taken before a change that failed: the database's state before it.
    public var backupPath: String?
    /// What the user can do next, as values; the shell words them as its commands.
    public var hints: [Hint] = []
    /// The verdict behind a refusal (a change refused because the database is not in the
    /// state its Schema_Version records): the shell renders it under the message.
    public var verdict: Verdict?

    /// A next step the core knows of but does not spell: command words are the shell's.
    public enum Hint: Sendable, Equatable {
        /// Investigate the database's state (the verdict and its ways out).
        case investigate
        /// Restore this verified backup by hand (Ctrl-C stopped a change that could not be undone).
        case restoreByHand(backup: String)
        /// Name another audit log.
        case chooseAuditLog
        /// Name the migrations folder.
        case chooseMigrationsFolder
        /// Commit or roll back the open transaction first.
        case finishTransaction
    }

    public init(_ code: Code, _ message: String, resultCode: ResultCode? = nil, sql: String? = nil,
                sqlOffset: Int? = nil, details: [String] = []) {
        self.code = code
        self.message = message
        self.resultCode = resultCode
        self.sql = sql
        self.sqlOffset = sqlOffset
        self.details = details
    }

    /// The message, and for an SQLite error the statement it happened in, as GRDB describes
    /// its errors ("… while executing `SQL`").
    public var description: String {
        guard let sql, resultCode != nil else { return message }
        return "\(message) (while executing `\(sql.trimming(.whitespacesAndNewlines))`)"
    }

    /// Another connection holds a lock.
    public var isBusy: Bool {
        if code == .busy { return true }
        switch resultCode {
        case .busy?, .locked?: return true
        default: return false
        }
    }
}
