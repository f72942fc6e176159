import ArgumentParser
import MigshCore

/// `.recover ?OPTIONS?`: the SQL that rebuilds as much of the database as its pages still
/// hold (`Recovery`), with sqlite3 3.40's options, output and messages. sqlite3 3.40 reads
/// the pages through `sqlite_dbpage`, which Debian's library lacks (its `.recover` fails
/// there); migsh reads the file itself.
struct RecoverCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".recover", abstract: "Recover as much data as possible from corrupt db.",
        discussion: """
            --ignore-freelist        Ignore pages that appear to be on db freelist
            --lost-and-found TABLE   Alternative name for the lost-and-found table
            --no-rowids              Do not attempt to recover rowid values that are not also INTEGER PRIMARY KEYs
            Example: .recover > recovered.sql   (then: migsh --create new.sqlite < recovered.sql)
            """)

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("--ignore-freelist, --lost-and-found TABLE, --no-rowids.", valueName: "options"), completion: .list(["--ignore-freelist", "--lost-and-found", "--no-rowids"]))
    var words: [String] = []

    /// sqlite3's help lines for `.recover`, printed on standard output after a bad option.
    static let sqlite3Help = """
        .recover                 Recover as much data as possible from corrupt db.
           --ignore-freelist        Ignore pages that appear to be on db freelist
           --lost-and-found TABLE   Alternative name for the lost-and-found table
           --no-rowids              Do not attempt to recover rowid values
                                    that are not also INTEGER PRIMARY KEYs

        """

    func run(in shell: Shell) throws {
        var options = Recovery.Options()
        var i = 0
        while i < words.count {
            // sqlite3 takes one or two dashes and any prefix of each option's name.
            var word = Substring(words[i])
            if word.hasPrefix("--") { word = word.dropFirst() }
            func names(_ option: String) -> Bool { !word.isEmpty && word.count <= option.count + 1 && option.hasPrefix(word) }
            if names("-ignore-freelist") {
                options.ignoreFreelist = true
            } else if names("-recovery-db") && i < words.count - 1 {
                i += 1  // sqlite3's undocumented debugging option: its scratch database's name
            } else if names("-lost-and-found") && i < words.count - 1 {
                i += 1
                options.lostAndFound = words[i]
            } else if names("-no-rowids") {
                options.keepRowids = false
            } else {
                shell.out.flush()
                shell.err.write("unexpected option: \(words[i])\n")
                shell.err.flush()
                shell.out.write(Self.sqlite3Help)
                throw MigshError(.saidAlready, "unexpected option: \(words[i])")
            }
            i += 1
        }
        do {
            try Recovery.run(shell.session.db, options: options) { statement in
                shell.out.write(statement)
                shell.out.write(Array(";\n".utf8))
            }
        } catch let error as MigshError where error.code == .interrupted {
            // Ctrl-C: the SQL written so far rebuilds part of the database only.
            shell.out.flush()
            let written = shell.session.redirection?.name ?? "the SQL on standard output"
            throw MigshError(.interrupted, "interrupted: \(written) is incomplete (.recover stopped)")
        } catch let error as MigshError {
            shell.out.flush()
            shell.err.write("sql error: \(error.message) (\(error.resultCode?.primary.rawValue ?? 1))\n")
            throw MigshError(.saidAlready, error.message)
        }
    }
}
