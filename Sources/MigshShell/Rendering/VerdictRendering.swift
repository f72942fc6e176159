import FoundationEssentials
import MigshBase
import MigshCore

// The verdict as the user sees it: the ways out as dot-command lines migsh accepts verbatim,
// in text and in `--json` (`../shared/CONTRACT.md`: recorded_version, matches_version,
// partial{…}, message, way_out[{commands, assumes, loses}]).

extension WayOut.Action {
    /// The dot-command lines that perform the action, in order. A backup in the session's
    /// backups folder is named as `.restore` finds it there: by its name.
    func commands(backupsFolder: String) -> [String] {
        switch self {
        case .resume: return [".apply --resume"]
        case let .baseline(version, force): return [".baseline \(version)" + (force ? " --force" : "")]
        case .repair: return [".repair"]
        case let .restore(backup):
            let folder = backupsFolder.pathStandardized
            let name = backup.path.pathDeletingLastComponent == folder ? backup.path.pathLastComponent : backup.path
            return [".restore \(quoteArgument(name))"]
        }
    }
}

/// Quotes a dot-command argument when it needs it, as `DotCommands.tokenize` reads it back.
func quoteArgument(_ text: String) -> String {
    if !text.isEmpty, !text.contains(where: { $0.isWhitespace || $0 == "'" || $0 == "\"" }) { return text }
    return text.contains("'") ? "\"\(text)\"" : "'\(text)'"
}

/// `.diff --json`'s `verdict`.
struct VerdictDocument: Encodable {
    struct Option: Encodable {
        var commands: [String]
        var effect: String
        var assumes: String
        var loses: String
        var recommended: Bool
    }

    var state: String
    var recordedVersion: Int
    var matchesVersion: Int?
    var partial: Verdict.Partial?
    var nearestVersion: Int?
    var nearestDifferences: Int?
    var versionProblems: [String]
    var message: String
    var wayOut: [Option]
    /// Why no way out assumes and loses nothing; null when the first one does.
    var noSafeOption: String?
    var evidence: [MigrationEvidence]
    var editedFiles: [String]

    init(_ v: Verdict, backupsFolder: String) {
        state = v.state.rawValue
        recordedVersion = v.recordedVersion
        matchesVersion = v.matchesVersion
        partial = v.partial
        nearestVersion = v.nearestVersion
        nearestDifferences = v.nearestDifferences
        versionProblems = v.versionProblems.map(\.description)
        message = v.message
        wayOut = v.wayOut.enumerated().map { i, o in
            Option(commands: o.action.commands(backupsFolder: backupsFolder), effect: o.effect, assumes: o.assumes.joined(separator: "; "),
                   loses: o.loses.joined(separator: "; "), recommended: i == 0 && o.safety == .safe)
        }
        noSafeOption = v.noSafeOption
        evidence = v.evidence
        editedFiles = v.editedFiles
    }

    enum CodingKeys: String, CodingKey {
        case state, recordedVersion, matchesVersion, partial, nearestVersion, nearestDifferences, versionProblems
        case message, wayOut, noSafeOption, evidence, editedFiles
    }

    /// Absent values are written as null, so scripts can test `matches_version == null`.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(state, forKey: .state)
        try c.encode(recordedVersion, forKey: .recordedVersion)
        try c.encode(matchesVersion, forKey: .matchesVersion)
        try c.encode(partial, forKey: .partial)
        try c.encode(nearestVersion, forKey: .nearestVersion)
        try c.encode(nearestDifferences, forKey: .nearestDifferences)
        try c.encode(versionProblems, forKey: .versionProblems)
        try c.encode(message, forKey: .message)
        try c.encode(wayOut, forKey: .wayOut)
        try c.encode(noSafeOption, forKey: .noSafeOption)
        try c.encode(evidence, forKey: .evidence)
        try c.encode(editedFiles, forKey: .editedFiles)
    }
}

enum VerdictText {
    static func render(_ v: Verdict, backupsFolder: String) -> String {
        var text = "verdict: \(v.message)\n"
        text += evidence(v.evidence)
        if v.wayOut.isEmpty && v.noSafeOption == nil { return text }
        if let reason = v.noSafeOption {
            text += "no way out assumes and loses nothing: \(reason)\n"
        }
        if v.wayOut.isEmpty { return text }
        text += "way out:\n"
        for (i, o) in v.wayOut.enumerated() {
            let tag = i == 0 && o.safety == .safe ? "   (recommended: assumes nothing, loses nothing)" : ""
            text += "  \(i + 1). \(o.action.commands(backupsFolder: backupsFolder).joined(separator: " ; "))\(tag)\n"
            text += "     \(o.effect)\n"
            if !o.assumes.isEmpty { text += "     assumes: \(o.assumes.joined(separator: "; "))\n" }
            if !o.loses.isEmpty { text += "     loses: \(o.loses.joined(separator: "; "))\n" }
        }
        return text
    }

    /// One line per statement that matters; runs of schema statements in the same state
    /// are one line.
    static func evidence(_ all: [MigrationEvidence]) -> String {
        var text = ""
        for e in all {
            text += "evidence for \(e.file):\n"
            var i = 0
            let s = e.statements
            while i < s.count {
                var j = i
                if s[i].kind == .schema {
                    while j + 1 < s.count && s[j + 1].kind == .schema && s[j + 1].state == s[i].state { j += 1 }
                }
                let numbers = i == j ? "statement \(s[i].statement)" : "statements \(s[i].statement)–\(s[j].statement)"
                let what = i == j ? "\(s[i].summary) (line \(s[i].line))" : "schema statements"
                text += "  \(numbers): \(what): \(s[i].state == .absent && s[i].overwrites ? "WOULD CHANGE ROWS" : label(s[i].state)) — \(s[i].reason)\n"
                i = j + 1
            }
        }
        return text
    }

    static func label(_ state: StatementEvidence.State) -> String {
        switch state {
        case .applied: return "applied"
        case .notApplied: return "not applied"
        case .present: return "effect present"
        case .absent: return "not run"
        case .stale: return "STALE"
        case .unknown: return "UNVERIFIABLE"
        }
    }
}
