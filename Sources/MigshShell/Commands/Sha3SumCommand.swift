import ArgumentParser
import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// `.sha3sum [--schema] [--sha3-224|256|384|512] [--debug] [PATTERN]`: a SHA3 hash of the
/// database's content (SHA3-224 by default, as sqlite3 3.40), or one per table matching the
/// LIKE pattern; the same digest sqlite3 prints for the same content.
struct Sha3SumCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".sha3sum", abstract: "Compute a SHA3 hash of the database's content (or of each matching table).",
        discussion: "Options: --schema (the schema too), --sha3-224 (default), --sha3-256, --sha3-384, --sha3-512, --debug.\nExample: .sha3sum --sha3-256")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("Options and a LIKE pattern.", valueName: "pattern"), completion: .tables) var words: [String] = []

    /// sqlite3 3.40's help for `.sha3sum`, printed after an unknown option.
    static let sqlite3Help = """
        .sha3sum ...             Compute a SHA3 hash of database content
            Options:
              --schema              Also hash the sqlite_schema table
              --sha3-224            Use the sha3-224 algorithm
              --sha3-256            Use the sha3-256 algorithm (default)
              --sha3-384            Use the sha3-384 algorithm
              --sha3-512            Use the sha3-512 algorithm
            Any other argument is a LIKE pattern for tables to hash

        """

    func run(in shell: Shell) throws {
        var pattern: String?
        var schema = false, debug = false
        var size = 224
        for word in words {
            if word.hasPrefix("-") {
                let option = word.hasPrefix("--") ? String(word.dropFirst(2)) : String(word.dropFirst())
                switch option {
                case "schema": schema = true
                case "sha3-224", "sha3-256", "sha3-384", "sha3-512": size = Int(option.dropFirst(5))!
                case "debug": debug = true
                default:
                    // As sqlite3: the message on standard error, then its help on standard output.
                    let error = sqlite3Usage("Unknown option \"\(word)\" on \"sha3sum\"", in: shell)
                    shell.out.write(Self.sqlite3Help)
                    throw error
                }
            } else if pattern != nil {
                throw MigshError(.usage, "Usage: .sha3sum ?OPTIONS? ?LIKE-PATTERN?")
            } else {
                pattern = word
                if SQLitePattern.like("sqlite\\_%", matches: word, escape: "\\") { schema = true }
            }
        }
        let db = shell.session.db
        let tables = try db.prepare(schema
            ? "SELECT lower(name) FROM sqlite_schema WHERE type='table' AND coalesce(rootpage,0)>1 UNION ALL SELECT 'sqlite_schema' ORDER BY 1 collate nocase"
            : "SELECT lower(name) FROM sqlite_schema WHERE type='table' AND coalesce(rootpage,0)>1 AND name NOT LIKE 'sqlite_%' ORDER BY 1 collate nocase")
        var sql = "WITH [sha3sum$query](a,b) AS("
        var separator = "VALUES("
        var any = false
        while try tables.step() {
            let table = tables.text(0)
            if let pattern, !SQLitePattern.like(pattern, matches: table) { continue }
            let query: String
            switch table {
            case _ where !table.hasPrefix("sqlite_"): query = "SELECT * FROM \"" + table.replacingAll("\"", with: "\"\"") + "\" NOT INDEXED;"
            case "sqlite_schema": query = "SELECT type,name,tbl_name,sql FROM sqlite_schema ORDER BY name;"
            case "sqlite_sequence": query = "SELECT name,seq FROM sqlite_sequence ORDER BY name;"
            case "sqlite_stat1": query = "SELECT tbl,idx,stat FROM sqlite_stat1 ORDER BY tbl,idx;"
            case "sqlite_stat4": query = "SELECT * FROM sqlite_stat4 ORDER BY tbl, idx, rowid;\n"
            default: query = ""
            }
            sql += separator + SQLParameters.quoteLiteral(query) + "," + SQLParameters.quoteLiteral(table)
            separator = "),("
            any = true
        }
        sql += pattern != nil
            ? ")) SELECT lower(hex(sha3_query(a,\(size)))) AS hash, b AS label   FROM [sha3sum$query]"
            : ")) SELECT lower(hex(sha3_query(group_concat(a,''),\(size)))) AS hash   FROM [sha3sum$query]"
        if debug {
            shell.out.write(sql + "\n")
            return
        }
        // No table: sqlite3's query is not valid SQL, and it prints nothing.
        guard any else { return }
        ShellFunctions.registerSHA3(db)
        // Ctrl-C stops the hashing (no hash is printed): the command did not complete.
        if !shell.runSQL(sql, line: 1) && CancellationToken.interrupt.isRequested {
            throw MigshError(.interrupted, "interrupted: .sha3sum stopped; no hash was printed")
        }
    }
}
