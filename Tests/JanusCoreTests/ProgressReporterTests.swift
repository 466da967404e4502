import Foundation
@testable import JanusCore
@testable import JanusSupport
import Testing

/// The progress display: plain periodic lines in a log, one final drawing on a terminal.
@Suite struct ProgressReporterTests {
    final class Sink: Sendable {
        let writes = Locked<[String]>([])
        func write(_ text: String) { writes.withLock { $0.append(text) } }
        var count: Int { writes.withLock { $0.count } }
    }

    func stats() -> RunStats {
        let stats = RunStats()
        stats.update(.expand) {
            $0.total = 30
            $0.accepted = 12
        }
        stats.update(.systems) { $0.total = 30 }
        stats.update(.respond) { $0.total = 30 }
        return stats
    }

    /// Waits (bounded) until `sink` holds `n` writes.
    func waitFor(_ n: Int, in sink: Sink) async throws {
        var polls = 0
        while sink.count < n, polls < 2000 {
            try await Task.sleep(nanoseconds: 5_000_000)
            polls += 1
        }
        #expect(sink.count >= n)
    }

    @Test func aLogGetsPlainLinesAndNothingAfterTheStop() async throws {
        let sink = Sink()
        let progress = ProgressReporter(stats: stats(), interactive: false, interval: 0.01) { sink.write($0) }
        progress.start()
        try await waitFor(3, in: sink)
        progress.stop()
        let atStop = sink.count
        progress.stop()
        try await Task.sleep(nanoseconds: 50_000_000)
        #expect(sink.count == atStop)
        for text in sink.writes.withLock({ $0 }) {
            #expect(!text.contains("\u{1B}"))
            #expect(text.hasPrefix("progress ") && text.hasSuffix("\n") && text.filter { $0 == "\n" }.count == 1, "\(text)")
            #expect(text.contains("expand 12/30, systems 0/30, respond 0/30; 0 requests sent, 0 tokens, $0.0000"), "\(text)")
        }
    }

    @Test func aTerminalIsRedrawnOnceAtTheStop() async throws {
        let sink = Sink()
        let progress = ProgressReporter(stats: stats(), interactive: true, interval: 0.01) { sink.write($0) }
        progress.start()
        try await waitFor(2, in: sink)
        progress.stop()
        let atStop = sink.count
        // What the run prints next (its summary) is never drawn over.
        progress.stop()
        try await Task.sleep(nanoseconds: 50_000_000)
        #expect(sink.count == atStop)
        let writes = sink.writes.withLock { $0 }
        #expect(!writes[0].contains("\u{1B}[3A"))
        #expect(writes.dropFirst().allSatisfy { $0.hasPrefix("\u{1B}[3A") })
    }

    @Test func aRunThatDrewNothingDrawsNothingAtTheStop() {
        let sink = Sink()
        let progress = ProgressReporter(stats: stats(), interactive: true, interval: 3600) { sink.write($0) }
        progress.start()
        progress.stop()
        #expect(sink.count == 0)
    }

    @Test func unknownPriceShowsNoDollars() {
        let s = stats()
        s.setUnpriced(model: "llama")
        let progress = ProgressReporter(stats: s, interactive: false, interval: 3600) { _ in }
        #expect(!progress.logLine().contains("$"))
        #expect(progress.lines().allSatisfy { !$0.contains("$") })
    }
}
