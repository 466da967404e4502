import Foundation
import JanusStore

/// Shows a run's progress on stderr: on a terminal, a line per stage redrawn in place; in a
/// log (CI, a pipe, a file), one plain line every few seconds with no cursor movement. No
/// colour is used, so NO_COLOR needs nothing. Stopping draws the final state once (on a
/// terminal); stopping again, or a tick that was under way, draws nothing more.
public final class ProgressReporter: @unchecked Sendable {
    private let stats: RunStats
    private let stages: [Stage]
    private let interactive: Bool
    private let interval: Double
    private let write: @Sendable (String) -> Void
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    private var linesDrawn = 0
    private var stopped = false

    /// `write` receives each drawing (stderr by default); `interval` is the seconds between
    /// them (half a second on a terminal, five in a log).
    public init(
        stats: RunStats, stages: [Stage] = Stage.allCases, interactive: Bool = isatty(STDERR_FILENO) == 1, interval: Double? = nil,
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.stats = stats
        self.stages = stages
        self.interactive = interactive
        self.interval = interval ?? (interactive ? 0.5 : 5)
        self.write = write
    }

    public func start() {
        let interval = interval
        let ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
                if Task.isCancelled { break }
                self?.draw(final: false)
            }
        }
        lock.withLock { task = ticker }
    }

    /// Ends the display; only the first call draws. Safe from any thread (a signal handler's
    /// queue stops the display of a run started on another).
    public func stop() {
        let ticker = lock.withLock { () -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        ticker?.cancel()
        draw(final: true)
    }

    /// Prints `text` as a line of its own, below the display; the next drawing starts after it.
    public func say(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        write(text + "\n")
        linesDrawn = 0
    }

    /// One line per stage: done/total, rate, ETA, tokens, cost; then, for a client that reports
    /// it, requests in flight against the limit in force, retries and 429s (and a line per
    /// endpoint when there are several).
    public func lines() -> [String] {
        let snap = stats.snapshot()
        let priced = stats.unpriced == nil
        let elapsed = max(0.001, Date().timeIntervalSince(stats.startedAt))
        let load = stats.clientLoad.map { [$0.line] + $0.endpointLines } ?? []
        return stages.map { stage in
            let c = snap.stages[stage] ?? RunStats.StageCounts()
            let rate = Double(c.accepted) / elapsed
            let left = max(0, c.total - c.done - c.failed - c.quarantined)
            let eta = rate > 0 ? Self.duration(Double(left) / rate) : "--"
            let cost = priced ? String(format: " $%.4f", c.cost) : ""
            return String(
                format: "%-8@ %7d/%-7d %7.1f/s  eta %-8@ tokens %-10d%@%@", stage.rawValue as NSString, c.done, c.total, rate,
                eta as NSString, c.promptTokens + c.completionTokens, cost as NSString,
                (c.failed + c.quarantined > 0 ? "  failed \(c.failed) quarantined \(c.quarantined)" : "") as NSString)
        } + load
    }

    /// One plain line for a log: elapsed time, then done/total per stage, then tokens and cost.
    public func logLine() -> String {
        let snap = stats.snapshot()
        let elapsed = Self.duration(Date().timeIntervalSince(stats.startedAt))
        var parts: [String] = []
        var tokens = 0
        var cost = 0.0
        var problems = 0
        for stage in stages {
            let c = snap.stages[stage] ?? RunStats.StageCounts()
            parts.append("\(stage.rawValue) \(c.done)/\(c.total)")
            tokens += c.promptTokens + c.completionTokens
            cost += c.cost
            problems += c.failed + c.quarantined
        }
        var line = "progress \(elapsed): " + parts.joined(separator: ", ") + "; \(snap.requestsSent) requests sent, \(tokens) tokens"
        if stats.unpriced == nil { line += String(format: ", $%.4f", cost) }
        if problems > 0 { line += ", \(problems) failed or quarantined" }
        if let load = stats.clientLoad {
            line += "; " + load.line
            for endpoint in load.endpointLines { line += "; " + endpoint.trimmedWhitespace() }
        }
        return line
    }

    private func draw(final: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if stopped { return }
        if final {
            stopped = true
            // A log already has its lines; a terminal gets the final state over the last drawing.
            guard interactive, linesDrawn > 0 else { return }
        }
        guard interactive else {
            write(logLine() + "\n")
            return
        }
        var text = linesDrawn > 0 ? "\u{1B}[\(linesDrawn)A" : ""
        let drawn = lines()
        for line in drawn { text += "\u{1B}[2K" + line + "\n" }
        linesDrawn = drawn.count
        write(text)
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds)
        return s >= 3600 ? "\(s / 3600)h\((s % 3600) / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
