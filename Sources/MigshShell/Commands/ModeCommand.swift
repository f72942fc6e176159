import ArgumentParser
import MigshCore

/// `.mode [MODE]`: the output mode for SQL results; with no argument, the current one.
struct ModeCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".mode",
        abstract: "Set the output mode: " + OutputMode.allCases.map(\.rawValue).joined(separator: ", ") + "; no argument shows it.",
        discussion: "Example: .mode box")
    static let completion: [String: CompletionSource] = ["0": .words(OutputMode.allCases.map(\.rawValue))]

    @Argument(help: "The mode.") var mode: String?

    struct Output: Encodable { var mode: String }

    func run(in shell: Shell) throws {
        guard let mode else {
            let current = shell.session.output.mode.rawValue
            try shell.emit(Output(mode: current)) { "current output mode: \(current)" }
            return
        }
        guard let m = OutputMode(rawValue: mode.lowercased()) else {
            throw MigshError(.usage, ".mode: unknown mode \"\(mode)\"; one of " + OutputMode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        shell.session.output.setMode(m)
    }
}
