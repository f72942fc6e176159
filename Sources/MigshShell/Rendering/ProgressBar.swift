import Foundation

/// A progress bar on standard error for long operations: drawn only when standard error is
/// a terminal and the operation has run for more than half a second.
final class ProgressBar {
    private let label: String
    private let started = DispatchTime.now()
    private var drawn = false
    private let enabled: Bool

    init(label: String, enabled: Bool = isatty(2) != 0) {
        self.label = label
        self.enabled = enabled
    }

    func update(fraction: Double) {
        guard enabled, elapsedMS(since: started) > 500 else { return }
        let width = 30
        let filled = max(0, min(width, Int(fraction * Double(width))))
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(Int(fraction * 100))%".utf8))
        drawn = true
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1b}[K".utf8)) }
    }
}
