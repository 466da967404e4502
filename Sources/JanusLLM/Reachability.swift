import Foundation
import JanusSupport

/// Whether any server is still there: the time since an endpoint last sent an HTTP response
/// (any status), judged each time an attempt fails to connect. A wrong `base_url` or a server
/// that is not running would otherwise cost every request its attempts at the pace of the
/// cooldowns, for hours on a big run, with nothing said but a growing count of retries.
///
/// Once no endpoint has answered for `limit` seconds (`provider.unreachable_timeout`), counted
/// to the start of an attempt that then failed to connect, and at least `failuresNeeded`
/// attempts have failed to connect since the last answer, the client is lost for good: every request then fails at its next
/// attempt with `.unreachable` and the run stops, keeping what it stored. Before the first
/// answer of a run the wait is at most `firstContactLimit`: a server that never answered is far
/// more likely a wrong address than a restart.
final class Reachability: Sendable {
    static let firstContactLimit = 30.0
    /// Connect failures since the last answer before the client may be lost: one slow failure
    /// (a long connect timeout, or a process so busy that the failure is seen late) is not enough.
    static let failuresNeeded = 3

    private struct State {
        var lastHeard: Double?
        var firstTried: Double?
        var failuresSinceHeard = 0
        var lost: ChatError?
    }

    let limit: Double
    private let state = Locked(State())
    private let origin = ContinuousClock.now

    init(limit: Double) {
        self.limit = limit
    }

    /// Seconds since the client was made, on the monotonic clock.
    var now: Double {
        (ContinuousClock.now - origin).inSeconds
    }

    /// The error every request fails with once no server is reachable; nil while one may be.
    var lost: ChatError? { state.withLock { $0.lost } }

    /// An attempt is about to be sent.
    func trying(at time: Double) {
        state.withLock { if $0.firstTried == nil { $0.firstTried = time } }
    }

    /// A server sent an HTTP response (whatever its status).
    func heard(at time: Double) {
        state.withLock {
            $0.lastHeard = max($0.lastHeard ?? time, time)
            $0.failuresSinceHeard = 0
        }
    }

    /// An attempt started at `time` failed to connect (`detail`: to which endpoint, and why).
    /// Returns the error that ends the run when no server has answered for the limit.
    func failedToConnect(startedAt time: Double, detail: String) -> ChatError? {
        state.withLock { state in
            if let lost = state.lost { return lost }
            state.failuresSinceHeard += 1
            let since = state.lastHeard ?? state.firstTried ?? time
            let limit = state.lastHeard == nil ? min(limit, Self.firstContactLimit) : limit
            guard time - since >= limit, state.failuresSinceHeard >= Self.failuresNeeded else { return nil }
            let silent = Int((time - since).rounded())
            let what =
                state.lastHeard == nil
                ? "no server has answered in the \(silent) s since the run's first attempt (the wait before a first answer is at most \(Int(limit)) s)"
                : "no server has answered for \(silent) s (provider.unreachable_timeout: \(Int(self.limit)) s)"
            state.lost = ChatError(
                kind: .unreachable,
                message:
                    "\(what); the last attempt: \(detail). Check that the server is running and that --base-url, --endpoint "
                    + "or provider.endpoints name it; everything stored is kept: run the same command again once it answers")
            return state.lost
        }
    }
}
