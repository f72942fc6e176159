import FoundationEssentials
import Glibc
import MigshBase
import ArgumentParser

/// migsh(1), made from the command line's declarations (`MigshCommandLine`), as
/// swift-argument-parser describes them (`--experimental-dump-help`, the description its own
/// generate-manual tool reads). The page is written here rather than by generate-manual 1.8,
/// which documents a `help` subcommand migsh does not have, replaces the exit codes with "0 on
/// success, >0 if an error occurs", and refills the aligned tables of the discussion.
///
/// The discussion's sections (`EXAMPLES:`, `ENVIRONMENT:`, …) become the page's sections; their
/// indented lines are kept as written (no fill), so commands and tables keep their columns.
public enum ManualPage {
    /// The page in man(7) roff; `date` goes into the title line (e.g. 2026-12-06).
    public static func roff(date: String) -> String {
        var json = ""
        MigshCommandLine.reflowsDiscussion = false
        defer { MigshCommandLine.reflowsDiscussion = true }
        do { _ = try MigshCommandLine.parse(["--experimental-dump-help"]) } catch {
            json = MigshCommandLine.fullMessage(for: error)
        }
        guard let root = JSONReader.object(json.utf8),
              let command = root["command"] as? [String: Any] else {
            preconditionFailure("swift-argument-parser gave no --experimental-dump-help document")
        }
        let name = command["commandName"] as? String ?? "migsh"
        let arguments = (command["arguments"] as? [[String: Any]] ?? []).filter { $0["shouldDisplay"] as? Bool ?? true }
        let positionals = arguments.filter { $0["kind"] as? String == "positional" }
        let options = arguments.filter { $0["kind"] as? String != "positional" }

        var page = [
            ".\\\" Generated from migsh's command line declarations (scripts/install); do not edit.",
            ".TH \(name.uppercased()) 1 \"\(date)\" \"\(escape(MigshVersion.description))\" \"User Commands\"",
            // No hyphenation and no stretched spaces: file names and options stay whole.
            ".nh",
            ".ad l",
            ".SH NAME",
            "\(name) \\- \(escape(trimmedPeriod(command["abstract"] as? String ?? "")))",
            ".SH SYNOPSIS",
            ".B \(name)",
            ([options.isEmpty ? nil : "[\\fIOPTIONS\\fR]"] + positionals.map { synopsis($0) }).compactMap { $0 }.joined(separator: " "),
            ".SH DESCRIPTION",
            escape(command["abstract"] as? String ?? ""),
        ]
        // The discussion: paragraphs, then its own sections; the arguments and options go
        // before the first of them.
        var sections: [String] = []
        var current: [String]? = nil  // nil: still the description
        for block in blocks(command["discussion"] as? String ?? "") {
            var lines = block
            if let heading = sectionHeading(lines[0]) {
                if let current { sections.append(contentsOf: current) }
                current = [".SH " + escape(heading.title)]
                if let note = heading.note { current?.append(contentsOf: [".PP", escape(note)]) }
                lines.removeFirst()
                if lines.isEmpty { continue }
            }
            let rendered = render(lines)
            if current != nil { current?.append(contentsOf: rendered) } else { page.append(contentsOf: rendered) }
        }
        if let current { sections.append(contentsOf: current) }
        if !positionals.isEmpty {
            page.append(".SH ARGUMENTS")
            for argument in positionals {
                page += [".TP", "\\fI\(escape(argument["valueName"] as? String ?? ""))\\fR" + ((argument["isRepeating"] as? Bool ?? false) ? " ..." : ""),
                         escape(argument["abstract"] as? String ?? "")]
            }
        }
        if !options.isEmpty {
            page.append(".SH OPTIONS")
            for option in options {
                let names = (option["names"] as? [[String: Any]] ?? []).map { n -> String in
                    let dash = n["kind"] as? String == "short" ? "\\-" : "\\-\\-"
                    return "\\fB" + dash + escape(n["name"] as? String ?? "") + "\\fR"
                }.joined(separator: ", ")
                let value = option["kind"] as? String == "option" ? " \\fI" + escape(option["valueName"] as? String ?? "") + "\\fR" : ""
                page += [".TP", names + value + ((option["isRepeating"] as? Bool ?? false) && value != "" ? " ..." : ""),
                         escape(option["abstract"] as? String ?? "")]
            }
        }
        return (page + sections).joined(separator: "\n") + "\n"
    }

    /// `[database]`, `[commands ...]`, `file`.
    static func synopsis(_ argument: [String: Any]) -> String {
        var text = "\\fI" + escape(argument["valueName"] as? String ?? "") + "\\fR"
        if argument["isRepeating"] as? Bool ?? false { text += " ..." }
        return argument["isOptional"] as? Bool ?? false ? "[" + text + "]" : text
    }

    /// Blocks of non-empty lines.
    static func blocks(_ text: String) -> [[String]] {
        text.components(separatedBy: "\n\n").map { $0.components(separatedBy: "\n") }.filter { !$0.allSatisfy { $0.isEmpty } }
    }

    /// `EXIT STATUS:` → ("EXIT STATUS", nil); `SQLITE3'S OPTIONS (one dash …):` → ("SQLITE3'S OPTIONS", "One dash …").
    static func sectionHeading(_ line: String) -> (title: String, note: String?)? {
        guard line.hasSuffix(":"), let first = line.first, first.isUppercase else { return nil }
        let body = String(line.dropLast())
        let title = body.prefix { $0 != "(" }.trimming(.whitespaces)
        guard title == title.uppercased(), title.contains(where: \.isLetter) else { return nil }
        var note: String? = nil
        if let open = body.firstIndex(of: "("), body.hasSuffix(")") {
            let inner = body[body.index(after: open)..<body.index(before: body.endIndex)]
            note = inner.prefix(1).uppercased() + inner.dropFirst() + "."
        }
        return (title, note)
    }

    /// Indented lines as written (no fill); others as a filled paragraph.
    static func render(_ lines: [String]) -> [String] {
        var out: [String] = []
        var index = 0
        while index < lines.count {
            if lines[index].hasPrefix("  ") {
                var literal: [String] = []
                while index < lines.count, lines[index].hasPrefix("  ") {
                    literal.append(escape(String(lines[index].dropFirst(2))))
                    index += 1
                }
                out += [".PP", ".RS 2", ".nf"] + literal + [".fi", ".RE"]
            } else {
                var paragraph: [String] = []
                while index < lines.count, !lines[index].hasPrefix("  ") {
                    paragraph.append(lines[index])
                    index += 1
                }
                out += [".PP", escape(paragraph.joined(separator: " "))]
            }
        }
        return out
    }

    static func trimmedPeriod(_ text: String) -> String {
        text.hasSuffix(".") ? String(text.dropLast()) : text
    }

    /// roff's special characters: backslash, a dash (a real minus, so options can be
    /// searched and pasted), and a control character at the start of a line.
    static func escape(_ text: String) -> String {
        var s = text.replacingAll("\\", with: "\\e").replacingAll("-", with: "\\-")
        if s.hasPrefix(".") || s.hasPrefix("'") { s = "\\&" + s }
        return s
    }
}
