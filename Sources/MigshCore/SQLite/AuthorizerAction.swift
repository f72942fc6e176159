import CMigshSQLite

/// What an authorizer event is about (its action code: SQLITE_INSERT, SQLITE_READ, …), for
/// code outside this folder, which does not see SQLite's constants.
public struct AuthorizerAction: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let createIndex = AuthorizerAction(rawValue: SQLITE_CREATE_INDEX)
    public static let createTable = AuthorizerAction(rawValue: SQLITE_CREATE_TABLE)
    public static let createTrigger = AuthorizerAction(rawValue: SQLITE_CREATE_TRIGGER)
    public static let createView = AuthorizerAction(rawValue: SQLITE_CREATE_VIEW)
    public static let delete = AuthorizerAction(rawValue: SQLITE_DELETE)
    public static let dropIndex = AuthorizerAction(rawValue: SQLITE_DROP_INDEX)
    public static let dropTable = AuthorizerAction(rawValue: SQLITE_DROP_TABLE)
    public static let dropTrigger = AuthorizerAction(rawValue: SQLITE_DROP_TRIGGER)
    public static let dropView = AuthorizerAction(rawValue: SQLITE_DROP_VIEW)
    public static let insert = AuthorizerAction(rawValue: SQLITE_INSERT)
    public static let pragma = AuthorizerAction(rawValue: SQLITE_PRAGMA)
    public static let read = AuthorizerAction(rawValue: SQLITE_READ)
    public static let select = AuthorizerAction(rawValue: SQLITE_SELECT)
    public static let transaction = AuthorizerAction(rawValue: SQLITE_TRANSACTION)
    public static let update = AuthorizerAction(rawValue: SQLITE_UPDATE)
    public static let attach = AuthorizerAction(rawValue: SQLITE_ATTACH)
    public static let detach = AuthorizerAction(rawValue: SQLITE_DETACH)
    public static let alterTable = AuthorizerAction(rawValue: SQLITE_ALTER_TABLE)
    public static let function = AuthorizerAction(rawValue: SQLITE_FUNCTION)
    public static let savepoint = AuthorizerAction(rawValue: SQLITE_SAVEPOINT)
    public static let recursive = AuthorizerAction(rawValue: SQLITE_RECURSIVE)
    public static let createVirtualTable = AuthorizerAction(rawValue: SQLITE_CREATE_VTABLE)
}
