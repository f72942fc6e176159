import ArgumentParser
import MigshCore

/// `.nonce STRING`: lifts `-safe` for the next dot-command when STRING is the `-nonce`
/// value (the safe-mode path in `Shell.runDotCommand` handles it under `-safe`). Any other
/// STRING ends the run, as in sqlite3: `line N: incorrect nonce: "STRING"`, exit 1.
struct NonceCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".nonce", abstract: "Suspend safe mode for one command if the nonce matches.",
        discussion: "Example: .nonce 1234   (with migsh -safe -nonce 1234)")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The -nonce value.", valueName: "string"), completion: .nothing) var words: [String] = []

    func run(in shell: Shell) throws {
        guard words.count == 1 else { throw sqlite3Usage("Usage: .nonce NONCE", in: shell) }
        guard let nonce = shell.session.configuration.nonce, words[0] == nonce else {
            try shell.safeModeViolation("incorrect nonce: \"\(words[0])\"", unit: ".nonce " + words[0])
        }
    }
}
