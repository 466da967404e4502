@testable import JanusLLM
import Testing

/// When the client gives up on servers that do not answer, on explicit times (no clock, no server).
@Suite struct ReachabilityTests {
    @Test func lostOnlyAfterTheLimitAndSeveralFailedConnects() {
        let reach = Reachability(limit: 300)
        reach.trying(at: 0)
        // Attempts that started within the 30 s before a first answer never count, however late
        // their failure is seen.
        #expect(reach.failedToConnect(startedAt: 0, detail: "a") == nil)
        #expect(reach.failedToConnect(startedAt: 29, detail: "a") == nil)
        // Past 30 s the third failure since the start ends it.
        let lost = reach.failedToConnect(startedAt: 31, detail: "http://x/v1: refused")
        #expect(lost?.kind == .unreachable)
        #expect(lost?.message.contains("http://x/v1: refused") == true)
        #expect(reach.lost == lost, "lost for good")
    }

    @Test func oneSlowFailureIsNotEnough() {
        let reach = Reachability(limit: 300)
        reach.trying(at: 0)
        #expect(reach.failedToConnect(startedAt: 45, detail: "a") == nil)
        #expect(reach.failedToConnect(startedAt: 46, detail: "a") == nil)
        #expect(reach.failedToConnect(startedAt: 47, detail: "a")?.kind == .unreachable)
    }

    @Test func anAnswerRestartsTheCountAndTheLongerLimitApplies() {
        let reach = Reachability(limit: 300)
        reach.trying(at: 0)
        reach.heard(at: 10)
        for t in [20.0, 100, 200, 309] { #expect(reach.failedToConnect(startedAt: t, detail: "a") == nil, "\(t)") }
        reach.heard(at: 311)
        #expect(reach.failedToConnect(startedAt: 612, detail: "a") == nil, "one failure since the answer")
        #expect(reach.failedToConnect(startedAt: 613, detail: "a") == nil)
        let lost = reach.failedToConnect(startedAt: 614, detail: "a")
        #expect(lost?.message.hasPrefix("no server has answered for 303 s") == true, "\(String(describing: lost))")
    }
}
