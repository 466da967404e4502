@testable import JanusCore
@testable import JanusExport
@testable import JanusHTTP
@testable import JanusIngest
@testable import JanusLLM
@testable import JanusStore
@testable import JanusSupport
import Testing

/// The shapes judges really write, and the rule for an answer with two scores.
@Suite struct VerdictParserTests {
    @Test(arguments: [
        ("Feedback: The response follows the style closely. [RESULT] 4", 4),
        ("[RESULT] 2\nFeedback: it ignores the harmlessness preference.", 2),
        ("The answer is clear and complete.\nScore: 5", 5),
        ("**Score:** 3/5\nThe response is partly formal.", 3),
        ("Feedback: good coverage of the topic. [RESULT] 4 (the reference covers slightly more)", 4),
        ("Feedback: solid.\n[Result]: 5", 5),
        ("The response is fine overall.\nFinal score = 3 out of 5.", 3),
        ("Feedback: it drifts.\n\n2", 2),
        ("Rating: 1", 1),
        ("Feedback: [RESULT] 3 at first glance, but on reflection the tone is off. [RESULT] 2", 2),
        ("Score: 4. The response scores well on clarity.", 4),
    ])
    func readsTheScore(_ answer: String, _ expected: Int) throws {
        #expect(try VerdictParser.parse(answer).score == expected)
    }

    @Test func feedbackLosesTheMarkerAndTheLabel() throws {
        let verdict = try VerdictParser.parse("Feedback: The response keeps every step. [RESULT] 5")
        #expect(verdict.feedback == "The response keeps every step.")
        let first = try VerdictParser.parse("[RESULT] 2\nFeedback: too terse.")
        #expect(first.feedback == "too terse.")
    }

    @Test(arguments: [
        "Feedback: a thoughtful answer overall.",
        "Feedback: mostly right. [RESULT] 4.5",
        "Feedback: between the two. [RESULT] 3-4",
        "Feedback: between the two. [RESULT] 3 or 4",
        "Feedback: perfect. [RESULT] 10",
        "Feedback: nothing. [RESULT] 0",
        "Feedback: strong. [RESULT] 45",
        "Feedback: hm. [RESULT]",
        "Score: 8/10",
        "",
    ])
    func refusesWhatIsNotOneScoreFromOneToFive(_ answer: String) {
        #expect(throws: InvalidOutput.self) { try VerdictParser.parse(answer) }
    }

    @Test func storedVerdictsReadBack() throws {
        let verdict = Verdict(score: 3, feedback: "ok \"quoted\" ✓")
        #expect(Verdict(stored: verdict.json.serialized()) == verdict)
        #expect(Verdict(stored: #"{"score": 7}"#) == nil)
    }
}
