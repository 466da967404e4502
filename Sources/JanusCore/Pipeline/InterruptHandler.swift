import Foundation

/// Turns SIGINT and SIGTERM into an orderly stop of a generation run. The first signal stops
/// sending (no new request goes out) and gives the requests in flight `grace` seconds to land
/// and be stored; a second signal, or the grace running out, calls `force` at once. Every
/// answer is committed within milliseconds of arriving (`force` commits those still waiting
/// before it ends the process), so stopping at any point loses only what was in flight.
public final class InterruptHandler: @unchecked Sendable {
    private let stats: RunStats
    private let grace: Double
    private let stopping: @Sendable () -> Void
    private let force: @Sendable () -> Void
    private let queue = DispatchQueue(label: "janus-data.interrupt")
    private var sources: [any DispatchSourceSignal] = []
    private var received = 0
    private var finished = false

    /// `stopping` is called on the first signal, `force` on the second or when `grace` seconds
    /// have passed without the run ending (it is expected to end the process).
    public init(stats: RunStats, grace: Double, stopping: @escaping @Sendable () -> Void, force: @escaping @Sendable () -> Void) {
        self.stats = stats
        self.grace = grace
        self.stopping = stopping
        self.force = force
    }

    /// Takes over SIGINT and SIGTERM until `remove()`.
    public func install() {
        queue.sync {
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { [weak self] in self?.handleSignal() }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// Gives SIGINT and SIGTERM back their default meaning; after it returns `force` is not called.
    public func remove() {
        queue.sync {
            finished = true
            for source in sources { source.cancel() }
            sources = []
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
    }

    /// Runs on `queue`.
    private func handleSignal() {
        guard !finished else { return }
        received += 1
        if received > 1 {
            force()
            return
        }
        stats.interrupt()
        stopping()
        queue.asyncAfter(deadline: .now() + grace) { [weak self] in
            guard let self, !self.finished else { return }
            self.force()
        }
    }
}
