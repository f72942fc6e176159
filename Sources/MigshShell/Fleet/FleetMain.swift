import FoundationEssentials
import Glibc
import Dispatch
import MigshCore
import MigshBase

/// `migsh --each GLOB …` / `migsh --fleet FILE …`: the same commands on every database, each
/// run exactly as `migsh DB …` would run it (its own session, lock, backups folder, audit
/// log and restore on failure), up to `--jobs` at once in this process; then a summary, and
/// `--json` / `--report FILE.html`.
enum FleetMain {
    static func run(_ o: MigshOptions) -> ExitStatus {
        let out = OutputBuffer(fd: 1)
        let err = OutputBuffer(fd: 2)
        defer { out.flush(); err.flush() }
        let paths: [String]
        do {
            if let each = o.each {
                paths = try FleetTargets.matching(each)
                if paths.isEmpty { throw MigshError(.notFound, "no database matches \(each)") }
            } else {
                paths = try FleetTargets.listed(in: o.fleet!)
                if paths.isEmpty { throw MigshError(.notFound, "the fleet file \(o.fleet!) lists no database") }
            }
        } catch {
            Shell.writeError(error, to: err)
            return .failure
        }
        // The folder is read (and checked) once: every database is judged by the same files.
        let migrationsPath = Session.Configuration(o, databasePath: paths[0], interactive: false).migrationsPath
        if let message = Session.Configuration.badTarget(o, migrationsPath: migrationsPath) {
            err.write("migsh: \(message)\n")
            return .usage
        }
        let folder: MigrationFolder
        do {
            folder = try MigrationFolder.load(migrationsPath)
        } catch {
            Shell.writeError(error, to: err)
            return .failure
        }

        FleetInterrupt.install()
        let jobs = o.jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let display = FleetDisplay(paths: paths, json: o.json, out: out, err: err)
        let runner = FleetRunner<FleetDatabaseRun.Result>(
            count: paths.count, policy: .init(jobs: jobs, canary: o.canary, maxFailures: o.maxFailures),
            isFailure: { [.failed, .restored, .tooNew].contains($0.entry.outcome) },
            interrupted: { FleetInterrupt.requested != 0 })
        let started = Date()
        let clock = DispatchTime.now()
        let commands = o.fleetCommands
        // The runner on its own thread; this one notices Ctrl-C and says what happens next.
        let finished = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: FleetRunner<FleetDatabaseRun.Result>.Outcome?
        startThread {
            outcome = runner.run({ i in FleetDatabaseRun.run(path: paths[i], options: o, commands: commands, folder: folder) { display.doing(i, $0) } },
                                 started: { display.started($0) },
                                 finished: { display.finished($0, $1) })
            finished.signal()
        }
        var announced = false
        while finished.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            if FleetInterrupt.requested != 0 && !announced {
                announced = true
                display.note("interrupted: finishing the runs in progress, starting no new ones (Ctrl-C again stops them: each is rolled back and left as it was)")
            }

        }
        display.end()
        let result = outcome!
        let entries = result.results.enumerated().map { i, r in
            r?.entry ?? FleetEntry(host: FleetDatabaseRun.host, path: paths[i], outcome: .notStarted, state: notStartedState(result.stop))
        }
        let report = FleetReport(migshVersion: MigshVersion.current, commands: o.check ? ["--check"] : (o.file.map { ["-f", $0] } ?? commands),
                                 started: iso8601(started), durationMS: elapsedMS(since: clock), jobs: jobs,
                                 stopped: result.stop?.rawValue, databases: entries)
        return finish(report, o, out: out, err: err)
    }

    /// `--merge-reports A.json B.json …`: one summary (and `--report`, `--json`) of several hosts' runs.
    static func merge(_ o: MigshOptions) -> ExitStatus {
        let out = OutputBuffer(fd: 1)
        let err = OutputBuffer(fd: 2)
        defer { out.flush(); err.flush() }
        var reports: [FleetReport] = []
        let decoder = JSONDecoder()
        for path in o.mergeReports {
            guard let bytes = FileSystem.contents(path) else {
                Shell.writeError(MigshError(.notFound, "cannot read the report \(path)"), to: err)
                return .failure
            }
            do {
                reports.append(try decoder.decode(FleetReport.self, from: Data(bytes)))
            } catch {
                Shell.writeError(MigshError(.usage, "\(path) is not a migsh fleet report (migsh --each … --json): \(error)"), to: err)
                return .failure
            }
        }
        return finish(FleetReport.merged(reports), o, out: out, err: err)
    }

    /// The summary (or the JSON document), the HTML report; the exit status.
    static func finish(_ report: FleetReport, _ o: MigshOptions, out: OutputBuffer, err: OutputBuffer) -> ExitStatus {
        if o.json {
            // As encoded, not restored: a database named with bytes that are not UTF-8 stays
            // its carrying scalars (U+10FD80…U+10FDFF), so the document stays valid UTF-8 JSON.
            out.write(Array((try? FleetReport.encoder.encode(report)) ?? Data()) + [UInt8(ascii: "\n")])
        } else {
            let width = Terminal.width(fd: 1, interactive: true)
            out.write(FleetSummaryText.render(report, width: width))
        }
        out.flush()
        if let path = o.report {
            do {
                try writePrivateFile(path, contents: Data(FleetHTML.render(report).utf8))
                if !o.json { err.write("report: \(path)\n") }
            } catch {
                Shell.writeError(MigshError(.io, "cannot write the report \(path): \(error)"), to: err)
                return report.exitCode.keepingFirstFailure(.failure)
            }
        }
        return report.exitCode
    }

    static func notStartedState(_ stop: FleetRunner<FleetDatabaseRun.Result>.Stop?) -> String {
        switch stop {
        case .canaryFailed?: return "not started: the canary failed"
        case .maxFailures?: return "not started: --max-failures reached"
        case .interrupted?: return "not started: interrupted"
        case nil: return "not started"
        }
    }
}

extension FleetReport {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// Ctrl-C in a fleet run: no new database starts; the runs in progress finish. A second
/// Ctrl-C stops the runs in progress the way Ctrl-C stops one session (the process-wide
/// `CancellationToken.interrupt`): each rolls back, removes its partial backup, audits
/// "interrupted" and is left as it was (its outcome `interrupted`); cleanup that must complete
/// still completes, and a further Ctrl-C says what it is finishing.
enum FleetInterrupt {
    nonisolated(unsafe) static var requested: sig_atomic_t = 0
    /// Said by the handler itself (write(2) is async-signal-safe): the runs may end at once.
    nonisolated(unsafe) static var stopping: UnsafeMutablePointer<CChar>?

    static func install() {
        _ = CancellationToken.interrupt  // its storage exists before the handler can run
        stopping = strdup("\ninterrupted again: stopping the runs in progress; each rolls back and is left as it was\n")
        signal(SIGINT) { _ in
            FleetInterrupt.requested &+= 1
            guard FleetInterrupt.requested == 2 else {
                if FleetInterrupt.requested > 2 { CancellationToken.interrupt.raise() }
                return
            }
            if let line = FleetInterrupt.stopping { _ = write(2, line, strlen(line)) }
            CancellationToken.interrupt.raise()
        }
    }
}
