@testable import JanusCore
@testable import JanusExport
@testable import JanusHTTP
@testable import JanusIngest
@testable import JanusLLM
@testable import JanusStore
@testable import JanusSupport
import Testing

/// When one of several endpoints cools down, on plain numbers for time.
@Suite struct EndpointHealthTests {
    typealias Ended = (cooling: Bool, started: Double?)

    func fail(_ h: inout EndpointHealth, at now: Double, connect: Bool = false, retryAfter: Double? = nil) -> Ended {
        h.ended(answered: false, trouble: true, connectFailed: connect, retryAfter: retryAfter, now: now)
    }

    @Test func scatteredFailuresDoNotCoolThreeInARowDo() {
        var h = EndpointHealth()
        for t in 0..<10 {
            #expect(fail(&h, at: Double(t)) == (false, nil))
            #expect(fail(&h, at: Double(t)) == (false, nil))
            // A 400 or a cut-off answer says nothing of the server; a 200 clears the count.
            #expect(h.ended(answered: false, trouble: false, connectFailed: false, retryAfter: nil, now: Double(t)) == (false, nil))
            #expect(h.ended(answered: true, trouble: false, connectFailed: false, retryAfter: nil, now: Double(t)) == (false, nil))
        }
        #expect(fail(&h, at: 20) == (false, nil))
        #expect(fail(&h, at: 20) == (false, nil))
        #expect(fail(&h, at: 20) == (true, 1))
        #expect(h.isCooling(now: 20.5) && !h.isCooling(now: 21))
    }

    @Test func aRefusedConnectionCoolsAtOnceAndRetryAfterIsHonoured() {
        var h = EndpointHealth()
        #expect(fail(&h, at: 0, connect: true) == (true, 1))
        var g = EndpointHealth()
        #expect(fail(&g, at: 0, retryAfter: 7) == (false, nil))
        #expect(fail(&g, at: 0, retryAfter: 7) == (false, nil))
        #expect(fail(&g, at: 0, retryAfter: 7) == (true, 7))
    }

    @Test func whileCoolingFailuresSaySoWithoutAnotherCooldown() {
        var h = EndpointHealth()
        #expect(fail(&h, at: 0, connect: true) == (true, 1))
        #expect(fail(&h, at: 0.5, connect: true) == (true, nil))
        #expect(h.coolUntil == 1)
    }

    @Test func failedProbesDoubleTheCooldownUpToTheLongestAndAnAnswerEndsIt() {
        var h = EndpointHealth()
        var now = 0.0
        var lengths: [Double] = []
        for _ in 0..<8 {
            let ended = fail(&h, at: now, connect: true)
            lengths.append(ended.started ?? -1)
            now = h.coolUntil
            #expect(h.probing)
        }
        #expect(lengths == [1, 2, 4, 8, 16, 30, 30, 30])
        // A probe that is not a connect failure cools it again too.
        #expect(fail(&h, at: now) == (true, 30))
        now = h.coolUntil
        #expect(h.ended(answered: true, trouble: false, connectFailed: false, retryAfter: nil, now: now) == (false, nil))
        #expect(!h.probing)
        #expect(fail(&h, at: now) == (false, nil), "after an answer, one failure is one failure again")
    }
}
