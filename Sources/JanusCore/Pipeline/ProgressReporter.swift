import Foundation

/// Shows a run's progress on stderr: on a terminal, a line per stage redrawn in place; in a
/// log (CI), a plain line every few seconds. No colour is used, so NO_COLOR needs nothing.
public final class ProgressReporter: @unchecked Sendable {
    private let stats: RunStats
    private let interactive: Bool
    private let interval: Double
    private var task: Task<Void, Never>?
    private var linesDrawn = 0

    public init(stats: RunStats, interactive: Bool = isatty(STDERR_FILENO) == 1) {
        self.stats = stats
        self.interactive = interactive
        interval = interactive ? 0.5 : 5
    }

    public func start() {
        task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64((self?.interval ?? 1) * 1e9))
                if Task.isCancelled { break }
                self?.draw()
            }
        }
    }

    public func stop() {
        task?.cancel()
        task = nil
        if interactive, linesDrawn > 0 { draw() }
    }

    /// One line per stage: done/total, rate, ETA, tokens, cost; then, for a client that reports
    /// it, requests in flight against the limit in force, retries and 429s.
    public func lines() -> [String] {
        let snap = stats.snapshot()
        let elapsed = max(0.001, Date().timeIntervalSince(stats.startedAt))
        let load = stats.clientLoad.map { [$0.line] } ?? []
        return Stage.allCases.map { stage in
            let c = snap.stages[stage] ?? RunStats.StageCounts()
            let rate = Double(c.accepted) / elapsed
            let left = max(0, c.total - c.done - c.failed - c.quarantined)
            let eta = rate > 0 ? Self.duration(Double(left) / rate) : "--"
            return String(
                format: "%-8@ %7d/%-7d %7.1f/s  eta %-8@ tokens %-10d $%.4f%@", stage.rawValue as NSString, c.done, c.total, rate,
                eta as NSString, c.promptTokens + c.completionTokens, c.cost,
                (c.failed + c.quarantined > 0 ? "  failed \(c.failed) quarantined \(c.quarantined)" : "") as NSString)
        } + load
    }

    private func draw() {
        var text = ""
        if interactive, linesDrawn > 0 { text += "\u{1B}[\(linesDrawn)A" }
        let drawn = lines()
        for line in drawn { text += (interactive ? "\u{1B}[2K" : "") + line + "\n" }
        linesDrawn = drawn.count
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds)
        return s >= 3600 ? "\(s / 3600)h\((s % 3600) / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
