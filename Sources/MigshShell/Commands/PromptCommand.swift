import ArgumentParser

/// `.prompt MAIN [CONTINUE]`: the interactive prompts. MAIN takes the place of the database's
/// name; the schema version and the `*` of an open transaction are still shown after it.
struct PromptCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".prompt", abstract: "Replace the prompts: MAIN (the version and * still follow it) and CONTINUE.",
        discussion: "Example: .prompt \"prod\" \"  ...> \"")
    static let wordsRead: Int? = 2
    @Argument(help: ArgumentHelp("The main prompt's name.", valueName: "main"), completion: .nothing) var main: String?
    @Argument(help: ArgumentHelp("The continuation prompt.", valueName: "continue"), completion: .nothing) var continuation: String?
    func run(in shell: Shell) throws {
        guard let main else { return }  // sqlite3: `.prompt` alone changes nothing
        // "sqlite> " typed as sqlite3 users write it: the trailing "> " is migsh's own.
        var name = main
        while name.hasSuffix(" ") { name.removeLast() }
        if name.hasSuffix(">") { name.removeLast() }
        while name.hasSuffix(" ") { name.removeLast() }
        shell.session.promptName = name
        if let continuation { shell.session.continuationPrompt = continuation }
    }
}
