import CMigshEdit
import FoundationEssentials
import Glibc
import MigshBase
import MigshShell

/// The only code that talks to libedit: reading lines with editing, history, completion.
public final class LibEditLineReader: LineReader {
    public var completer: ((_ line: String, _ word: String, _ after: String) -> [String])? {
        didSet { LibEditLineReader.active = completer }
    }

    // libedit calls back through C function pointers, which cannot capture: the completer
    // and the matches of the current completion live in statics. nonisolated(unsafe):
    // libedit calls back on the one thread that reads lines, and the shell sets the
    // completer before the first read; nothing else touches them.
    nonisolated(unsafe) private static var active: ((_ line: String, _ word: String, _ after: String) -> [String])?
    nonisolated(unsafe) private static var pending: [String] = []
    nonisolated(unsafe) private static var cursor = 0
    nonisolated(unsafe) private static var configured = false
    /// The typed bytes' decoder (`TypedBytes`), fed by `readTypedCharacter`.
    nonisolated(unsafe) private static var decoder = TypedBytes.Decoder(utf8: true)
    /// A UTF-8 LC_CTYPE for the thread while libedit edits a line, when the process's locale
    /// is not UTF-8 (C, POSIX): libedit encodes the line with the locale on the way out and
    /// would drop every escaped byte. nil in a UTF-8 locale.
    nonisolated(unsafe) private static var editingLocale: locale_t?
    /// The line being edited when Ctrl-X Ctrl-E was pressed (its bytes as libedit holds them),
    /// until `readLineBytes` hands it over.
    nonisolated(unsafe) private static var editKeyLine: [UInt8]?
    private var editRequested = false
    /// The prompt being shown (its width tells whether the line wraps).
    nonisolated(unsafe) private static var prompt = ""
    /// The line (and cursor) of the last completion that had several candidates: the same
    /// again is a second Tab, the one that lists them.
    nonisolated(unsafe) private static var lastAmbiguous: String?

    public init() {}

    private static func configure() {
        guard !configured else { return }
        configured = true
        // Typed bytes are decoded here, not by libedit (`TypedBytes`); set before the first
        // readline(), which installs the function.
        let utf8 = String(cString: nl_langinfo(nl_item(CODESET))) == "UTF-8"
        decoder = TypedBytes.Decoder(utf8: utf8)
        if !utf8 { editingLocale = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil) }
        migsh_rl_set_getc_function { stream in LibEditLineReader.readTypedCharacter(stream) }
        bindEditKey()
        // libedit keeps these pointers: hand it copies that live for the whole process (a
        // Swift string's pointer is valid only during the call — seen as completion after a
        // space completing nothing, with the break characters pointing at other memory).
        migsh_rl_set_readline_name(strdup("migsh"))
        migsh_rl_set_basic_word_break_characters(strdup(" \t\n\"'`@$><=;|&{(,"))
        migsh_rl_set_completion { text, _, _ in
            let word = text.map { String(cString: $0) } ?? ""
            // The line up to the cursor, and after it (rl_point counts bytes).
            let bytes = migsh_rl_line_buffer().map { Array(UnsafeBufferPointer(start: $0, count: strlen($0))) } ?? []
            let point = min(max(0, Int(migsh_rl_point())), bytes.count)
            let line = String(decoding: bytes[..<point].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let after = String(decoding: bytes[point...].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            LibEditLineReader.pending = LibEditLineReader.active?(line, word, after) ?? []
            migsh_rl_set_attempted_completion_over(1)
            guard !LibEditLineReader.pending.isEmpty, let text else { return nil }
            // Candidates that do not all start with the word (matched whatever the case, or
            // fuzzily): libedit would put their common start in place of the word, and could
            // delete what was typed. One candidate replaces the word; several are listed with
            // the word kept.
            let all = LibEditLineReader.pending
            if LibEditLineReader.listedWhole(all, state: "\(point)\u{0}" + line + after) { return nil }
            if !all.allSatisfy({ $0.hasPrefix(word) }) {
                var common = all[0]
                for c in all.dropFirst() { while !c.hasPrefix(common) { common.removeLast() } }
                let replacement = common.lowercased().hasPrefix(word.lowercased()) ? common : word
                return LibEditLineReader.matchArray(replacement, all)
            }
            return migsh_rl_completion_matches(text) { _, state in
                if state == 0 { LibEditLineReader.cursor = 0 }
                guard LibEditLineReader.cursor < LibEditLineReader.pending.count else { return nil }
                defer { LibEditLineReader.cursor += 1 }
                // libedit frees what it is given: hand it a strdup'd copy.
                return strdup(LibEditLineReader.pending[LibEditLineReader.cursor])
            }
        }
    }

    /// Ctrl-X Ctrl-E: the current line in $EDITOR, as psql's `\e` (and bash's key). libedit's
    /// readline API binds a function to one key only (rl_add_defun, called with the key that
    /// ends the sequence, ^E): bind it, put ^E back to end-of-line, and bind the sequence with
    /// libedit's own `bind`. The function keeps the line and ends the read (rl_done).
    private static func bindEditKey() {
        rl_initialize()  // binding needs libedit's EditLine; readline() then reuses it
        let name = strdup("migsh-edit-line")
        _ = rl_add_defun(name, { _, _ in
            let bytes = migsh_rl_line_buffer().map { Array(UnsafeBufferPointer(start: $0, count: strlen($0))) } ?? []
            LibEditLineReader.editKeyLine = bytes.map { UInt8(bitPattern: $0) }
            migsh_rl_set_done(1)
            return 0
        }, 5)
        _ = rl_parse_and_bind("bind ^E ed-move-to-end")
        _ = rl_parse_and_bind("bind ^X^E migsh-edit-line")
    }

    public func takeEditRequest() -> Bool {
        defer { editRequested = false }
        return editRequested
    }

    /// The second Tab's list, when the line wraps: libedit lists the candidates, then clears
    /// as many rows above the cursor as the line had below its first (re_clear_lines), and so
    /// loses the list's last rows (seen at 40 columns: 8 tables in 3 rows, the third gone).
    /// migsh prints the list itself, then has libedit draw the line afresh under it
    /// (EL_REFRESH, which clears nothing). True when it listed them.
    private static func listedWhole(_ candidates: [String], state: String) -> Bool {
        guard candidates.count > 1 else { lastAmbiguous = nil; return false }
        defer { lastAmbiguous = state }
        guard lastAmbiguous == state else { return false }
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return false }
        let width = Int(size.ws_col)
        // The prompt's visible characters (colour escapes sit between \001 and \002).
        var visible = 0, hidden = false
        for c in prompt.unicodeScalars {
            if c == "\u{1}" { hidden = true } else if c == "\u{2}" { hidden = false } else if !hidden { visible += 1 }
        }
        let line = migsh_rl_line_buffer().map { String(cString: $0) } ?? ""
        guard visible + line.count >= width else { return false }  // one row: libedit lists them whole
        let sorted = candidates.sorted()
        let column = (sorted.map(\.count).max() ?? 0) + 2
        let columns = max(1, width / column)
        let rows = (sorted.count + columns - 1) / columns
        var text = "\n"
        for r in 0..<rows {
            var row = ""
            for c in 0..<columns where c * rows + r < sorted.count {
                let name = sorted[c * rows + r]
                row += c * rows + r + rows < sorted.count ? name.padded(toLength: column) : name
            }
            text += row + "\n"
        }
        _ = text.withCString { write(1, $0, strlen($0)) }
        rl_forced_update_display()
        return true
    }

    /// A readline match list built by hand: the replacement, then the candidates, then NULL,
    /// all malloc'd (libedit frees them).
    private static func matchArray(_ replacement: String, _ candidates: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        let list = candidates.count == 1 ? [] : candidates
        guard let raw = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (list.count + 2)) else { return nil }
        let array = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: list.count + 2)
        array[0] = strdup(replacement)
        for (i, c) in list.enumerated() { array[i + 1] = strdup(c) }
        array[list.count + 1] = nil
        return array
    }

    /// libedit's getc: the next typed character (`TypedBytes.Decoder`), -1 at end of input
    /// or when Ctrl-C interrupted the read (readline() then returns no line, as before).
    private static func readTypedCharacter(_ stream: UnsafeMutablePointer<FILE>?) -> Int32 {
        let fd = stream.map { fileno($0) } ?? 0
        let character = decoder.next {
            var byte: UInt8 = 0
            while true {
                let n = read(fd, &byte, 1)
                if n == 1 { return byte }
                // A resize (SIGWINCH) interrupts the read too: only Ctrl-C ends the line.
                if n < 0 && errno == EINTR && !PromptInterrupt.happened { continue }
                return nil
            }
        }
        return character.map { Int32(bitPattern: $0) } ?? -1
    }

    public func readLine(prompt: String) -> String? {
        readLineBytes(prompt: prompt).map { String(decoding: $0, as: UTF8.self) }
    }

    public func readLineBytes(prompt: String) -> [UInt8]? {
        Self.configure()
        let saved = Self.editingLocale.map { uselocale($0) }
        defer { if let saved { uselocale(saved) } }
        Self.editKeyLine = nil
        Self.prompt = prompt
        Self.lastAmbiguous = nil
        let p = readline(prompt)
        if let line = Self.editKeyLine {
            // Ctrl-X Ctrl-E ended the read: the line goes to the editor (`takeEditRequest`).
            if let p { free(p) }
            Self.editKeyLine = nil
            editRequested = true
            return TypedBytes.unescape(line)
        }
        guard let p else { return nil }
        defer { free(p) }
        return TypedBytes.unescape(Array(UnsafeRawBufferPointer(start: p, count: strlen(p))))
    }

    public func addHistory(_ line: String) { add_history(line) }

    /// The line as libedit would have read it (its bytes escaped), so that recalling it with
    /// the arrow keys gives back the same bytes.
    public func addHistoryBytes(_ line: [UInt8]) {
        Self.configure()
        let saved = Self.editingLocale.map { uselocale($0) }
        defer { if let saved { uselocale(saved) } }
        var escaped = TypedBytes.escapeLine(line, utf8: Self.decoder.utf8)
        escaped.append(0)
        escaped.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { _ = add_history($0.baseAddress) }
        }
    }

    public func loadHistory(_ path: String) {
        Self.configure()
        _ = FileSystem.withPath(path) { read_history($0) }
    }

    public func saveHistory(_ path: String) {
        stifle_history(2000)
        let dir = path.pathDeletingLastComponent
        try? FileSystem.makeDirectories(dir)
        if FileSystem.withPath(path, { write_history($0) }) == 0 { FileSystem.changeMode(path, 0o600) }
    }
}
