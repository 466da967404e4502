import Foundation
@testable import JanusLLM
import Testing

/// Slots handed out while the tasks waiting for them are being cancelled: a build whose task
/// group was cancelled (a full disk, Ctrl-C) while requests gave their slots back. Resuming a
/// waiter under the gate's lock while the runtime cancelled it (holding its lock on the task and
/// taking the gate's in the cancellation handler) deadlocked both; with two cores, the whole
/// cooperative pool. Each round cancels a busy task group at a different moment; a regression
/// shows as this suite never ending, which `make test` turns into a failure naming it.
@Suite struct WaiterCancellationTests {
    static let rounds = 400

    /// Children that take a slot, yield, and give it back, until the group is cancelled.
    func churn(_ acquire: @escaping @Sendable () async -> (() -> Void)?) async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    var taken = 0
                    while !Task.isCancelled {
                        guard let release = await acquire() else { break }
                        taken += 1
                        await Task.yield()
                        release()
                    }
                    return taken
                }
            }
            return await group.reduce(0, +)
        }
    }

    @Test func gateHandsOutSlotsWhileItsWaitersAreCancelled() async {
        let gate = ConcurrencyGate(limit: 2)
        for round in 0..<Self.rounds {
            let run = Task { await churn { await gate.acquire() ? { gate.release() } : nil } }
            for _ in 0..<(round % 7) { await Task.yield() }
            run.cancel()
            _ = await run.value
            #expect(gate.inFlight == 0, "round \(round): a cancelled waiter kept a slot")
        }
    }

    @Test func endpointPoolHandsOutSlotsWhileItsWaitersAreCancelled() async throws {
        var settings = ClientSettings()
        settings.endpoints = [
            EndpointSettings(baseURL: "http://a:1", concurrency: 1), EndpointSettings(baseURL: "http://b:1", concurrency: 1),
        ]
        let resolved = settings.resolvedEndpoints
        let pool = EndpointPool(
            try resolved.enumerated().map { index, endpoint in
                try EndpointLane(
                    index: index, endpoint: endpoint, settings: settings, environment: ["OPENAI_API_KEY": "sk-x"], several: true)
            })
        for round in 0..<Self.rounds {
            let run = Task {
                await churn {
                    guard let lane = await pool.acquire() else { return nil }
                    return { pool.release(lane) }
                }
            }
            for _ in 0..<(round % 7) { await Task.yield() }
            run.cancel()
            _ = await run.value
        }
        // Every slot came back: both endpoints can be taken at once.
        let first = await pool.acquire(), second = await pool.acquire()
        #expect(Set([first?.index, second?.index]) == [0, 1])
    }
}
