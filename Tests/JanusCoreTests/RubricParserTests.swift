@testable import JanusCore
@testable import JanusExport
@testable import JanusHTTP
@testable import JanusIngest
@testable import JanusLLM
@testable import JanusStore
@testable import JanusSupport
import Testing

@Suite struct RubricParserTests {
    static func rubric(_ dimension: String, scores: String? = nil) -> String {
        let descriptions = scores ?? #"{"1": "none", "2": "little", "3": "some", "4": "most", "5": "all"}"#
        return #"{"dimension": "\#(dimension)", "criteria": "Does it follow \#(dimension)?", "score_descriptions": \#(descriptions)}"#
    }

    static let list = "[" + ["style", "background_knowledge", "informativeness", "harmlessness"].map { rubric($0) }.joined(separator: ",") + "]"

    @Test(arguments: [
        list,
        "Here are the rubrics:\n```json\n\(list)\n```",
        "{\"rubrics\": \(list)}",
        "[" + ["harmlessness", "Background Knowledge", "style", "informativeness"].map { rubric($0) }.joined(separator: ",") + "]",
        "[" + ["style", "background_knowledge", "informativeness", "harmlessness"]
            .map { rubric($0, scores: #"["none", "little", "some", "most", "all"]"#) }.joined(separator: ",") + "]",
    ])
    func acceptsTheShapesModelsWrite(_ answer: String) throws {
        let rubrics = try RubricParser.parse(answer)
        #expect(rubrics.map(\.dimension) == Dimension.allCases)
        #expect(rubrics[0].scoreDescriptions == ["none", "little", "some", "most", "all"])
        #expect(rubrics[1].criteria.lowercased().replacingOccurrences(of: " ", with: "_") == "does_it_follow_background_knowledge?")
    }

    @Test(arguments: [
        ("no json here", "no JSON"),
        ("[" + rubric("style") + "]", "exactly 4"),
        (list.replacingOccurrences(of: #""3": "some""#, with: #""3": " ""#), "empty"),
        (list.replacingOccurrences(of: #""5": "all""#, with: #""6": "all""#), "score \"5\""),
        (list.replacingOccurrences(of: "\"harmlessness\"", with: "\"style\""), "two rubrics"),
        (list.replacingOccurrences(of: "\"criteria\"", with: "\"question\""), "criteria"),
    ])
    func refusesWithAReasonTheModelCanAct(_ answer: String, _ reason: String) {
        #expect {
            try RubricParser.parse(answer)
        } throws: { error in
            (error as? InvalidOutput)?.message.contains(reason) == true
        }
    }

    @Test func storedRubricsPublishInTheBenchLayout() throws {
        let rubrics = try RubricParser.parse(Self.list)
        let stored = JSONValue.array(rubrics.map(\.stored)).serialized()
        #expect(RubricParser.stored(stored) == rubrics)
        #expect(rubrics[0].published.serialized() == #"{"criteria":"Does it follow style?","score_descriptions":{"1":"none","2":"little","3":"some","4":"most","5":"all"}}"#)
    }
}
