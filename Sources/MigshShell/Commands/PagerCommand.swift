import ArgumentParser
import MigshCore

/// `.pager on|off|auto`: in the interactive shell, migsh's long output goes through `$PAGER`
/// (else `less -FRX`): `auto` when it is taller than the screen, `on` always, `off` never.
/// Batch runs and pipes never page.
struct PagerCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".pager",
        abstract: "Page long output through $PAGER (else less -FRX) in the interactive shell: auto (taller than the screen), on, off.",
        discussion: "Example: .pager off")
    static let completion: [String: CompletionSource] = ["0": .words(PagerSetting.allCases.map(\.rawValue))]

    @Argument(help: ArgumentHelp("auto, on or off.", valueName: "on|off|auto"))
    var value: PagerSetting

    func run(in shell: Shell) throws {
        shell.session.pager = value
    }
}

/// When the interactive shell pages its output.
enum PagerSetting: String, CaseIterable, ExpressibleByArgument, Sendable {
    case auto, on, off
}
