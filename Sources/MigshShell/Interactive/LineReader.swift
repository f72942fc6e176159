import FoundationEssentials
import Glibc
import MigshBase

/// Where the interactive shell reads typed lines from: libedit in the `migsh` executable
/// (`MigshInteractive`, the only target that links it), a scripted reader in tests.
public protocol LineReader: AnyObject {
    /// Reads one line after showing `prompt`; nil at end of input (Ctrl-D) or when Ctrl-C
    /// discarded the line (the shell tells them apart by its interrupt flag).
    func readLine(prompt: String) -> String?
    /// `readLine` as the bytes typed, never decoded (they reach SQLite unchanged).
    func readLineBytes(prompt: String) -> [UInt8]?
    func addHistory(_ line: String)
    /// `addHistory` for a line of bytes, so that recalling it gives the same bytes.
    func addHistoryBytes(_ line: [UInt8])
    func loadHistory(_ path: String)
    func saveHistory(_ path: String)
    /// Completion candidates for the line up to the cursor, the word under the cursor, and
    /// the rest of the line after the cursor.
    var completer: ((_ line: String, _ word: String, _ after: String) -> [String])? { get set }
    /// True once after `readLineBytes` returned a line that Ctrl-X Ctrl-E asked to edit in
    /// `$EDITOR` (psql's `\e`) rather than a line typed to the end.
    func takeEditRequest() -> Bool
}

extension LineReader {
    public func takeEditRequest() -> Bool { false }
    /// A reader of text only: the line's UTF-8.
    public func readLineBytes(prompt: String) -> [UInt8]? { readLine(prompt: prompt).map { Array($0.utf8) } }
    public func addHistoryBytes(_ line: [UInt8]) { addHistory(String(decoding: line, as: UTF8.self)) }

    /// Asks a yes/no question: the lines before the last go to standard error, the last is
    /// the prompt; on a terminal they wrap between words, as everything migsh says. End of
    /// input is no.
    func askYesNo(_ prompt: String) -> Bool {
        let lines = wrapText(prompt, width: Terminal.width(fd: 2, interactive: true)).split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count > 1 {
            let err = OutputBuffer(fd: 2)
            err.write(lines.dropLast().joined(separator: "\n") + "\n")
            err.flush()
        }
        guard let answer = readLine(prompt: String(lines.last ?? "")) else {
            // Ctrl-C or Ctrl-D: the default (no), on a line of its own.
            let err = OutputBuffer(fd: 2)
            err.write("\n")
            err.flush()
            return false
        }
        return ["y", "yes"].contains(answer.trimming(.whitespaces).lowercased())
    }
}

/// Whether Ctrl-C came since the shell last showed its prompt. A line reader that reads the
/// terminal itself ends the line then (as libedit does), and goes on reading after any other
/// signal that interrupts its read (a window resize).
public enum PromptInterrupt {
    public static var happened: Bool { InterruptHandler.interrupted != 0 }
}
