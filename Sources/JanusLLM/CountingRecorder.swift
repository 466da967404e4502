import Foundation
import JanusSupport

/// An `AttemptRecorder` that keeps only counts: attempts by outcome (`ok`, `rate_limited`,
/// `server_error`, ...). Constant memory however long the run; for benchmarks and progress.
public final class CountingRecorder: AttemptRecorder {
    private let counts = Locked<[String: Int]>([:])

    public init() {}

    public func record(_ attempt: AttemptRecord) {
        counts.withLock { $0[attempt.outcome, default: 0] += 1 }
    }

    /// Attempts so far, by outcome.
    public var byOutcome: [String: Int] { counts.withLock { $0 } }

    /// All attempts so far.
    public var total: Int { counts.withLock { $0.values.reduce(0, +) } }
}
