import Foundation
import JanusSupport

/// An async semaphore whose limit a `LoadController` sets from the share of 429s among recent
/// answers: it shrinks when the server is over its limit, not when it refuses a few at random.
package final class ConcurrencyGate: Sendable {
    private struct State {
        var adaptive: LoadController
        var inUse = 0
        var nextID: UInt64 = 0
        /// Waiters in arrival order: `order[head...]` are ids, `waiting` holds the live ones
        /// (a cancelled waiter leaves its id behind, skipped when reached). O(1) per operation.
        var waiting: [UInt64: CheckedContinuation<Bool, Never>] = [:]
        var order: [UInt64] = []
        var head = 0

        mutating func enqueue(_ id: UInt64, _ continuation: CheckedContinuation<Bool, Never>) {
            waiting[id] = continuation
            order.append(id)
        }

        mutating func admitWaiters() {
            while inUse < adaptive.limit, head < order.count {
                let id = order[head]
                head += 1
                if let continuation = waiting.removeValue(forKey: id) {
                    inUse += 1
                    continuation.resume(returning: true)
                }
            }
            if head == order.count {
                order.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 1024, head * 2 >= order.count {
                order.removeFirst(head)
                head = 0
            }
        }
    }

    private let state: Locked<State>
    private let origin = ContinuousClock.now

    package init(limit: Int) {
        state = Locked(State(adaptive: LoadController(maximum: limit)))
    }

    /// The current limit.
    package var limit: Int { state.withLock { $0.adaptive.limit } }

    /// Waits for a slot, first come first served. False (and no slot) when cancelled.
    package func acquire() async -> Bool {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                state.withLock { state in
                    if Task.isCancelled {
                        continuation.resume(returning: false)
                    } else if state.inUse < state.adaptive.limit, state.waiting.isEmpty {
                        state.inUse += 1
                        continuation.resume(returning: true)
                    } else {
                        state.enqueue(id, continuation)
                    }
                }
            }
        } onCancel: {
            state.withLock { state in
                state.waiting.removeValue(forKey: id)?.resume(returning: false)
            }
        }
    }

    /// Gives a slot back.
    package func release() {
        state.withLock { state in
            state.inUse -= 1
            state.admitWaiters()
        }
    }

    /// The pace and generation in force now.
    package var pacing: (rate: Double?, generation: Int) {
        state.withLock { ($0.adaptive.pacedRate, $0.adaptive.generation) }
    }

    /// Requests in flight now.
    package var inFlight: Int { state.withLock { $0.inUse } }

    /// Reports an answer to a request sent in generation `sent` (`throttled`: a 429). Returns
    /// the new pace (nil: none) when the answer changed the limit or the pace.
    package func answered(throttled: Bool, sent: Int) -> Double?? {
        let elapsed = ContinuousClock.now - origin
        let now = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return state.withLock { state -> Double?? in
            guard state.adaptive.record(throttled: throttled, sent: sent, now: now) else { return .none }
            state.admitWaiters()
            return .some(state.adaptive.pacedRate)
        }
    }
}
