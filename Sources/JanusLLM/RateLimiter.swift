import Foundation
import JanusSupport

/// Spends the requests-per-minute and tokens-per-minute budgets smoothly.
///
/// Each budget is a token bucket refilled continuously (kept as a "theoretical arrival time",
/// the GCRA form of a token bucket): a request may start once both buckets hold its cost,
/// with at most `burstSeconds` of budget saved up, so a fresh client does not fire a whole
/// minute's worth at once. Reservations are made under a lock and waited out with no lock
/// held, in the order they were made.
///
/// The server's view takes precedence: `x-ratelimit-remaining-*` running low spreads the
/// remaining budget over the time to its reset (a spent budget waits for the reset), and while
/// the server is over its limit (`LoadController`) new sends are paced at what it accepts.
final class RateLimiter: Sendable {
    /// The scheduling arithmetic, with time as seconds on any monotonic clock (testable).
    struct Schedule: Sendable {
        var requestsPerSecond: Double?
        var tokensPerSecond: Double?
        var burstSeconds: Double
        private var requestTAT = 0.0
        private var tokenTAT = 0.0
        private var pacedTAT = 0.0
        private(set) var pausedUntil = 0.0
        /// Requests per second while the server is over its limit (nil: not paced).
        private(set) var pacedRate: Double?

        init(requestsPerMinute: Int?, tokensPerMinute: Int?, burstSeconds: Double = 1) {
            requestsPerSecond = requestsPerMinute.map { Double(max(1, $0)) / 60 }
            tokensPerSecond = tokensPerMinute.map { Double(max(1, $0)) / 60 }
            self.burstSeconds = burstSeconds
        }

        /// Reserves one request of `tokens` tokens arriving at `now`; returns when it may start.
        mutating func reserve(tokens: Int, now: Double) -> Double {
            var start = max(now, pausedUntil)
            if requestsPerSecond != nil { start = max(start, requestTAT - burstSeconds) }
            if tokensPerSecond != nil { start = max(start, tokenTAT - burstSeconds) }
            if let rate = requestsPerSecond { requestTAT = max(requestTAT, start) + 1 / rate }
            if let rate = tokensPerSecond { tokenTAT = max(tokenTAT, start) + Double(max(0, tokens)) / rate }
            return start
        }

        /// Admits one request at `now` under the pace, if the pace allows it (nil), else returns
        /// how long until it might. Nothing is reserved ahead: a waiter asks again, so a pace
        /// raised meanwhile applies at once. A pace saves up a tenth of a second at most.
        mutating func admitPaced(now: Double) -> Double? {
            guard let rate = pacedRate else { return nil }
            let burst = min(burstSeconds, 0.1)
            guard pacedTAT - burst <= now else { return pacedTAT - burst - now }
            pacedTAT = max(pacedTAT, now) + 1 / rate
            return nil
        }

        /// Paces new requests at `rate` per second (nil: stops pacing).
        mutating func pace(_ rate: Double?, now: Double) {
            if pacedRate == nil, rate != nil { pacedTAT = now }
            pacedRate = rate
        }

        /// No request starts before `time`.
        mutating func pause(until time: Double) {
            pausedUntil = max(pausedUntil, time)
        }

        /// Slows down before the server has to say 429: when a budget is nearly spent, the
        /// next sends are spaced so the rest lasts until the reset.
        mutating func observe(_ headers: RateLimitHeaders, tokensPerRequest: Int, now: Double) {
            if let remaining = headers.remainingRequests, let reset = headers.resetRequests,
                remaining <= Schedule.lowWater(limit: headers.limitRequests, floor: 4)
            {
                pause(until: now + reset / Double(remaining + 1))
            }
            if let remaining = headers.remainingTokens, let reset = headers.resetTokens {
                let perRequest = max(1, tokensPerRequest)
                let lowWater = Schedule.lowWater(limit: headers.limitTokens, floor: 4 * perRequest)
                if remaining <= lowWater {
                    pause(until: now + reset / Double(remaining / perRequest + 1))
                }
            }
        }

        /// "Nearly spent": under 5% of the limit, and never less than `floor`.
        static func lowWater(limit: Int?, floor: Int) -> Int {
            max(floor, (limit ?? 0) / 20)
        }
    }

    private let schedule: Locked<Schedule>
    private let origin = ContinuousClock.now

    init(requestsPerMinute: Int?, tokensPerMinute: Int?, burstSeconds: Double = 1) {
        schedule = Locked(Schedule(requestsPerMinute: requestsPerMinute, tokensPerMinute: tokensPerMinute, burstSeconds: burstSeconds))
    }

    /// Seconds since this limiter was made, on the monotonic clock.
    private var now: Double {
        (ContinuousClock.now - origin).inSeconds
    }

    /// Waits until a request of `tokens` tokens may be sent. False when the task was cancelled.
    func waitForTurn(tokens: Int) async -> Bool {
        let arrival = now
        let start = schedule.withLock { $0.reserve(tokens: tokens, now: arrival) }
        do {
            if start > arrival { try await Task.sleep(for: .seconds(start - arrival)) }
            // The pace is asked again after every short wait (see `admitPaced`).
            while true {
                let time = now
                guard let wait = schedule.withLock({ $0.admitPaced(now: time) }) else { break }
                try await Task.sleep(for: .seconds(min(wait, 0.1)))
            }
        } catch {
            return false
        }
        return !Task.isCancelled
    }

    /// Pauses every new send for `seconds` (a 429 whose headers say the budget is spent).
    func pause(for seconds: Double) {
        let time = now + seconds
        schedule.withLock { $0.pause(until: time) }
    }

    /// Paces new sends at `rate` requests per second (nil: no pacing beyond the configured rpm).
    func pace(_ rate: Double?) {
        let time = now
        schedule.withLock { $0.pace(rate, now: time) }
    }

    /// Feeds one response's rate-limit headers back into the schedule.
    func observe(_ headers: RateLimitHeaders, tokensPerRequest: Int) {
        let time = now
        schedule.withLock { $0.observe(headers, tokensPerRequest: tokensPerRequest, now: time) }
    }
}
