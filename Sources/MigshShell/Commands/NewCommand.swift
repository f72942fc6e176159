import ArgumentParser
import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// `.new DESCRIPTION [--from-session | --from-diff] [--app-version X.Y.Z]`: the next migration,
/// written from the spec's template into the migrations folder — its body the statements
/// `.record` collected, or the SQL that turns the latest version's schema into this database's
/// (the compiler of `.rebuild`), or a placeholder — then linted and rehearsed.
struct NewCommand: DotCommand {
    struct Output: CommandOutput {
        static let jsonDescription = "one JSON object: the file written, its version, the warnings, the rehearsal, the renames and drops"
        var file: String
        var version: Int
        var warnings: [String]
        var rehearsal: Rehearsal.Result?
        /// The renames written as renames, and the evidence for each (session or data).
        var renames: [DiffAuthoring.Rename]
        /// The drops written with `--allow-drop` (`Table.column` or `Table`).
        var drops: [String]
        /// The file replayed on a copy of the original against the scratch copy (scratch sessions).
        var replay: ReplayCheck.Outcome?
    }
    static let configuration = CommandConfiguration(commandName: ".new", abstract: "Write the next migration from the spec's template, then lint and rehearse it.",
        // The description's words and the options mix in any order: the usage is declared.
        usage: ".new <description> ... [--from-session|--from-diff] [--allow-drop] [--allow-pending] [--app-version <x.y.z>]",
        discussion: """
        --from-session: the statements .record collected; --from-diff: the SQL from the latest
        version's schema to this database's (run it in a scratch session; renames it ran, or that
        the data shows, are written as renames). A drop of data is refused unless --allow-drop,
        which marks it in the file. In a scratch session the file is replayed on a copy of the
        original and must give the scratch copy. The file is a draft until .seal records its checksum.
        Example: .new "Add review date to projects" --from-session --app-version 1.10.0
        """)

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The description (words), then options.", valueName: "description"), completion: .nothing) var words: [String] = []

    func run(in shell: Shell) throws {
        var descriptionWords: [String] = []
        var fromSession = false, fromDiff = false, allowPending = false, allowDrop = false
        var appVersion: String?
        var i = 0
        while i < words.count {
            switch words[i] {
            case "--from-session": fromSession = true
            case "--from-diff": fromDiff = true
            case "--allow-pending": allowPending = true
            case "--allow-drop": allowDrop = true
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
        let description = descriptionWords.joined(separator: " ").trimming(.whitespaces)
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
        var renames: [DiffAuthoring.Rename] = []
        var body: String
        let scratch = session.configuration.scratch
        let expected = try? ExpectedSchemas.build(folder)
        if fromSession {
            let statements = session.recorder.statements
            if !session.recorder.unrecorded.isEmpty {
                throw MigshError(.refused, "the recording holds changes that are not SQL statements, so a migration written from it would leave them out: "
                                 + session.recorder.unrecorded.joined(separator: ", "),
                                 details: ["Load the rows with INSERT statements while recording (or .record off, .record on to start again), then .new --from-session."])
            }
            guard !statements.isEmpty else { throw MigshError(.refused, "nothing recorded: .record on, then make the changes") }
            body = "-- Recorded in a migsh session\n" + statements.map { $0.hasSuffix(";") || $0.hasPrefix("--") ? $0 : $0 + ";" }.joined(separator: "\n")
        } else if fromDiff {
            let expected = try ExpectedSchemas.build(folder)
            guard latest < expected.versions.count else { throw MigshError(.validation, "the migrations cannot be replayed: \(expected.replayError ?? "")") }
            // Renames the session ran (its log) or the data shows are written as renames.
            let authored = try DiffAuthoring.migration(base: expected.versions[latest], target: try SchemaSnapshot.read(session.db),
                                                       sessionRenames: session.renameLog.renames,
                                                       original: scratch?.original, scratchPath: scratch?.path)
            let migration = authored.migration
            renames = authored.renames
            guard !migration.isEmpty else { throw MigshError(.refused, "no difference from version \(latest)'s schema: nothing to write") }
            warnings = migration.warnings
            body = (warnings.isEmpty ? "" : warnings.map { "-- WARNING: " + $0 }.joined(separator: "\n") + "\n\n") + migration.text
        } else {
            body = MigrationDraft.placeholder
        }
        let date: String = {
            localDateText(secondsSince1970: Date().timeIntervalSince1970, pattern: "yyyy-MM-dd")
        }()
        // Data it would drop: read from the statements as .lint reads them. Refused unless
        // --allow-drop, which writes the marked line .lint, .seal and .test look for.
        let before = expected.flatMap { latest < $0.versions.count ? $0.versions[latest] : nil }
        let allowance = DropAllowance.parse(body)
        let losses = DataDrops.losses(SQLScript.split(body).statements, before: before).filter { !allowance.allows(table: $0.table, column: $0.column) }
        if !losses.isEmpty && !allowDrop {
            let counted = try NewCommand.count(losses, in: scratch?.original, busyTimeoutMS: session.configuration.busyTimeoutMS)
            throw MigshError(.refused, "not written: the migration would drop data: " + counted.joined(separator: "; "),
                             details: ["Keep the values: a rename is ALTER TABLE … RENAME COLUMN (or RENAME TO) in the session, which .new writes as a rename.",
                                       "To drop them all the same, add --allow-drop: the file then says so with the line `\(DropAllowance.line(losses.map(\.name)))`."])
        }
        if !losses.isEmpty {
            body = "-- Dropped on purpose (.new --allow-drop): these values are deleted\n" + DropAllowance.line(losses.map(\.name)) + "\n\n" + body
        }
        let draft = MigrationDraft(version: latest + 1, description: description, author: MigrationDraft.defaultAuthor(), date: date, body: body)
        let path = try draft.write(into: folderPath)
        for w in warnings { shell.note("warning: " + w) }
        shell.note("wrote \(path) (version \(draft.version), a draft until .seal)")

        // Lint it, and rehearse it on the original (a scratch session) or on the migrations
        // replayed into an empty database.
        // Ctrl-C before the file is checked: it is removed, as it was never written.
        func interrupted() -> MigshError {
            _ = FileSystem.unlink(path)
            return MigshError(.interrupted, "interrupted: nothing was changed; \(draft.fileName) was removed before it was checked")
        }
        let findings: [MigrationLinter.Finding]
        do {
            findings = try MigrationLinter.lint(path: path, expected: try? ExpectedSchemas.build(try MigrationFolder.load(folderPath)))
        } catch let error as MigshError where error.code == .interrupted { throw interrupted() }
        let reloaded = try MigrationFolder.load(folderPath)
        var rehearsal: Rehearsal.Result?
        var rehearsalError: String?
        var replay: ReplayCheck.Outcome?
        if !fromSession && !fromDiff {
            rehearsalError = "not rehearsed: the body is a placeholder"
        } else {
            do {
                let checked = try NewCommand.rehearse(draft.version, folder: reloaded, session: session)
                rehearsal = checked.0
                replay = checked.1
            } catch let error as MigshError where error.code == .interrupted {
                throw interrupted()
            } catch {
                rehearsalError = (error as? MigshError)?.message ?? "\(error)"
            }
        }
        // The file must give what the scratch copy holds: otherwise it is removed.
        if let replay, !replay.agrees {
            FileSystem.unlink(path)
            throw MigshError(.checkFailed, "not written: \(draft.fileName), replayed on a copy of the original, does not give this scratch copy (the file is removed)",
                             details: NewCommand.render(replay) + [fromDiff ? "A diff carries the schema and renames, not changes to rows: record the session (.record on) and use --from-session."
                                                                   : "Record every change (.record on before making them), or start again with .scratch reset."])
        }
        if let appVersion { try MigrationDraft.addAppVersion(appVersion, version: draft.version, folder: folderPath) }
        let drops = losses.map(\.name)
        try Self.emit(Output(file: path, version: draft.version, warnings: warnings, rehearsal: rehearsal, renames: renames, drops: drops, replay: replay), in: shell) {
            var text = renames.map { "rename (\($0.evidence == "session" ? "seen in this session" : "inferred from the data")): \($0.rename.sql)\n" }.joined()
            text += drops.isEmpty ? "" : "drops, as --allow-drop says: \(drops.joined(separator: ", "))\n"
            if let replay {
                text += "replay on a copy of the original: gives this scratch copy (schema and every column's values)\n"
                for d in replay.runTime { text += "  \(d.what): \(d.detail) (written with run-time values: information)\n" }
            }
            text += "lint: " + (findings.isEmpty ? "ok\n" : "\n" + findings.map { "  \(draft.fileName):\($0.line.map { "\($0):" } ?? "") \($0.severity.rawValue): \($0.message) [\($0.rule)]" }.joined(separator: "\n") + "\n")
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
    static func rehearse(_ version: Int, folder: MigrationFolder, session: Session) throws -> (Rehearsal.Result, ReplayCheck.Outcome?) {
        var source = session.configuration.scratch?.original
        var temporary: String?
        if source == nil {
            guard let dir = FileSystem.makeTemporaryDirectory(temporaryDirectoryPath() + "migsh-new-XXXXXX") else {
                throw MigshError(.io, "cannot create a temporary folder")
            }
            temporary = dir
            source = dir + "/empty.sqlite"
            try? FileSystem.replaceContents(source!, with: [], mode: 0o600)
        }
        defer { if let temporary { try? FileSystem.removeTree(temporary) } }
        let db = try Connection(path: source!, mode: .readOnly)
        let current = try SchemaVersionTable.currentVersion(db)
        let plan = try MigrationPlan(folder: folder, currentVersion: current, requiredVersion: version)
        var rehearsal = Rehearsal(databasePath: source!, folder: folder, user: session.user)
        rehearsal.busyTimeoutMS = Int(session.configuration.busyTimeoutMS)
        // A scratch session: the copy of the original, once the file has run, against the
        // scratch copy — schema and every column's values.
        guard session.configuration.scratch != nil, let written = folder.sorted.first(where: { $0.version == version }) else {
            return (try rehearsal.run(plan), nil)
        }
        var replayed: (SchemaSnapshot, [String: ColumnFingerprint])?
        let result = try rehearsal.run(plan, inspect: { copy in replayed = (try SchemaSnapshot.read(copy), try ColumnFingerprint.read(copy)) })
        guard let replayed, result.toVersion == version else { return (result, nil) }
        let scratchSchema = try SchemaSnapshot.read(session.db)
        let runTime = ReplayCheck.runTimeColumns(body: MigrationScript(written).body, schema: scratchSchema)
        let outcome = ReplayCheck.compare(scratchSchema: scratchSchema, replaySchema: replayed.0,
                                          scratch: try ColumnFingerprint.read(session.db), replay: replayed.1, runTime: runTime)
        return (result, outcome)
    }

    /// Each loss with its non-NULL values in the original (a scratch session's), as words.
    static func count(_ losses: [DataDrops.Loss], in original: String?, busyTimeoutMS: Int32) throws -> [String] {
        guard let original else { return losses.map { "\($0.column == nil ? "table" : "column") \($0.name) (not counted: not a scratch session)" } }
        let db = try Connection(path: original, mode: .readOnly, busyTimeoutMS: busyTimeoutMS)
        return losses.map { loss in
            let sql = loss.column.map { "SELECT count(\(quoteIdentifier($0))) FROM main.\(quoteIdentifier(loss.table))" }
                ?? "SELECT count(*) FROM main.\(quoteIdentifier(loss.table))"
            let n = (try? db.scalarInt(sql)) ?? nil
            let what = loss.column == nil ? "table \(loss.name)" : "column \(loss.name)"
            return n.map { "\(what) (\($0) \(loss.column == nil ? "rows" : "non-NULL values") in the original)" } ?? what
        }
    }

    static func render(_ replay: ReplayCheck.Outcome) -> [String] {
        replay.schema.map { "schema: \($0.sign.rawValue) \($0.kind) \($0.name)\($0.details.isEmpty ? "" : ": " + $0.details.joined(separator: "; ")) (replay → scratch copy)" }
            + replay.columns.map { "\($0.what): \($0.detail)" }
    }

    static let usage = "Usage: .new DESCRIPTION [--from-session|--from-diff] [--app-version X.Y.Z] [--allow-pending] [--allow-drop]"
}
