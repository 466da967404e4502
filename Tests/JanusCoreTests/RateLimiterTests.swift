
import Foundation
@testable import JanusCore
@testable import JanusHTTP
@testable import JanusLLM
import Testing

/// The rate-limit schedule with plain numbers for time, and the headers that feed it.
@Suite struct RateLimiterTests {
    @Test func requestsAreSpacedEvenlyAfterAOneSecondBurst() {
        var schedule = RateLimiter.Schedule(requestsPerMinute: 60, tokensPerMinute: nil)
        let starts = (0..<5).map { _ in schedule.reserve(tokens: 0, now: 0) }
        #expect(starts == [0, 0, 1, 2, 3])
    }

    @Test func tokenBudgetSpacesByCost() {
        var schedule = RateLimiter.Schedule(requestsPerMinute: nil, tokensPerMinute: 6000)  // 100 tokens/s
        let first = schedule.reserve(tokens: 300, now: 0)
        #expect(first == 0)
        let second = schedule.reserve(tokens: 300, now: 0)
        #expect(second == 2, "300 tokens at 100/s with 1 s of burst")
        let afterIdle = schedule.reserve(tokens: 100, now: 10)
        #expect(afterIdle == 10, "idle time refills the bucket")
    }

    @Test func bothBudgetsApply() {
        var schedule = RateLimiter.Schedule(requestsPerMinute: 600, tokensPerMinute: 600)  // 10 req/s, 10 tok/s
        _ = schedule.reserve(tokens: 20, now: 0)
        let second = schedule.reserve(tokens: 20, now: 0)
        #expect(second == 1, "the token budget is the tighter one")
    }

    @Test func pauseHoldsBackEveryStart() {
        var schedule = RateLimiter.Schedule(requestsPerMinute: nil, tokensPerMinute: nil)
        schedule.pause(until: 5)
        let paused = schedule.reserve(tokens: 1, now: 1)
        #expect(paused == 5)
        let unpaused = schedule.reserve(tokens: 1, now: 6)
        #expect(unpaused == 6)
    }

    @Test func lowRemainingBudgetSlowsDownBefore429() {
        var schedule = RateLimiter.Schedule(requestsPerMinute: nil, tokensPerMinute: nil)
        schedule.observe(RateLimitHeaders(limitRequests: 1000, remainingRequests: 500, resetRequests: 30), tokensPerRequest: 10, now: 0)
        #expect(schedule.pausedUntil == 0, "plenty left: no slowdown")
        schedule.observe(RateLimitHeaders(limitRequests: 1000, remainingRequests: 9, resetRequests: 10), tokensPerRequest: 10, now: 0)
        #expect(schedule.pausedUntil == 1, "9 left for 10 s: one per second")
        schedule.observe(RateLimitHeaders(remainingTokens: 0, resetTokens: 4), tokensPerRequest: 10, now: 2)
        #expect(schedule.pausedUntil == 6, "no tokens left: wait for the reset")
    }

    @Test func headersAreParsed() {
        let headers = HTTPHeaders([
            ("Retry-After", "7"), ("retry-after-ms", "250"), ("x-ratelimit-limit-requests", "500"),
            ("x-ratelimit-remaining-requests", "499"), ("x-ratelimit-reset-requests", "120ms"),
            ("x-ratelimit-remaining-tokens", "1000"), ("x-ratelimit-reset-tokens", "6m0s"),
        ])
        let limits = RateLimitHeaders(headers)
        #expect(limits.retryAfter == 0.25, "retry-after-ms is the more precise of the two")
        #expect(limits.limitRequests == 500 && limits.remainingRequests == 499)
        #expect(limits.resetRequests == 0.12)
        #expect(limits.remainingTokens == 1000 && limits.resetTokens == 360)
        #expect(RateLimitHeaders(HTTPHeaders([("retry-after", "2")])).retryAfter == 2)
    }

    /// One pass over the fields: names match in any case, the first value of a name counts, a
    /// bad `retry-after-ms` leaves `Retry-After` to decide, and other fields are passed over.
    @Test func theFirstValueOfEachNameCountsInAnyCase() {
        let headers = HTTPHeaders([
            ("Content-Type", "application/json"), ("X-RateLimit-Remaining-Requests", "7"), ("x-request-id", "abc"),
            ("x-ratelimit-remaining-requests", "8"), ("RETRY-AFTER-MS", "-5"), ("Retry-After", "3"), ("retry-after", "9"),
            ("x-ratelimit-reset-tokens", "1ms"), ("X-RATELIMIT-LIMIT-TOKENS", "40000"),
        ])
        let limits = RateLimitHeaders(headers)
        #expect(limits.remainingRequests == 7)
        #expect(limits.retryAfter == 3)
        #expect(limits.resetTokens == 0.001)
        #expect(limits.limitTokens == 40000)
        #expect(limits.limitRequests == nil && limits.resetRequests == nil && limits.remainingTokens == nil)
    }

    @Test(arguments: [("1s", 1.0), ("20ms", 0.02), ("1m30s", 90), ("1h2m3.5s", 3723.5), ("2.5", 2.5), (" 6m0s ", 360), ("1ms", 0.001), ("2m5ms", 120.005), ("1e3", 1000), ("inf", .infinity)])
    func durationsAreParsed(text: String, seconds: Double) {
        #expect(RateLimitHeaders.parseDuration(text) == seconds)
    }

    @Test func badDurationsAreRejected() {
        #expect(RateLimitHeaders.parseDuration("soon") == nil)
        #expect(RateLimitHeaders.parseDuration("5x") == nil)
        #expect(RateLimitHeaders.parseDuration("5s3") == nil)
        for text in ["", "s", "ms", "1.2.3s", "5 s", "\u{0663}s", "5\u{00B5}s", "1m-2s"] {
            #expect(RateLimitHeaders.parseDuration(text) == nil, "\(text)")
        }
    }

    @Test func retryAfterAcceptsAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_445_412_470)  // 2015-10-21 07:27:50 GMT
        #expect(RateLimitHeaders.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == 10)
    }
}

/// The pace set while a server is over its limit.
@Suite struct PaceTests {
    @Test func aPaceAdmitsAtItsRateAndARaisedPaceAppliesAtOnce() {
        var schedule = RateLimiter.Schedule(requestsPerMinute: nil, tokensPerMinute: nil)
        #expect(schedule.admitPaced(now: 0) == nil, "no pace: no wait")
        schedule.pace(1, now: 0)
        #expect(schedule.admitPaced(now: 0) == nil)
        let wait = schedule.admitPaced(now: 0)
        #expect(wait.map { abs($0 - 0.9) < 1e-9 } == true, "one a second, a tenth of a second saved up")
        schedule.pace(100, now: 0.5)
        #expect(schedule.admitPaced(now: 0.95) == nil, "the slot reserved at the old pace, then the new pace")
        #expect(schedule.admitPaced(now: 0.95) == nil)
        schedule.pace(nil, now: 1)
        #expect(schedule.admitPaced(now: 1) == nil)
    }
}
