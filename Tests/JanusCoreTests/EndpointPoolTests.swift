import Foundation
@testable import JanusCore
@testable import JanusExport
@testable import JanusHTTP
@testable import JanusIngest
@testable import JanusLLM
@testable import JanusStore
@testable import JanusSupport
import Testing

/// Which endpoint takes the next attempt, and cooling down, without any server.
@Suite struct EndpointPoolTests {
    func pool(_ endpoints: [EndpointSettings]) throws -> EndpointPool {
        var settings = ClientSettings()
        settings.endpoints = endpoints
        let resolved = settings.resolvedEndpoints
        return EndpointPool(
            try resolved.enumerated().map { index, endpoint in
                try EndpointLane(
                    index: index, endpoint: endpoint, settings: settings, environment: ["OPENAI_API_KEY": "sk-x"],
                    several: resolved.count > 1)
            })
    }

    func takeAll(_ pool: EndpointPool, _ n: Int) async -> [Int] {
        var counts = Array(repeating: 0, count: pool.lanes.count)
        for _ in 0..<n {
            if let lane = await pool.acquire() { counts[lane.index] += 1 }
        }
        return counts
    }

    @Test func slotsGoWhereTheShareOfTheLimitInUseIsLowest() async throws {
        let pool = try pool([
            EndpointSettings(baseURL: "http://a:1", concurrency: 2), EndpointSettings(baseURL: "http://b:1", concurrency: 6),
        ])
        // Two of eight: one to a (1/2), then b until b is as full (3/6), then one more each...
        #expect(await takeAll(pool, 4) == [1, 3])
        #expect(await takeAll(pool, 4) == [1, 3])
        // Full: the next waits until a slot comes back, and takes that one's endpoint.
        let waiter = Task { await pool.acquire()?.index }
        try await Task.sleep(for: .milliseconds(20))
        pool.release(pool.lanes[1])
        #expect(await waiter.value == 1)
    }

    @Test func weightScalesTheShare() async throws {
        let pool = try pool([
            EndpointSettings(baseURL: "http://a:1", weight: 3, concurrency: 10), EndpointSettings(baseURL: "http://b:1", concurrency: 10),
        ])
        #expect(await takeAll(pool, 8) == [6, 2])
    }

    @Test func aCancelledWaiterGetsNoSlot() async throws {
        let pool = try pool([EndpointSettings(baseURL: "http://a:1", concurrency: 1)])
        _ = await pool.acquire()
        let waiter = Task { await pool.acquire() }
        waiter.cancel()
        #expect(await waiter.value == nil)
    }

    @Test func oneEndpointNeverCools() async throws {
        let pool = try pool([EndpointSettings(baseURL: "http://a:1")])
        let lane = try #require(await pool.acquire())
        #expect(!pool.release(lane, answered: false, trouble: true, connectFailed: true, retryAfter: 3600))
        #expect(pool.snapshot[0].coolingFor == nil)
        #expect(await pool.acquire()?.index == 0)
    }

    @Test func anEndpointThatCannotBeReachedCoolsAndItsWorkGoesElsewhere() async throws {
        let pool = try pool([
            EndpointSettings(baseURL: "http://a:1", concurrency: 4), EndpointSettings(baseURL: "http://b:1", concurrency: 4),
        ])
        // a, b, a: two attempts on a in flight when it refuses a connection.
        let taken = [await pool.acquire(), await pool.acquire(), await pool.acquire()].compactMap { $0 }
        #expect(taken.map(\.index) == [0, 1, 0])
        #expect(pool.release(taken[0], answered: false, trouble: true, connectFailed: true, retryAfter: 3600))
        #expect((pool.snapshot[0].coolingFor ?? 0) > 1800, "Retry-After is honoured")
        // The other attempt on a hears that a is cooling: its retry goes elsewhere at once.
        #expect(pool.release(taken[2], answered: false, trouble: true, connectFailed: false, retryAfter: nil))
        #expect(await takeAll(pool, 3) == [0, 3])
    }

    @Test func aCooledEndpointIsProbedOneAtATimeWhileAnotherServes() async throws {
        let pool = try pool([
            EndpointSettings(baseURL: "http://a:1", concurrency: 4), EndpointSettings(baseURL: "http://b:1", concurrency: 4),
        ])
        let a = try #require(await pool.acquire())
        #expect(pool.release(a, answered: false, trouble: true, connectFailed: true, retryAfter: 0.05))
        for _ in 0..<1000 where pool.snapshot[0].coolingFor != nil { try await Task.sleep(for: .milliseconds(5)) }
        // b, then a's single probe, then b until full.
        #expect(await takeAll(pool, 5) == [1, 4])
        #expect(pool.snapshot.map(\.inFlight) == [1, 4])
        let next = Task { await pool.acquire()?.index }
        try await Task.sleep(for: .milliseconds(20))
        // The probe is answered: a takes its full share again.
        pool.release(pool.lanes[0], answered: true, trouble: false, connectFailed: false, retryAfter: nil)
        #expect(await next.value == 0)
        #expect(await takeAll(pool, 3) == [3, 0])
    }

    @Test func whenEveryEndpointCoolsTheFirstBackTakesWhatWaits() async throws {
        let pool = try pool([
            EndpointSettings(baseURL: "http://a:1", concurrency: 4), EndpointSettings(baseURL: "http://b:1", concurrency: 4),
        ])
        let (a, b) = (try #require(await pool.acquire()), try #require(await pool.acquire()))
        pool.release(a, answered: false, trouble: true, connectFailed: true, retryAfter: 0.05)
        pool.release(b, answered: false, trouble: true, connectFailed: true, retryAfter: 3600)
        // Both cool: the waiters wait for a to come back, then it takes all four.
        #expect(await takeAll(pool, 4) == [4, 0])
        // One of them fails: a cools again, and the rest hear so.
        #expect(pool.release(pool.lanes[0], answered: false, trouble: true, connectFailed: true, retryAfter: 3600))
        #expect(pool.release(pool.lanes[0], answered: false, trouble: true, connectFailed: true, retryAfter: nil))
    }

    @Test func progressHasALinePerEndpoint() {
        var load = ClientLoad(inFlight: 12, limit: 16, maximum: 16, pacedRate: nil, counters: ClientLoad.Counters())
        load.endpoints = [
            EndpointLoad(
                label: "http://a:1/v1", inFlight: 8, limit: 8, maximum: 8, sent: 1200, answered: 1150, failed: 50, latency: 0.523,
                coolingFor: nil),
            EndpointLoad(
                label: "http://b:1/v1", inFlight: 4, limit: 4, maximum: 8, sent: 30, answered: 0, failed: 30, latency: nil,
                coolingFor: 3.2),
        ]
        let stats = RunStats()
        stats.attach(ClientLoadProgressTests.FixedLoad(load: load))
        let reporter = ProgressReporter(stats: stats, interactive: false)
        #expect(Array(reporter.lines().suffix(2)) == [
            "  http://a:1/v1: in flight 8/8, sent 1200, answered 1150, failed 50, latency 0.52 s",
            "  http://b:1/v1: in flight 4/4 (of 8), sent 30, answered 0, failed 30, cooling down 4 s",
        ])
        #expect(reporter.logLine().hasSuffix(
            "; http://a:1/v1: in flight 8/8, sent 1200, answered 1150, failed 50, latency 0.52 s"
                + "; http://b:1/v1: in flight 4/4 (of 8), sent 30, answered 0, failed 30, cooling down 4 s"))
    }
}
