import Foundation
import JanusHTTP
import JanusSupport

/// The endpoints of one client and which of them takes the next attempt: an async semaphore
/// over all of them, first come first served, that hands each waiter the endpoint with the
/// fewest requests in flight relative to its limit (`in flight / (limit x weight)`, fewer sent
/// so far breaking ties). Each endpoint has its own `LoadController`, so a loaded one is
/// slowed down alone.
///
/// With more than one endpoint, one in trouble cools down (`EndpointHealth`): it takes no
/// attempt until its cooldown is over, then one at a time until one is answered. While every
/// endpoint cools, waiters wait for the first to come back, and it takes as many as its limit.
/// With one endpoint nothing cools: the client's retries and backoff work as they always have.
final class EndpointPool: Sendable {
    private struct Lane {
        var adaptive: LoadController
        var weight: Double
        var inUse = 0
        var assigned = 0
        var health = EndpointHealth()

        /// `probeAlone`: a probing endpoint takes one attempt at a time (while another one is
        /// healthy; when none is, the first back takes what waits, so a run with every server
        /// down uses up its attempts at the pace of the cooldowns and ends).
        func isOpen(now: Double, probeAlone: Bool) -> Bool {
            !health.isCooling(now: now) && inUse < (health.probing && probeAlone ? 1 : adaptive.limit)
        }

        func isHealthy(now: Double) -> Bool {
            !health.isCooling(now: now) && !health.probing
        }
    }

    private struct State {
        var lanes: [Lane]
        var waiters = WaiterQueue<Int?>()

        /// The open endpoint with the lowest share of its limit in use.
        func pick(now: Double) -> Int? {
            var best: (index: Int, share: Double, assigned: Double)?
            let probeAlone = lanes.contains { $0.isHealthy(now: now) }
            for (index, lane) in lanes.enumerated() where lane.isOpen(now: now, probeAlone: probeAlone) {
                let share = Double(lane.inUse) / (Double(lane.adaptive.limit) * lane.weight)
                let assigned = Double(lane.assigned) / lane.weight
                if let b = best, (b.share, b.assigned) <= (share, assigned) { continue }
                best = (index, share, assigned)
            }
            return best?.index
        }

        mutating func take(_ index: Int) {
            lanes[index].inUse += 1
            lanes[index].assigned += 1
        }

        /// Gives open slots to the longest waiters; they are resumed by the caller, unlocked.
        mutating func admitWaiters(now: Double) -> Wakeups<Int?> {
            var wakeups = Wakeups<Int?>()
            while let index = pick(now: now), waiters.admitFirst(index, into: &wakeups) {
                take(index)
            }
            return wakeups
        }
    }

    let lanes: [EndpointLane]
    private let state: Locked<State>
    private let origin = ContinuousClock.now

    init(_ lanes: [EndpointLane]) {
        self.lanes = lanes
        state = Locked(State(lanes: lanes.map { Lane(adaptive: LoadController(maximum: $0.maximum), weight: $0.weight) }))
    }

    /// Seconds since the pool was made, on the monotonic clock.
    private var now: Double {
        (ContinuousClock.now - origin).inSeconds
    }

    /// Waits for a slot on some endpoint, first come first served; nil (and no slot) when cancelled.
    func acquire() async -> EndpointLane? {
        let time = now
        let index: Int? = await state.wait(in: \.waiters, cancelled: nil) { state in
            guard let index = state.pick(now: time) else { return nil }
            state.take(index)
            return index
        }
        return index.map { lanes[$0] }
    }

    /// Gives `lane`'s slot back unused.
    func release(_ lane: EndpointLane) {
        release(lane, answered: false, trouble: false, connectFailed: false, retryAfter: nil)
    }

    /// The load controller's generation of `lane` now (an attempt carries the one it was sent in).
    func generation(_ lane: EndpointLane) -> Int {
        state.withLock { $0.lanes[lane.index].adaptive.generation }
    }

    /// Reports an answer from `lane` to an attempt sent in generation `sent` (`throttled`: a
    /// 429). Returns the new pace (nil: none) when the answer changed the limit or the pace.
    func answered(_ lane: EndpointLane, throttled: Bool, sent: Int) -> Double?? {
        let time = now
        let (changed, wakeups) = state.withLock { state -> (Double??, Wakeups<Int?>) in
            guard state.lanes[lane.index].adaptive.record(throttled: throttled, sent: sent, now: time) else {
                return (.none, Wakeups())
            }
            return (.some(state.lanes[lane.index].adaptive.pacedRate), state.admitWaiters(now: time))
        }
        wakeups.resume()
        return changed
    }

    /// Gives `lane`'s slot back after an attempt that ended as said; returns true when `lane` is
    /// cooling down now, so the request's next attempt can go elsewhere at once. `answered`: the
    /// server sent a 200. `trouble`: a failure that speaks of the endpoint (connect, reset,
    /// stall, 5xx, 429).
    @discardableResult
    func release(_ lane: EndpointLane, answered: Bool, trouble: Bool, connectFailed: Bool, retryAfter: Double?) -> Bool {
        let several = lanes.count > 1
        let time = now
        let (cooling, wake, wakeups): (Bool, Double?, Wakeups<Int?>) = state.withLock { state in
            let (cooling, wake) =
                several
                ? state.lanes[lane.index].health.ended(
                    answered: answered, trouble: trouble, connectFailed: connectFailed, retryAfter: retryAfter, now: time)
                : (false, nil)
            state.lanes[lane.index].inUse -= 1
            return (cooling, wake, state.admitWaiters(now: time))
        }
        wakeups.resume()
        guard let wake else { return cooling }
        // Waiters may be waiting for this endpoint alone: look again when it comes back.
        Task { [weak self] in
            try? await Task.sleep(for: .seconds(wake))
            self?.admitAfterCooldown()
        }
        return true
    }

    /// Ends every wait for a slot with nil (no slot), as a cancellation does: for when no
    /// request can be sent any more (`Reachability`).
    func releaseWaiters() {
        state.withLock { state in
            var wakeups = Wakeups<Int?>()
            state.waiters.admitAll(nil, into: &wakeups)
            return wakeups
        }.resume()
    }

    private func admitAfterCooldown() {
        let time = now
        state.withLock { $0.admitWaiters(now: time) }.resume()
    }

    /// Each endpoint's limit in force, requests in flight, pace, and cooldown left.
    var snapshot: [(limit: Int, inFlight: Int, pacedRate: Double?, coolingFor: Double?)] {
        let time = now
        return state.withLock { state in
            state.lanes.map { lane in
                (
                    lane.adaptive.limit, lane.inUse, lane.adaptive.pacedRate,
                    lane.health.isCooling(now: time) ? lane.health.coolUntil - time : nil
                )
            }
        }
    }
}
