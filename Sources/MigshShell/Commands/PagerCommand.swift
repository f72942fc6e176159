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

    @Argument(help: PagerSetting.help("auto, on or off."))
    var value: PagerSetting

    func run(in shell: Shell) throws {
        shell.session.pager = value
    }
}

/// When the interactive shell pages its output.
enum PagerSetting: String, ArgumentWords {
    case auto, on, off
}
