import ArgumentParser
import MigshCore

/// `.auth on|off`: print every authorizer event as SQLite prepares a statement, as sqlite3's
/// shellAuth does: `authorizer: ACTION ARG1 ARG2 DB TRIGGER`, each argument C-quoted or NULL.
/// The session's one authorizer does it (`Session.printsAuthorizations`); under -safe the
/// safe-mode authorizer stays and nothing is printed, as in sqlite3 3.40.
struct AuthCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".auth", abstract: "Show authorizer callbacks.",
        discussion: "Example: .auth on")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("on or off.", valueName: OnOff.usage), completion: OnOff.completion) var words: [String] = []

    func run(in shell: Shell) throws {
        guard words.count == 1 else { throw sqlite3Usage("Usage: .auth ON|OFF", in: shell) }
        shell.session.printsAuthorizations = try booleanValue(words[0], in: shell)
    }

    /// sqlite3 3.40's azAction, by action code.
    static let actions = [
        "", "CREATE_INDEX", "CREATE_TABLE", "CREATE_TEMP_INDEX", "CREATE_TEMP_TABLE", "CREATE_TEMP_TRIGGER",
        "CREATE_TEMP_VIEW", "CREATE_TRIGGER", "CREATE_VIEW", "DELETE", "DROP_INDEX", "DROP_TABLE",
        "DROP_TEMP_INDEX", "DROP_TEMP_TABLE", "DROP_TEMP_TRIGGER", "DROP_TEMP_VIEW", "DROP_TRIGGER", "DROP_VIEW",
        "INSERT", "PRAGMA", "READ", "SELECT", "TRANSACTION", "UPDATE", "ATTACH", "DETACH", "ALTER_TABLE",
        "REINDEX", "ANALYZE", "CREATE_VTABLE", "DROP_VTABLE", "FUNCTION", "SAVEPOINT", "RECURSIVE",
    ]

    /// One event as sqlite3's shellAuth prints it.
    static func line(for event: AuthorizerEvent) -> [UInt8] {
        let code = Int(event.kind.rawValue)
        let action = actions.indices.contains(code) ? actions[code] : "\(code)"
        var line = Array("authorizer: \(action)".utf8)
        // SQLite's bytes, as sqlite3 prints them (a name that is not UTF-8 included).
        let arguments = event.bytes ?? [event.arg1, event.arg2, event.database, event.trigger].map { $0.map { Array($0.utf8) } }
        for argument in arguments {
            line.append(UInt8(ascii: " "))
            if let argument {
                line.append(UInt8(ascii: "\""))
                line += (argument + [0]).withUnsafeBufferPointer { SQLLiteral.cEscaped($0.baseAddress!) }
                line.append(UInt8(ascii: "\""))
            } else {
                line += Array("NULL".utf8)
            }
        }
        line.append(UInt8(ascii: "\n"))
        return line
    }
}
