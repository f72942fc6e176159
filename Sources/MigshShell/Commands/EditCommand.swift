import ArgumentParser
import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// `.edit`: the last statement in `$VISUAL`, else `$EDITOR`, else `vi` (psql's `\e`); what the
/// editor leaves is shown and run, as if typed. Interactive only: a script has no terminal to
/// edit in.
struct EditCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".edit",
        abstract: "Edit the last statement in $VISUAL or $EDITOR (else vi), then run what the editor leaves (interactive only).",
        discussion: "Example: .edit")

    func run(in shell: Shell) throws {
        try Self.edit(shell.session.lastStatement ?? "", in: shell)
    }

    /// `text` in the editor, then what it leaves shown and run as typed; the edited text
    /// becomes the last statement and is returned (nil when nothing was run). `.edit` edits
    /// the last statement, Ctrl-X Ctrl-E the statement being typed.
    @discardableResult
    static func edit(_ original: String, in shell: Shell) throws -> String? {
        let session = shell.session
        guard session.configuration.interactive, isatty(0) != 0 else {
            throw MigshError(.usage, ".edit needs the interactive shell (a terminal)")
        }
        let env = Environment.process
        let editor = [env["VISUAL"], env["EDITOR"]].compactMap { $0 }.first { !$0.trimming(.whitespaces).isEmpty } ?? "vi"
        let path = temporaryDirectoryPath() + "migsh-edit-\(getpid())-\(UUID().uuidString).sql"
        let fd = PrivateFile.open(path, O_WRONLY | O_EXCL)
        guard fd >= 0 else { throw MigshError(.io, "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { FileSystem.unlink(path) }
        let text = original.isEmpty || original.hasSuffix("\n") ? original : original + "\n"
        let written = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, text.utf8.count) }
        close(fd)
        guard written == text.utf8.count else { throw MigshError(.io, "cannot write \(path)") }
        shell.out.flush()
        let status = CarriedBytes.withCString("\(editor) '\(path)'") { system($0) }
        guard status == 0 else {
            throw MigshError(.io, "the editor (\(editor)) exited with status \(status); nothing was run")
        }
        guard let edited = FileSystem.contents(path), edited.contains(where: { $0 > 32 }) else {
            shell.note("the editor left nothing to run")
            return nil
        }
        // Shown, then run line by line as typed input is.
        shell.out.write(String(decoding: edited, as: UTF8.self) + (edited.last == 10 ? "" : "\n"))
        shell.out.flush()
        var input = SQLInput()
        var lines = edited.split(separator: 10, omittingEmptySubsequences: false)
        if edited.last == 10 { lines.removeLast() }
        for line in lines {
            if let unit = input.add(line) { _ = try shell.run(unit) }
        }
        if input.hasPending {
            shell.note("not run: the statement has no closing ; (.edit again to finish it)")
        }
        let result = String(decoding: edited, as: UTF8.self).trimming(.whitespacesAndNewlines)
        session.lastStatement = result
        return result
    }
}
