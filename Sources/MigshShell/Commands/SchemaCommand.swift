import ArgumentParser
import MigshBase
import MigshCore

/// `.schema [--indent] [--nosys] [PATTERN]`: the CREATE statements of every database of the
/// connection, as sqlite3 3.40 prints them (the pattern matches the table name; with `.`,
/// `schema.table`; GLOB when it has `*`, `?` or `[`).
struct SchemaCommand: DotCommand {
    typealias Output = [String]
    static let configuration = CommandConfiguration(commandName: ".schema", abstract: "Show the CREATE statements of objects whose table matches a LIKE pattern.",
                                                    discussion: "Options: --indent (one column a line), --nosys (no sqlite_ tables).\nExample: .schema Projects")

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("Options and a LIKE pattern.", valueName: "pattern"), completion: .tables) var words: [String] = []

    func run(in shell: Shell) throws {
        var indent = false, debug = false, noSystem = false
        var pattern: String?
        for word in words {
            switch word {
            case "-indent", "--indent": indent = true
            case "-debug", "--debug": debug = true
            case "-nosys", "--nosys": noSystem = true
            default:
                if word.hasPrefix("-") { throw MigshError(.verbatim, "Unknown option: \"\(word)\"") }
                guard pattern == nil else { throw MigshError(.usage, "Usage: .schema ?--indent? ?--nosys? ?LIKE-PATTERN?") }
                pattern = word
            }
        }
        let db = shell.session.db
        ShellFunctions.register(db)
        var statements: [String] = []
        if let pattern, ["sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema"].contains(where: { (name: String) -> Bool in SQLitePattern.like(pattern, matches: name, escape: "\\") }) {
            statements.append("CREATE TABLE \(pattern) (\n  type text,\n  name text,\n  tbl_name text,\n  rootpage integer,\n  sql text\n)")
        }
        let databases = try db.prepare("SELECT name FROM pragma_database_list")
        var select = "SELECT sql FROM"
        var divider = "("
        var number = 0
        while try databases.step() {
            let name = databases.text(0)
            number += 1
            select += divider
            divider = " UNION ALL "
            select += "SELECT shell_add_schema(sql," + (name.lowercased() != "main" ? SQLParameters.quoteLiteral(name) : "NULL")
            select += ",name) AS sql, type, tbl_name, name, rowid,\(number) AS snum, \(SQLParameters.quoteLiteral(name)) AS sname FROM "
            select += SQLLiteral.identifierIfNeeded(name) + ".sqlite_schema"
        }
        if pattern != nil {
            select += " UNION ALL SELECT shell_module_schema(name), 'table', name, name, name, 9e+99, 'main' FROM pragma_module_list"
        }
        select += ") WHERE "
        if let pattern {
            let glob = pattern.contains("*") || pattern.contains("?") || pattern.contains("[")
            select += pattern.contains(".") ? "lower(printf('%s.%s',sname,tbl_name))" : "lower(tbl_name)"
            select += (glob ? " GLOB " : " LIKE ") + SQLParameters.quoteLiteral(pattern)
            if !glob { select += " ESCAPE '\\' " }
            select += " AND "
        }
        if noSystem { select += "name NOT LIKE 'sqlite_%%' AND " }
        select += "sql IS NOT NULL ORDER BY snum, rowid"
        if debug {
            shell.out.write("SQL: \(select);\n")
            return
        }
        let rows = try db.prepare(select)
        while try rows.step() { statements.append(rows.text(0)) }
        try Self.emit(statements, in: shell) {
            statements.map { indent ? SchemaText.pretty($0) : SchemaText.line($0, tail: ";\n") }.joined()
        }
    }
}

/// `.fullschema [--indent]`: the schema (main and temp) and the contents of the sqlite_stat
/// tables, as sqlite3 prints them.
struct FullSchemaCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".fullschema", abstract: "Show the schema and the contents of the sqlite_stat tables.",
                                                    discussion: "Example: .fullschema --indent")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("--indent", valueName: "option"), completion: .list(["--indent"])) var words: [String] = []

    func run(in shell: Shell) throws {
        var indent = false
        if words.count == 1 && (words[0] == "--indent" || words[0] == "-indent") {
            indent = true
        } else if !words.isEmpty {
            throw MigshError(.usage, "Usage: .fullschema ?--indent?")
        }
        let db = shell.session.db
        let rows = try db.prepare("""
            SELECT sql FROM  (SELECT sql sql, type type, tbl_name tbl_name, name name, rowid x     FROM sqlite_schema UNION ALL   \
            SELECT sql, type, tbl_name, name, rowid FROM sqlite_temp_schema) WHERE type!='meta' AND sql NOTNULL AND name NOT LIKE 'sqlite_%' ORDER BY x
            """)
        var text = ""
        while try rows.step() {
            let sql = rows.text(0)
            text += indent ? SchemaText.pretty(sql) : SchemaText.line(sql, tail: ";\n")
        }
        let hasStats = ((try? db.scalarInt("SELECT rowid FROM sqlite_schema WHERE name GLOB 'sqlite_stat[134]'")) ?? nil) != nil
        shell.out.write(text)
        guard hasStats else {
            shell.out.write("/* No STAT tables available */\n")
            return
        }
        shell.out.write("ANALYZE sqlite_schema;\n")
        for table in ["sqlite_stat1", "sqlite_stat4"] {
            guard let stat = try? db.prepare("SELECT * FROM \(table)") else { continue }
            let row = stat.row
            while (try? stat.step()) == true {
                var line = CarriedBytes.bytes(of: "INSERT INTO \(table) VALUES(")
                for i in 0..<row.columnCount {
                    if i > 0 { line.append(UInt8(ascii: ",")) }
                    line += SQLDump.literal(row, i)
                }
                line += Array(");\n".utf8)
                shell.out.write(line)
            }
        }
        shell.out.write("ANALYZE sqlite_schema;\n")
    }
}
