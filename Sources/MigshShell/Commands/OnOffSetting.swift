import ArgumentParser
import MigshCore

/// The sqlite3 settings that take on|off (`.bail`, `.echo`, `.headers`, `.timer`, `.changes`):
/// each declares its name and what it sets; parsing and the usage message are shared. The
/// value is parsed as optional, so that a missing one gets sqlite3's own message; each
/// declares its usage with the value required (`.headers <on|off>`), as it is.
protocol OnOffSetting: DotCommand {
    var value: String? { get }
    static func set(_ on: Bool, in shell: Shell)
}

extension OnOffSetting {
    static var sqlite3UsageLine: String? { "Usage: \(configuration.commandName!) on|off" }

    func run(in shell: Shell) throws {
        let name = Self.configuration.commandName!
        guard let value else { throw MigshError(.usage, "Usage: \(name) on|off") }
        // As sqlite3: a number, on/off, yes/no; anything else is "no", with sqlite3's warning
        // (`.headers tables` does not stop a script).
        Self.set(try booleanValue(value, in: shell), in: shell)
    }
}
