import ArgumentParser
import MigshCore

/// The parsers that take untrusted text — the command line, dot-command lines, the
/// statement splitter, validation and the SQL normalizer — driven from one entry point for
/// the libFuzzer target (`Sources/MigshFuzz`). Crashes and broken invariants trap.
public enum ParserFuzzing {
    public static func exercise(_ text: String) {
        // The statement splitter: the statements and the tail are the text, in order.
        let split = SQLScript.split(text)
        let joined = split.statements.map(\.sql).joined() + (split.incompleteTail?.sql ?? "")
        precondition(text.hasPrefix(joined), "the splitter lost or reordered text")
        var rest = SQLTokenizer(String(text.dropFirst(joined.count)))
        precondition(rest.next() == nil || split.incompleteTail != nil, "the splitter dropped SQL after the last statement")
        for s in split.statements { _ = SQLScript.leadingWords(s.sql, count: 4) }

        // Validation of a migration with this text.
        _ = MigrationScript(Migration(version: 1, name: "fuzz", fileName: "001_fuzz.sql", path: "/dev/null", sql: text, sha256: ""))
        _ = SQLNormalizer.normalizeCreate(text)
        _ = DestructiveStatement.hasTopLevelWhere(text)

        // Dot-command lines and the command line: parse errors are fine, crashes are not.
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).prefix(8) {
            let words = DotCommands.tokenize(String(line))
            if let name = words.first, let type = DotCommands.command(named: name) {
                _ = try? type.parse(Array(words.dropFirst()))
            }
            // sqlite3's options are taken out first: any words, no crash.
            _ = try? SQLite3Options.extract(words)
            // The fast reader of the command line agrees with the parser wherever it reads.
            let parsed = (try? MigshCommandLine.parse(words))?.options
            if let fast = MigshOptions.parseCommon(words) {
                precondition(fast == parsed, "the fast command-line reader disagrees with the parser on \(words)")
            }
        }
    }
}
