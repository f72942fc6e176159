import Testing
@testable import MigshShell

/// migsh's own listings fitted to a terminal's width, and text broken between words.
@Suite("Fitting output to the terminal")
struct TextTableTests {
    let columns: [TextTable.Column] = [.init("version"), .init("description", shrinks: true), .init("file", shrinks: true, keepsEnd: true)]
    let rows = [
        ["4", "Add supplier diversity tracking (vendor classification, Supplier_Certifications)", "004_add_supplier_diversity.sql"],
        ["5", "Enhanced personnel tracking", "005_enhance_personnel.sql"],
    ]

    @Test("without a width (batch, a pipe) nothing is shortened")
    func noWidth() {
        let text = TextTable(columns, rows).render(width: nil)
        #expect(text == """
            version  description                                                                       file
            4        Add supplier diversity tracking (vendor classification, Supplier_Certifications)  004_add_supplier_diversity.sql
            5        Enhanced personnel tracking                                                       005_enhance_personnel.sql

            """)
    }

    @Test("at 80 columns every line fits; the shrinking columns lose width, shortened with …", arguments: [40, 60, 80])
    func fits(width: Int) {
        let lines = TextTable(columns, rows).render(width: width).split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= width }, "\(lines)")
        #expect(lines[1].contains("…"))
        #expect(lines[1].hasPrefix("4        Add supplier"))
    }

    @Test("a path keeps its end (the date and the extension)")
    func keepsEnd() {
        let short = TextTable.shorten("nukeworks_db-migration_backup_20261201_164458.sqlite", to: 30, keepingEnd: true)
        #expect(short.count == 30)
        #expect(short.hasSuffix("_164458.sqlite"))
        #expect(short.hasPrefix("nukeworks"))
        #expect(TextTable.shorten("Enhanced personnel tracking", to: 10, keepingEnd: false) == "Enhanced …")
    }

    @Test("a table already narrower than the terminal is unchanged")
    func narrowEnough() {
        let small = TextTable([.init("a"), .init("b", shrinks: true)], [["1", "x"]])
        #expect(small.render(width: 80) == small.render(width: nil))
        #expect(small.render(width: 80) == "a  b\n1  x\n")
    }

    @Test("text breaks between words, continuation indented; a single long word stays whole")
    func wraps() {
        let text = "  verdict: the live schema is version 3's with hand-made changes to objects that hold no data"
        #expect(wrapText(text, width: 40) == """
              verdict: the live schema is version
                3's with hand-made changes to
                objects that hold no data
            """)
        let path = "/tmp/" + String(repeating: "a", count: 60) + ".sqlite"
        #expect(wrapText("backup: " + path, width: 40) == "backup:\n  " + path)
        #expect(wrapText(text, width: nil) == text)
    }
}
