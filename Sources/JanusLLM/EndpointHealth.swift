import Foundation
import JanusHTTP
import JanusSupport

/// Whether one of several endpoints is taking attempts, from how its attempts ended. One that
/// refuses a connection, or fails `failuresToCool` attempts in a row with a 5xx, a 429, a cut
/// connection or a stall, cools down: for the server's `Retry-After` when it sent one, else
/// `firstCooldown` seconds doubling with each cooldown in a row up to `longestCooldown`. After a
/// cooldown it is probed, one attempt at a time, until one is answered; a failed probe cools it
/// again. Any answer (a 200) clears the count. Time is seconds on any monotonic clock, so the
/// rule can be tested with plain numbers.
struct EndpointHealth: Sendable, Hashable {
    var failuresToCool = 3
    var firstCooldown = 1.0
    var longestCooldown = 30.0
    /// No attempt starts before this time.
    private(set) var coolUntil = 0.0
    /// After a cooldown: one attempt at a time until one is answered.
    private(set) var probing = false
    private var failuresInRow = 0
    private var coolings = 0

    func isCooling(now: Double) -> Bool { coolUntil > now }

    /// Counts how an attempt ended (`answered`: a 200; `trouble`: a failure that speaks of the
    /// endpoint). Returns whether the endpoint is cooling now, and for how long when this
    /// attempt began the cooldown.
    mutating func ended(
        answered: Bool, trouble: Bool, connectFailed: Bool, retryAfter: Double?, now: Double
    ) -> (cooling: Bool, started: Double?) {
        if answered {
            (failuresInRow, coolings, probing) = (0, 0, false)
            return (false, nil)
        }
        guard trouble else { return (false, nil) }
        if isCooling(now: now) { return (true, nil) }
        failuresInRow += 1
        guard connectFailed || probing || failuresInRow >= failuresToCool else { return (false, nil) }
        let backoff = min(longestCooldown, firstCooldown * pow(2, Double(min(coolings, 16))))
        let seconds = max(retryAfter ?? backoff, 0.05)
        coolUntil = now + seconds
        coolings += 1
        failuresInRow = 0
        probing = true
        return (true, seconds)
    }
}
