import ArgumentParser
import MigshCore

/// `.record on|off|show|clear`: collect the statements that change the schema or the data
/// and succeed, for `.new --from-session`; work rolled back is dropped.
struct RecordCommand: DotCommand {
    typealias Output = [String]
    static let configuration = CommandConfiguration(commandName: ".record", abstract: "Record the statements that change the schema or data: on, off, show, clear.",
        discussion: "Example: .record on   … ALTER TABLE …   .record show   .new \"add review date\" --from-session")
    @Argument(help: Action.help("on, off, show or clear (default show).")) var action: Action?

    enum Action: String, ArgumentWords { case on, off, show, clear }

    func run(in shell: Shell) throws {
        let session = shell.session
        switch action ?? .show {
        case .on:
            session.recording = true
        case .off:
            session.recording = false
        case .clear:
            session.recorder.clear()
        case .show:
            let statements = session.recorder.statements
            try Self.emit(statements, in: shell, wrap: false) {
                statements.isEmpty ? "nothing recorded\(session.recording ? "" : " (.record on starts recording)")"
                    : statements.map { $0.hasSuffix(";") ? $0 : $0 + ";" }.joined(separator: "\n")
            }
        }
    }
}
