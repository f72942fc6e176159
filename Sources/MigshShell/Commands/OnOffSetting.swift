import ArgumentParser
import MigshCore

/// The sqlite3 settings that take on|off (`.bail`, `.echo`, `.headers`, `.timer`, `.changes`):
/// each declares its name and what it sets; parsing and the usage message are shared.
protocol OnOffSetting: DotCommand {
    var value: String? { get }
    static func set(_ on: Bool, in shell: Shell)
}

extension OnOffSetting {
    static var completion: [String: CompletionSource] { ["0": .words(["on", "off"])] }

    func run(in shell: Shell) throws {
        let name = Self.configuration.commandName!
        guard let value else { throw MigshError(.usage, "Usage: \(name) on|off") }
        Self.set(try parseSwitch(value, command: name), in: shell)
    }
}

/// Parses sqlite3-style booleans: on/off, yes/no, true/false, 1/0.
func parseSwitch(_ value: String, command: String) throws -> Bool {
    switch value.lowercased() {
    case "on", "yes", "true", "1": return true
    case "off", "no", "false", "0": return false
    default: throw MigshError(.usage, "Usage: \(command) on|off (got \"\(value)\")")
    }
}
