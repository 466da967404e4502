
import Foundation
@testable import JanusCore
@testable import JanusLLM
import JanusSupport
import Testing

/// Backoff arithmetic, which statuses are retried, the concurrency gate and the cost meter.
@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 6, baseDelay: 0.5, maxDelay: 60)

    @Test func backoffDoublesWithJitterAndIsCapped() {
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, unit: 0) == 0.25)
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, unit: 1) == 0.5)
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, unit: 0.5) == 1.5)
        #expect(policy.delay(afterAttempt: 20, retryAfter: nil, unit: 1) == 60)
        #expect(policy.delay(afterAttempt: 20, retryAfter: nil, unit: 0) == 30)
    }

    @Test func retryAfterIsAFloor() {
        #expect(policy.delay(afterAttempt: 1, retryAfter: 7, unit: 1) == 7)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 0.1, unit: 1) == 0.5)
    }

    @Test func onlyTransientStatusesAreRetried() {
        #expect([408, 409, 429, 500, 502, 503, 504].allSatisfy(RetryPolicy.isRetryable(status:)))
        #expect(![400, 401, 403, 404, 422].contains(where: RetryPolicy.isRetryable(status:)))
    }

    @Test func gateAdmitsUpToItsLimit() async {
        let gate = ConcurrencyGate(limit: 2)
        #expect(await gate.acquire())
        #expect(await gate.acquire())
        let third = Task { await gate.acquire() }
        gate.release()
        #expect(await third.value)
    }

    @Test func cancelledWaiterGetsNoSlot() async {
        let gate = ConcurrencyGate(limit: 1)
        #expect(await gate.acquire())
        let waiter = Task { await gate.acquire() }
        waiter.cancel()
        #expect(await waiter.value == false)
    }

    @Test func cancelledWaiterInTheQueueLeaksNoSlot() async {
        let gate = ConcurrencyGate(limit: 1)
        #expect(await gate.acquire())
        let first = Task { await gate.acquire() }
        let second = Task { await gate.acquire() }
        second.cancel()
        gate.release()
        #expect(await first.value)
        #expect(await second.value == false)
        gate.release()
        #expect(await gate.acquire(), "the cancelled waiter's turn was skipped, not kept")
    }

    /// The runner ranks a request by its instruction's position, so that instructions started
    /// first finish first and new ones start as they end (see `GenerationRunner.run`).
    @Test func waitersAreAdmittedByRankThenByArrival() async throws {
        let gate = ConcurrencyGate(limit: 1)
        #expect(await gate.acquire())
        let admitted = Locked<[Int]>([])
        let ranks = [5, 1, 5, 0, 1, 0]
        var waiters: [Task<Void, Never>] = []
        for (index, rank) in ranks.enumerated() {
            waiters.append(
                Task {
                    guard await gate.acquire(rank: rank) else { return }
                    admitted.withLock { $0.append(index) }
                    gate.release()
                })
            // Each waiter is queued before the next one starts, so arrival order is known.
            for _ in 0..<5000 where gate.waiting <= index { try await Task.sleep(for: .milliseconds(1)) }
            #expect(gate.waiting == index + 1)
        }
        gate.release()
        for waiter in waiters { await waiter.value }
        #expect(admitted.withLock { $0 } == [3, 5, 1, 4, 0, 2])
    }

    @Test func thousandsOfWaitersAreAllAdmitted() async {
        let gate = ConcurrencyGate(limit: 3)
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<3000 {
                group.addTask {
                    guard await gate.acquire() else { return false }
                    gate.release()
                    return true
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(admitted == 3000)
        #expect(gate.limit == 3)
    }

    @Test func costMeterPricesByLongestPrefix() {
        let meter = CostMeter(
            prices: ["gpt-4o": ModelPrice(prompt: 2.5, completion: 10), "gpt-4o-mini": ModelPrice(prompt: 0.15, completion: 0.6)],
            budget: 1)
        #expect(meter.price(for: "gpt-4o-mini-2024-07-18")?.prompt == 0.15)
        #expect(meter.price(for: "gpt-4o-2024-08-06")?.prompt == 2.5)
        #expect(meter.price(for: "llama") == nil)
        meter.add(TokenUsage(promptTokens: 200_000, completionTokens: 50_000), model: "gpt-4o")
        #expect(meter.spent == 1.0 && meter.isExhausted)
    }
}
