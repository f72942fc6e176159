import ArgumentParser
import MigshCore

/// `.binary on|off`: on Windows sqlite3 switches standard output between text and binary
/// translation; on this system output is always bytes as written, so only the argument is read.
struct BinaryCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".binary", abstract: "Turn binary output on or off (output is always binary here).",
        discussion: "Example: .binary on")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("on or off.", valueName: OnOff.usage), completion: OnOff.completion) var words: [String] = []

    func run(in shell: Shell) throws {
        guard words.count == 1 else { throw sqlite3Usage("Usage: .binary on|off", in: shell) }
        _ = try booleanValue(words[0], in: shell)
    }
}
