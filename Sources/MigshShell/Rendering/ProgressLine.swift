import FoundationEssentials
import Dispatch
import MigshBase

/// One progress line on standard error, on a terminal only: the phase ("copying", "verifying",
/// "applying 004 (2 of 5)"), a percentage — or a spinner where no total is known — the elapsed
/// time, and the rate of a copy. It appears after 300 ms, so quick work shows nothing, keeps
/// moving while a phase reports nothing (a verification), and is cleared at the end and
/// before any other line is written, so it never mixes with output.
///
/// `@unchecked Sendable`: its state is touched by the command's thread and by the redraw
/// timer, always under `lock`.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let lock = Lock()
    private var phase: String?
    private var fraction: Double?
    private var bytesDone: Double?
    private var rows: Int?
    private var phaseStarted = DispatchTime.now()
    private var started = DispatchTime.now()
    private var visible = false
    private var spinner = 0
    private var timer: (any DispatchSourceTimer)?

    init(enabled: Bool) { self.enabled = enabled }

    /// Starts (or moves to) a phase. `fraction` and `bytes` come with `update`.
    func begin(_ phase: String) {
        guard enabled else { return }
        lock.lock()
        if self.phase == nil { started = .now() }
        self.phase = phase
        fraction = nil
        bytesDone = nil
        rows = nil
        phaseStarted = .now()
        lock.unlock()
        startTimer()
        redraw()
    }

    /// True while `phase` is the current one.
    func isIn(_ phase: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return self.phase == phase
    }

    func update(fraction: Double? = nil, bytes: Double? = nil) {
        guard enabled else { return }
        lock.lock()
        self.fraction = fraction.map { min(1, max(0, $0)) }
        if let bytes { bytesDone = bytes }
        lock.unlock()
        redraw()
    }

    /// A count of things done where no total is known (rows imported).
    func note(rows: Int) {
        guard enabled else { return }
        lock.lock()
        self.rows = rows
        lock.unlock()
        redraw()
    }

    /// Ends the work: the line is cleared.
    func end() {
        guard enabled else { return }
        timer?.cancel()
        timer = nil
        lock.lock()
        phase = nil
        lock.unlock()
        clear()
    }

    /// Takes the line off the screen (before another line is written); the next redraw puts it back.
    func clear() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if visible {
            writeToStandardError("\r\u{1b}[K")
            visible = false
        }
    }

    private func startTimer() {
        guard timer == nil else { return }
        let t = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
        t.schedule(deadline: .now() + .milliseconds(300), repeating: .milliseconds(150))
        t.setEventHandler { [weak self] in self?.redraw(tick: true) }
        timer = t
        t.resume()
    }

    private func redraw(tick: Bool = false) {
        lock.lock()
        defer { lock.unlock() }
        guard let phase else { return }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        guard elapsed >= 0.3 else { return }
        if tick { spinner += 1 }
        // The parts apart, so that numbers never run together ("statement 2 of 12 · 2%").
        var parts = [phase]
        if let fraction {
            parts.append("\(Int(fraction * 100))%")
        } else {
            parts.append(["|", "/", "-", "\\"][spinner % 4])
        }
        if let rows { parts.append("\(groupedDigits(rows)) rows") }
        if let bytesDone { parts.append(humanSize(Int(bytesDone))) }
        parts.append(cFormat("%.1f s", elapsed))
        if let bytesDone {
            let phaseSeconds = Double(DispatchTime.now().uptimeNanoseconds - phaseStarted.uptimeNanoseconds) / 1e9
            if phaseSeconds > 0.05 { parts.append(humanSize(Int(bytesDone / phaseSeconds)) + "/s") }
        }
        var text = parts.joined(separator: " · ")
        let width = Terminal.width(fd: 2, interactive: true) ?? 80
        if text.count > width - 1 { text = String(text.prefix(width - 2)) + "…" }
        writeToStandardError("\r\u{1b}[K" + text)
        visible = true
    }
}

/// `1234567` as `1,234,567`.
func groupedDigits(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}
