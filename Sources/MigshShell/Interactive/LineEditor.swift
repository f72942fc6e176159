import CMigshEdit
import Foundation

/// The only code that talks to libedit: reading lines with editing, history, completion.
enum LineEditor {
    /// Completion candidates for the current line; set by the interactive shell.
    /// nonisolated(unsafe): libedit calls back on the one thread that reads lines, and the
    /// shell sets this before the first read; nothing else touches it.
    nonisolated(unsafe) static var candidates: ((_ line: String, _ word: String) -> [String])?
    nonisolated(unsafe) private static var pending: [String] = []
    nonisolated(unsafe) private static var configured = false

    static func configure() {
        guard !configured else { return }
        configured = true
        // libedit keeps these pointers: hand it copies that live for the whole process (a
        // Swift string's pointer is valid only during the call — seen as completion after a
        // space completing nothing, with the break characters pointing at other memory).
        migsh_rl_set_readline_name(strdup("migsh"))
        migsh_rl_set_basic_word_break_characters(strdup(" \t\n\"'`@$><=;|&{(,"))
        migsh_rl_set_completion { text, _, _ in
            let word = text.map { String(cString: $0) } ?? ""
            let line = migsh_rl_line_buffer().map { String(cString: $0) } ?? ""
            LineEditor.pending = LineEditor.candidates?(line, word) ?? []
            migsh_rl_set_attempted_completion_over(1)
            guard !LineEditor.pending.isEmpty, let text else { return nil }
            return migsh_rl_completion_matches(text) { _, state in
                if state == 0 { LineEditor.cursor = 0 }
                guard LineEditor.cursor < LineEditor.pending.count else { return nil }
                defer { LineEditor.cursor += 1 }
                // libedit frees what it is given: hand it a strdup'd copy.
                return strdup(LineEditor.pending[LineEditor.cursor])
            }
        }
    }
    nonisolated(unsafe) private static var cursor = 0

    /// Reads one line; nil at end of input (Ctrl-D).
    static func readLine(prompt: String) -> String? {
        configure()
        guard let p = readline(prompt) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    static func addHistory(_ line: String) { add_history(line) }

    static func loadHistory(_ path: String) {
        configure()
        _ = read_history(path)
    }

    static func saveHistory(_ path: String, limit: Int32 = 2000) {
        stifle_history(limit)
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if write_history(path) == 0 { chmod(path, 0o600) }
    }

    /// Asks a yes/no question on the terminal; nil when standard input is not a terminal.
    static func askYesNo(_ prompt: String) -> Bool? {
        guard isatty(0) != 0 else { return nil }
        let lines = prompt.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count > 1 {
            FileHandle.standardError.write(Data((lines.dropLast().joined(separator: "\n") + "\n").utf8))
        }
        guard let answer = readLine(prompt: String(lines.last ?? "")) else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }
}
