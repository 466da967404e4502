import Foundation
import JanusSupport

/// An async semaphore whose limit a `LoadController` sets from the share of 429s among recent
/// answers: it shrinks when the server is over its limit, not when it refuses a few at random.
package final class ConcurrencyGate: Sendable {
    private struct State {
        var adaptive: LoadController
        var inUse = 0
        var waiters = WaiterQueue<Bool>()

        /// Gives free slots to the first waiters; they are resumed by the caller, unlocked.
        mutating func admitWaiters() -> Wakeups<Bool> {
            var wakeups = Wakeups<Bool>()
            while inUse < adaptive.limit, waiters.admitFirst(true, into: &wakeups) {
                inUse += 1
            }
            return wakeups
        }
    }

    private let state: Locked<State>
    private let origin = ContinuousClock.now

    package init(limit: Int) {
        state = Locked(State(adaptive: LoadController(maximum: limit)))
    }

    /// The current limit.
    package var limit: Int { state.withLock { $0.adaptive.limit } }

    /// Waits for a slot: the waiter of lowest `rank` first, first come first served within a
    /// rank. False (and no slot) when cancelled.
    package func acquire(rank: Int = 0) async -> Bool {
        await state.wait(in: \.waiters, rank: rank, cancelled: false) { state in
            guard state.inUse < state.adaptive.limit else { return nil }
            state.inUse += 1
            return true
        }
    }

    /// Gives a slot back.
    package func release() {
        state.withLock { state in
            state.inUse -= 1
            return state.admitWaiters()
        }.resume()
    }

    /// The pace and generation in force now.
    package var pacing: (rate: Double?, generation: Int) {
        state.withLock { ($0.adaptive.pacedRate, $0.adaptive.generation) }
    }

    /// Requests in flight now.
    package var inFlight: Int { state.withLock { $0.inUse } }

    /// Tasks waiting for a slot now.
    package var waiting: Int { state.withLock { $0.waiters.count } }

    /// Reports an answer to a request sent in generation `sent` (`throttled`: a 429). Returns
    /// the new pace (nil: none) when the answer changed the limit or the pace.
    package func answered(throttled: Bool, sent: Int) -> Double?? {
        let now = (ContinuousClock.now - origin).inSeconds
        let (changed, wakeups) = state.withLock { state -> (Double??, Wakeups<Bool>) in
            guard state.adaptive.record(throttled: throttled, sent: sent, now: now) else { return (.none, Wakeups()) }
            return (.some(state.adaptive.pacedRate), state.admitWaiters())
        }
        wakeups.resume()
        return changed
    }
}
