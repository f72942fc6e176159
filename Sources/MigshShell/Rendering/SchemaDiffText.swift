import MigshCore

/// A schema diff as text: `+` only in the live database, `-` missing from it, `~` changed.
enum SchemaDiffText {
    static func render(_ diff: SchemaDiff, version: Int) -> String {
        if diff.isEmpty { return "the live schema equals the schema of version \(version)\n" }
        return render(diff, expected: "expected (version \(version))", live: "live database")
    }

    /// The changes under `--- expected` / `+++ live` headings of the caller's words.
    static func render(_ diff: SchemaDiff, expected: String, live: String) -> String {
        var text = "--- \(expected)\n+++ \(live)\n"
        for c in diff.changes {
            text += "\(c.sign.rawValue) \(c.kind) \(c.name)\n"
            if let e = c.expectedSQL, let l = c.liveSQL {
                text += "    --- expected\n    +++ live\n" + UnifiedDiff.lines(e, l)
                continue
            }
            for d in c.details { text += "    \(d)\n" }
        }
        return text
    }
}
