import Foundation

/// A progress line on a terminal — how many done (of how many), the rate and, with a total, the
/// time left — redrawn in place at most ten times a second. When the stream is not a terminal it
/// writes nothing, so logs and pipes stay clean.
package final class TerminalProgress: @unchecked Sendable {
    private let label: String
    private let unit: String
    private let stream: FileHandle
    private let started = Date()
    private let lock = NSLock()
    private var lastDrawn = Date.distantPast
    private var shown = false
    /// Whether the line is drawn at all (the stream is a terminal).
    package let isActive: Bool

    /// A line `label: done of total unit`, on standard error unless told otherwise.
    package init(_ label: String, unit: String, stream: FileHandle = .standardError) {
        self.label = label
        self.unit = unit
        self.stream = stream
        isActive = isatty(stream.fileDescriptor) == 1
    }

    /// Shows `done` (of `total`, when known).
    package func update(_ done: Int, of total: Int? = nil) {
        guard isActive else { return }
        lock.withLock {
            let now = Date()
            guard now.timeIntervalSince(lastDrawn) >= 0.1 || total.map({ done >= $0 }) == true else { return }
            lastDrawn = now
            shown = true
            stream.write(Data(("\r\u{1B}[2K" + Self.line(label: label, unit: unit, done: done, total: total, elapsed: now.timeIntervalSince(started))).utf8))
        }
    }

    /// Prints a whole line to standard output above the progress line.
    package func note(_ text: String) {
        lock.withLock {
            if shown { stream.write(Data("\r\u{1B}[2K".utf8)) }
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
            lastDrawn = .distantPast
        }
    }

    /// Takes the line away (what it counted is for the caller to print).
    package func finish() {
        guard isActive else { return }
        lock.withLock {
            if shown { stream.write(Data("\r\u{1B}[2K".utf8)) }
            shown = false
        }
    }

    /// The line's text: `label: 1,200 of 5,000 unit (24%) · 850/s · 4 s left`.
    package static func line(label: String, unit: String, done: Int, total: Int?, elapsed: TimeInterval) -> String {
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var text = "\(label): \(done)"
        if let total, total > 0 {
            text += " of \(total) \(unit) (\(min(100, 100 * done / total))%)"
        } else {
            text += " \(unit)"
        }
        text += String(format: " · %.0f/s", rate)
        if let total, total > done, rate > 0 {
            text += " · \(Int((Double(total - done) / rate).rounded(.up))) s left"
        }
        return text
    }
}
