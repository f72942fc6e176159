import ArgumentParser
import Foundation
import MigshCore

/// `.new DESCRIPTION [--from-session | --from-diff] [--app-version X.Y.Z]`: the next migration,
/// written from the spec's template into the migrations folder — its body the statements
/// `.record` collected, or the SQL that turns the latest version's schema into this database's
/// (the compiler of `.rebuild`), or a placeholder — then linted and rehearsed.
struct NewCommand: DotCommand {
    struct Output: Encodable {
        var file: String
        var version: Int
        var warnings: [String]
        var rehearsal: Rehearsal.Result?
    }
    static let configuration = CommandConfiguration(commandName: ".new", abstract: "Write the next migration from the spec's template, then lint and rehearse it.",
        discussion: """
        --from-session: the statements .record collected; --from-diff: the SQL from the latest
        version's schema to this database's (run it in a scratch session). The file is a draft
        until .seal records its checksum.
        Example: .new "Add review date to projects" --from-session --app-version 1.10.0
        """)

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The description (words), then options.", valueName: "description")) var words: [String] = []

    func run(in shell: Shell) throws {
        var descriptionWords: [String] = []
        var fromSession = false, fromDiff = false, allowPending = false
        var appVersion: String?
        var i = 0
        while i < words.count {
            switch words[i] {
            case "--from-session": fromSession = true
            case "--from-diff": fromDiff = true
            case "--allow-pending": allowPending = true
            case "--app-version":
                guard i + 1 < words.count else { throw MigshError(.usage, "--app-version takes X.Y.Z") }
                i += 1
                appVersion = words[i]
            default:
                if words[i].hasPrefix("--") { throw MigshError(.usage, "unknown option \(words[i])", details: [Self.usage]) }
                descriptionWords.append(words[i])
            }
            i += 1
        }
        let description = descriptionWords.joined(separator: " ").trimmingCharacters(in: .whitespaces)
        guard !description.isEmpty else { throw MigshError(.usage, "a migration needs a description", details: [Self.usage]) }
        if fromSession && fromDiff { throw MigshError(.usage, "give --from-session or --from-diff, not both") }

        let session = shell.session
        let folderPath = session.configuration.migrationsPath
        let folder = try MigrationFolder.load(folderPath)
        let latest = folder.sorted.last?.version ?? 0
        let current = session.currentVersion ?? 0
        if current != latest && (fromDiff || !allowPending) {
            throw MigshError(.refused, "this database is at version \(current) and the folder's latest migration is \(latest): the next migration starts from \(latest)"
                             + (fromDiff ? "" : " (add --allow-pending to write it anyway)"),
                             details: [current < latest ? "Apply the pending migrations to this copy first (.apply)." : "The database is newer than the folder: use the folder it was built with."])
        }
        var warnings: [String] = []
        let body: String
        if fromSession {
            let statements = session.recorder.statements
            if !session.recorder.unrecorded.isEmpty {
                throw MigshError(.refused, "the recording holds changes that are not SQL statements, so a migration written from it would leave them out: "
                                 + session.recorder.unrecorded.joined(separator: ", "),
                                 details: ["Load the rows with INSERT statements while recording (or .record off, .record on to start again), then .new --from-session."])
            }
            guard !statements.isEmpty else { throw MigshError(.refused, "nothing recorded: .record on, then make the changes") }
            body = "-- Recorded in a migsh session\n" + statements.map { $0.hasSuffix(";") ? $0 : $0 + ";" }.joined(separator: "\n")
        } else if fromDiff {
            let expected = try ExpectedSchemas.build(folder)
            guard latest < expected.versions.count else { throw MigshError(.validation, "the migrations cannot be replayed: \(expected.replayError ?? "")") }
            let migration = try SchemaMigration(from: expected.versions[latest], to: try SchemaSnapshot.read(session.db))
            guard !migration.isEmpty else { throw MigshError(.refused, "no difference from version \(latest)'s schema: nothing to write") }
            warnings = migration.warnings
            body = (warnings.isEmpty ? "" : warnings.map { "-- WARNING: " + $0 }.joined(separator: "\n") + "\n\n") + migration.text
        } else {
            body = MigrationDraft.placeholder
        }
        let date: String = {
            let f = DateFormatter()
            f.dateFormat = "yyyy-MM-dd"
            return f.string(from: Date())
        }()
        let draft = MigrationDraft(version: latest + 1, description: description, author: MigrationDraft.defaultAuthor(), date: date, body: body)
        let path = try draft.write(into: folderPath)
        if let appVersion { try MigrationDraft.addAppVersion(appVersion, version: draft.version, folder: folderPath) }
        for w in warnings { shell.note("warning: " + w) }
        shell.note("wrote \(path) (version \(draft.version), a draft until .seal)")

        // Lint it, and rehearse it on the original (a scratch session) or on the migrations
        // replayed into an empty database.
        let findings = try MigrationLinter.lint(path: path, expected: try? ExpectedSchemas.build(try MigrationFolder.load(folderPath)))
        let reloaded = try MigrationFolder.load(folderPath)
        var rehearsal: Rehearsal.Result?
        var rehearsalError: String?
        if !fromSession && !fromDiff {
            rehearsalError = "not rehearsed: the body is a placeholder"
        } else {
            do {
                rehearsal = try NewCommand.rehearse(draft.version, folder: reloaded, session: session)
            } catch {
                rehearsalError = (error as? MigshError)?.message ?? "\(error)"
            }
        }
        try shell.emit(Output(file: path, version: draft.version, warnings: warnings, rehearsal: rehearsal)) {
            var text = "lint: " + (findings.isEmpty ? "ok\n" : "\n" + findings.map { "  \(draft.fileName):\($0.line.map { "\($0):" } ?? "") \($0.severity.rawValue): \($0.message) [\($0.rule)]" }.joined(separator: "\n") + "\n")
            if let rehearsal {
                text += TestCommand.render(rehearsal, target: draft.version, width: shell.outputWidth)
            } else if let rehearsalError {
                text += rehearsalError + "\n"
            }
            return text
        }
        if findings.contains(where: { $0.severity == .error }) || rehearsal?.ok == false {
            throw MigshError(.checkFailed, "\(draft.fileName) is written but does not pass: edit it, then .lint and .test")
        }
    }

    /// The new migration on a copy of what it will meet: a scratch session's original (at the
    /// latest version, untouched by the session), else every migration replayed into an empty
    /// database.
    static func rehearse(_ version: Int, folder: MigrationFolder, session: Session) throws -> Rehearsal.Result {
        var source = session.configuration.scratch?.original
        var temporary: String?
        if source == nil {
            var template = Array((NSTemporaryDirectory() + "migsh-new-XXXXXX").utf8CString)
            guard let dir = mkdtemp(&template) else { throw MigshError(.io, "cannot create a temporary folder") }
            temporary = String(cString: dir)
            source = temporary! + "/empty.sqlite"
            _ = FileManager.default.createFile(atPath: source!, contents: Data(), attributes: [.posixPermissions: 0o600])
        }
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
        let db = try Connection(path: source!, mode: .readOnly)
        let current = try SchemaVersionTable.currentVersion(db)
        let plan = try MigrationPlan(folder: folder, currentVersion: current, requiredVersion: version)
        var rehearsal = Rehearsal(databasePath: source!, folder: folder, user: session.user)
        rehearsal.busyTimeoutMS = Int(session.configuration.busyTimeoutMS)
        return try rehearsal.run(plan)
    }

    static let usage = "Usage: .new DESCRIPTION [--from-session|--from-diff] [--app-version X.Y.Z] [--allow-pending]"
}
