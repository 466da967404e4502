
import Foundation
@testable import JanusCore
@testable import JanusLLM
@testable import JanusStore
import Testing

/// The load rule with plain numbers for time: a simulated client sends as fast as the limit and
/// the pace allow to a simulated server that answers 429 at random, over a request-rate limit,
/// or both.
@Suite struct LoadControllerTests {
    /// A seeded generator, so every run of a test sees the same draws.
    struct SplitMix {
        var state: UInt64
        mutating func unit() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
    }

    /// Per simulated second: requests answered 200 and 429.
    struct Second {
        var accepted = 0
        var throttled = 0
    }

    /// `seconds` of a client with answers taking `latency` (a slot is held that long), against a
    /// server that refuses `noise` of requests at random and, when `capacity(t)` is not nil,
    /// everything above that many a second (a token bucket with a fifth of a second of burst).
    static func simulate(
        _ controller: inout LoadController, seconds: Int, latency: Double = 0.05, noise: Double = 0,
        capacity: (Double) -> Double? = { _ in nil }, seed: UInt64 = 1
    ) -> [Second] {
        var rng = SplitMix(state: seed)
        var timeline = [Second](repeating: Second(), count: seconds)
        let step = 0.005
        var carry = 0.0
        var bucket = 0.0
        var t = 0.0
        while t < Double(seconds) {
            let rate = min(Double(controller.limit) / latency, controller.pacedRate ?? .infinity)
            carry += rate * step
            if let n = capacity(t) { bucket = min(max(1, n / 5), bucket + n * step) }
            while carry >= 1 {
                carry -= 1
                var throttled = rng.unit() < noise
                if !throttled, capacity(t) != nil {
                    if bucket >= 1 { bucket -= 1 } else { throttled = true }
                }
                let second = Int(t)
                if throttled { timeline[second].throttled += 1 } else { timeline[second].accepted += 1 }
                _ = controller.record(throttled: throttled, sent: controller.generation, now: t)
            }
            t += step
        }
        return timeline
    }

    static func share(_ seconds: ArraySlice<Second>) -> (acceptedPerSecond: Double, throttledShare: Double) {
        let accepted = seconds.reduce(0) { $0 + $1.accepted }
        let throttled = seconds.reduce(0) { $0 + $1.throttled }
        return (Double(accepted) / Double(seconds.count), Double(throttled) / Double(max(1, accepted + throttled)))
    }

    @Test func randomRefusalsNeverCutTheLimit() {
        var controller = LoadController(maximum: 100)
        var lowest = 100
        var rng = SplitMix(state: 7)
        for n in 0..<40_000 {
            _ = controller.record(throttled: rng.unit() < 0.10, sent: controller.generation, now: Double(n) / 2000)
            lowest = min(lowest, controller.limit)
        }
        #expect(lowest == 100, "a steady 10% of 429s is noise, not load")
        #expect(controller.pacedRate == nil)
    }

    @Test func aServerOverItsLimitIsPacedNearIt() {
        var controller = LoadController(maximum: 100)
        let timeline = Self.simulate(&controller, seconds: 60, capacity: { _ in 40 })
        let late = Self.share(timeline[20...])
        #expect(late.acceptedPerSecond >= 32 && late.acceptedPerSecond <= 40, "\(late)")
        #expect(late.throttledShare < 0.1, "\(late)")
    }

    @Test func aLimitWithRandomRefusalsOnTopIsStillFound() {
        var controller = LoadController(maximum: 100)
        let timeline = Self.simulate(&controller, seconds: 60, noise: 0.1, capacity: { _ in 40 })
        let late = Self.share(timeline[20...])
        #expect(late.acceptedPerSecond >= 15, "found less precisely than a clean limit (about half of it), but not starved: \(late)")
        #expect(late.throttledShare < 0.25, "\(late)")
    }

    @Test func theLimitComesBackWhenTheOverloadPasses() {
        var controller = LoadController(maximum: 100)
        let timeline = Self.simulate(&controller, seconds: 40, capacity: { $0 < 10 ? 40 : nil })
        #expect(controller.limit == 100 && controller.pacedRate == nil)
        let after = Self.share(timeline[30...])
        #expect(after.acceptedPerSecond >= 1900, "back to 100 in flight at 0.05 s: \(after)")
    }

    @Test func answersToRequestsSentBeforeAChangeAreNotCounted() {
        var controller = LoadController(maximum: 64)
        for n in 0..<40 { _ = controller.record(throttled: true, sent: 0, now: Double(n) / 50) }
        #expect(controller.limit == 32 && controller.generation == 1, "halved at most")
        for n in 0..<200 { _ = controller.record(throttled: true, sent: 0, now: 1 + Double(n) / 50) }
        #expect(controller.generation == 1, "the rest of the old burst changes nothing")
    }
}

/// The stall timeout learned from answer times.
@Suite struct StallEstimateTests {
    @Test func theConfiguredTimeoutHoldsUntilAnswerTimesAreKnown() {
        var estimate = StallEstimate(ceiling: 120)
        for _ in 0..<19 { estimate.record(purpose: "respond", seconds: 0.05) }
        #expect(estimate.seconds(purpose: "respond", stalls: 0) == 120)
        estimate.record(purpose: "respond", seconds: 0.05)
        #expect(estimate.seconds(purpose: "respond", stalls: 0) == 3, "fast answers: the floor")
        #expect(estimate.seconds(purpose: "expand", stalls: 0) == 120, "learned per purpose")
    }

    @Test func slowAnswersGetRoomAndRetriesDouble() {
        var estimate = StallEstimate(ceiling: 120)
        for n in 0..<100 { estimate.record(purpose: "respond", seconds: n == 99 ? 10 : 2) }
        #expect(estimate.seconds(purpose: "respond", stalls: 0) == 40, "four times the 99th percentile")
        #expect(estimate.seconds(purpose: "respond", stalls: 1) == 80)
        #expect(estimate.seconds(purpose: "respond", stalls: 2) == 120, "never above stall_timeout")
    }

    /// The percentile is found without sorting; it must be the element a sort puts there, for
    /// every window length up to the full 256, with ties and a full ring.
    @Test func thePercentileIsTheOneASortFinds() {
        var generator = SystemRandomNumberGenerator()
        for length in [1, 2, 20, 99, 100, 101, 199, 200, 255, 256, 300, 700] {
            var samples = StallEstimate.Samples()
            for _ in 0..<length {
                let value = Double(Int.random(in: 0..<40, using: &generator)) / 4
                samples.add(value, window: 256, minimumSamples: 1_000)
            }
            let sorted = samples.durations.sorted()
            let expected = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
            #expect(samples.percentile99() == expected, "window of \(samples.durations.count)")
        }
    }
}

/// What the progress display shows of the client: why a run is slow.
@Suite struct ClientLoadProgressTests {
    struct Silent: ChatClient {
        var providerKind: Provider { .openai }
        func complete(_ request: ChatRequest) async throws(ChatError) -> ChatResponse {
            throw ChatError(kind: .cancelled, message: "not used")
        }
    }

    struct FixedLoad: ChatClient, LoadReporting {
        var providerKind: Provider { .openai }
        var load: ClientLoad
        func complete(_ request: ChatRequest) async throws(ChatError) -> ChatResponse {
            throw ChatError(kind: .cancelled, message: "not used")
        }
    }

    @Test func progressShowsInFlightRetriesAnd429s() {
        var counters = ClientLoad.Counters()
        counters.retries = 412
        counters.throttled = 301
        let stats = RunStats()
        stats.attach(FixedLoad(load: ClientLoad(inFlight: 7, limit: 8, maximum: 100, pacedRate: 38, counters: counters)))
        let lines = ProgressReporter(stats: stats, interactive: false).lines()
        #expect(lines.count == Stage.allCases.count + 1)
        #expect(lines.last == "requests in flight 7/8 (of 100), retries 412, 429s 301, paced 38.0/s")
    }

    @Test func progressSaysWhyTheLatestRetryWasNeeded() {
        var counters = ClientLoad.Counters()
        counters.retried(outcome: "connect_error", message: "Couldn't connect to server: Failed to connect to 127.0.0.1 port 1\nmore")
        let load = ClientLoad(inFlight: 0, limit: 8, maximum: 8, pacedRate: nil, counters: counters)
        #expect(load.line == "requests in flight 0/8, retries 1, 429s 0; last retried: connect_error: Couldn't connect to server: Failed to connect to 127.0.0.1 port 1")
        counters.retried(outcome: "server_error", message: String(repeating: "x", count: 300))
        #expect(counters.retries == 2)
        #expect(counters.lastRetried == "server_error: " + String(repeating: "x", count: 100) + "...")
    }

    @Test func aClientWithoutLoadAddsNoLine() {
        let stats = RunStats()
        stats.attach(Silent())
        #expect(ProgressReporter(stats: stats, interactive: false).lines().count == Stage.allCases.count)
    }
}
