import Testing
@testable import MigshShell

/// migsh's own listings fitted to a terminal's width, and text broken between words.
@Suite("Fitting output to the terminal")
struct TextTableTests {
    let columns: [TextTable.Column] = [.init("version"), .init("description", wraps: true), .init("file")]
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

    @Test("at 60 and 80 columns every line fits; the description shrinks with …, the file name stays whole", arguments: [60, 80])
    func fits(width: Int) {
        let lines = TextTable(columns, rows).render(width: width).split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= width }, "\(lines)")
        #expect(lines[1].contains("…"))
        #expect(lines[1].hasPrefix("4        Add supplier"))
        #expect(lines[1].hasSuffix("004_add_supplier_diversity.sql"))
    }

    @Test("where no table fits, one block a row (psql's expanded display): prose wraps, the file name stays whole")
    func records() {
        let text = TextTable(columns, rows).render(width: 40)
        #expect(text == """
            -[ RECORD 1 ]---------------------------
            version     | 4
            description | Add supplier diversity
                        | tracking (vendor
                        | classification,
                        | Supplier_Certifications)
            file        | 004_add_supplier_diversity.sql
            -[ RECORD 2 ]---------------------------
            version     | 5
            description | Enhanced personnel
                        | tracking
            file        | 005_enhance_personnel.sql

            """)
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

    @Test("a dot-command with its arguments and an option with its value are never split; a bullet's text hangs under it")
    func unbreakable() {
        let hint = "Restore the backup with: .restore nukeworks_db-migration_backup_20261205_235654.sqlite"
        #expect(wrapText(hint, width: 40) == "Restore the backup with:\n  .restore nukeworks_db-migration_backup_20261205_235654.sqlite")
        #expect(wrapText("then run .apply --resume once the file is fixed", width: 30) == "then run .apply --resume once\n  the file is fixed")
        #expect(wrapText("Choose another file with --audit FILE please", width: 30) == "Choose another file with\n  --audit FILE please")
        #expect(wrapText("• Version 4: Add supplier diversity tracking (vendor classification)", width: 40) == """
            • Version 4: Add supplier diversity
              tracking (vendor classification)
            """)
        // A prompt keeps its final space on its last line.
        #expect(wrapText("Restore it over the live database now? [y/N] ", width: 30) == "Restore it over the live\n  database now? [y/N] ")
    }

    @Test("a comment in SQL wraps into comment lines")
    func comments() {
        #expect(sqlComment("001_initial.sql (12 statements, in one transaction with foreign-key enforcement off)", width: 40) == """
            -- 001_initial.sql (12 statements, in
            --   one transaction with foreign-key
            --   enforcement off)

            """)
        #expect(sqlComment("a b", width: nil) == "-- a b\n")
    }
}
