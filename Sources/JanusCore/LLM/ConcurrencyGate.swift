import Foundation

/// An async semaphore whose limit adapts: a burst of 429s halves it, successes grow it back
/// one slot per "limit" successes (additive increase, multiplicative decrease).
final class ConcurrencyGate: Sendable {
    /// The adaptation rule, separate from the waiting so it can be tested with plain numbers.
    struct AdaptiveLimit: Sendable, Hashable {
        let maximum: Int
        private(set) var limit: Int
        /// This many 429s within `window` seconds make a burst.
        var burstCount = 3
        var window = 2.0
        private var throttles: [Double] = []
        private var lastCut = -Double.infinity
        private var credit = 0.0

        init(maximum: Int) {
            self.maximum = max(1, maximum)
            limit = self.maximum
        }

        /// A 429 at `now`; returns true when it cut the limit.
        mutating func throttled(now: Double) -> Bool {
            throttles.append(now)
            throttles.removeAll { $0 < now - window || $0 <= lastCut }
            // One cut per window: the in-flight requests of one burst all come back 429 together.
            guard throttles.count >= burstCount, now - lastCut >= window else { return false }
            limit = max(1, limit / 2)
            lastCut = now
            throttles.removeAll()
            credit = 0
            return true
        }

        /// A success; returns true when it raised the limit.
        mutating func succeeded() -> Bool {
            guard limit < maximum else { return false }
            credit += 1 / Double(limit)
            guard credit >= 1 else { return false }
            credit = 0
            limit += 1
            return true
        }
    }

    private struct State {
        var adaptive: AdaptiveLimit
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

    init(limit: Int) {
        state = Locked(State(adaptive: AdaptiveLimit(maximum: limit)))
    }

    /// The current limit.
    var limit: Int { state.withLock { $0.adaptive.limit } }

    /// Waits for a slot, first come first served. False (and no slot) when cancelled.
    func acquire() async -> Bool {
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
    func release() {
        state.withLock { state in
            state.inUse -= 1
            state.admitWaiters()
        }
    }

    /// Reports a 429 (may cut the limit; slots in use are not taken back, they drain).
    func throttled() {
        let elapsed = ContinuousClock.now - origin
        let now = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        state.withLock { _ = $0.adaptive.throttled(now: now) }
    }

    /// Reports a success (may raise the limit and admit a waiter).
    func succeeded() {
        state.withLock { state in
            if state.adaptive.succeeded() { state.admitWaiters() }
        }
    }
}
