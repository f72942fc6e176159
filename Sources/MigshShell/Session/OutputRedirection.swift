import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// `.output FILE`, `.output |COMMAND`, `.once …`: where the session's output goes instead of
/// standard output. A file is created with mode 0600 and never written through a symlink
/// (O_NOFOLLOW), as every file migsh writes; an existing file is truncated, as sqlite3 does.
/// A pipe runs COMMAND through /bin/sh with the output on its standard input.
struct OutputRedirection {
    enum Target {
        case file(path: String, fd: Int32)
        case pipe(command: String, stream: UnsafeMutablePointer<FILE>)
        /// `.output stderr`, as in sqlite3.
        case standardError
    }

    var target: Target
    var buffer: OutputBuffer
    /// `.once`: back to standard output after the next command or SQL.
    var once: Bool
    /// `.once` armed: the command that set it has not finished yet.
    var armed: Bool
    /// `.excel`, `.once -x`, `.once -e`: the temporary file is handed to the system's opener
    /// when the output ends, and the output settings of before come back.
    var opener: Opener? = nil

    /// What `.excel` changed, to put back, as sqlite3's outputModePush/outputModePop.
    struct Opener {
        var mode: OutputMode
        var separator: String
        var rowSeparator: String
        var echo: Bool
    }

    /// What the audit log and `.show` name: the path, or `|command`.
    var name: String {
        switch target {
        case .file(let path, _): return path
        case .pipe(let command, _): return "|" + command
        case .standardError: return "stderr"
        }
    }

    /// Opens `spec` (a path, or `|command`). Its bytes are those given (`ShellWord`), so a
    /// Latin-1 file name is created as typed and a command gets the bytes it was given.
    static func open(_ spec: String, once: Bool) throws -> OutputRedirection {
        if spec == "stderr" {
            return OutputRedirection(target: .standardError, buffer: OutputBuffer(fd: 2), once: once, armed: once)
        }
        if spec.hasPrefix("|") {
            let command = String(spec.dropFirst()).trimming(.whitespaces)
            guard !command.isEmpty, let stream = ShellWord(argument: command).withCString({ popen($0, "w") }) else {
                throw MigshError(.io, "cannot open pipe \"\(command)\"")
            }
            return OutputRedirection(target: .pipe(command: command, stream: stream), buffer: OutputBuffer(fd: fileno(stream)),
                                     once: once, armed: once)
        }
        let fd = ShellWord(argument: spec).withCString { PrivateFile.open($0, O_WRONLY | O_TRUNC) }
        guard fd >= 0 else {
            let reason = errno == ELOOP ? "it is a symbolic link (migsh does not write through one)" : String(cString: strerror(errno))
            throw MigshError(.io, "cannot open \"\(spec)\": \(reason)")
        }
        return OutputRedirection(target: .file(path: spec, fd: fd), buffer: OutputBuffer(fd: fd), once: once, armed: once)
    }

    /// Flushes and closes; an error writing a file (a full disk) is returned.
    func close() -> MigshError? {
        buffer.flush()
        var failure: MigshError?
        switch target {
        case .file(let path, let fd):
            if buffer.isBroken {
                failure = MigshError(.io, "writing \(path) failed: \(String(cString: strerror(buffer.failure))); the file is incomplete")
            }
            Glibc.close(fd)
        case .pipe(_, let stream):
            pclose(stream)
        case .standardError:
            break
        }
        return failure
    }
}

extension Session {
    /// Sends output to `spec` (nil: back to standard output); `once`: for the next command only.
    func redirectOutput(to spec: String?, once: Bool = false) throws {
        let problem = resetOutput()
        // As sqlite3: "stdout" (and "off") name standard output.
        if let spec, spec != "stdout" && spec != "off" {
            let redirection = try OutputRedirection.open(spec, once: once)
            self.redirection = redirection
            out = redirection.buffer
        }
        if let problem { throw problem }
    }

    /// Back to standard output; a write error of the file being closed is returned.
    @discardableResult
    func resetOutput() -> MigshError? {
        guard let current = redirection else { return nil }
        redirection = nil
        out = standardOutput
        let problem = current.close()
        if let opener = current.opener, case .file(let path, _) = current.target {
            handToOpener(path, restoring: opener)
        }
        return problem
    }

    /// Sends the output to a new temporary file (`.excel`, `.once -x` in CSV with sqlite3's
    /// separators; `.once -e` as it is) that the system's opener gets when the output ends.
    /// The file is sqlite3's: `$TEMP`, `$TMP` or /tmp, `tempHEX.csv|txt`, mode 0600; the one
    /// before is removed, and the last when the session ends.
    func redirectToOpener(spreadsheet: Bool, once: Bool) throws {
        _ = resetOutput()
        removeOpenerFile()
        let folder = Environment.process["TEMP"] ?? Environment.process["TMP"] ?? "/tmp"
        let path = folder + "/temp" + String(UInt64.random(in: .min ... .max), radix: 16) + (spreadsheet ? ".csv" : ".txt")
        var redirection = try OutputRedirection.open(path, once: once)
        openerFile = path
        redirection.opener = OutputRedirection.Opener(mode: output.mode, separator: output.separator,
                                                      rowSeparator: output.rowSeparator, echo: echo)
        self.redirection = redirection
        out = redirection.buffer
        if spreadsheet {
            echo = false
            output.mode = .csv
            output.separator = ","
            output.rowSeparator = "\r\n"
        }
    }

    /// sqlite3's output_reset for `.excel`: `xdg-open FILE` through /bin/sh; when that fails,
    /// `Failed: [xdg-open FILE]` on standard error; else two seconds for the opener to read
    /// the file (sqlite3 waits as long). Then the output settings of before.
    private func handToOpener(_ path: String, restoring opener: OutputRedirection.Opener) {
        let command = "xdg-open " + path
        standardOutput.flush()
        err.flush()
        if CarriedBytes.withCString(command, { system($0) }) != 0 {
            err.write("Failed: [\(command)]\n")
            err.flush()
        } else {
            sleep(2)
        }
        output.mode = opener.mode
        output.separator = opener.separator
        output.rowSeparator = opener.rowSeparator
        echo = opener.echo
    }

    /// Removes the temporary file of the last `.excel` (sqlite3's clearTempFile).
    func removeOpenerFile() {
        if let openerFile { FileSystem.unlink(openerFile) }
        openerFile = nil
    }

    /// After each command or SQL: `.once` ends, and a redirected file that could not be
    /// written (a full disk) is reported and closed.
    func afterUnit() -> MigshError? {
        guard var current = redirection else { return nil }
        if current.armed {
            current.armed = false
            redirection = current
            return nil
        }
        if current.once || current.buffer.isBroken { return resetOutput() }
        return nil
    }
}
