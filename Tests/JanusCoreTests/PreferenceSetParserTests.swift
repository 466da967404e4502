@testable import JanusCore
@testable import JanusSupport
import Testing

@Suite struct PreferenceSetParserTests {
    static let list = """
        [{"dimension":"style","subdimension":"Clarity","preference":"plain words","description":"Short sentences."},
         {"dimension":"background knowledge","subdimension":"novice","preference":"no jargon","description":"Assumes nothing."},
         {"dimension":"informativeness","subdimension":"practicality","preference":"actionable","description":"Steps to take."},
         {"dimension":"harmlessness","subdimension":"accuracy","preference":"checked facts","description":"No errors."}]
        """

    @Test(arguments: [
        list,
        "{\"preference_set\": \(list)}",
        "Sure! Here it is:\n```json\n\(list)\n```\nHope this helps.",
        "Here you go: \(list) -- done",
        // Prose in other scripts (and a decomposed accent) around the fence: it is found on bytes.
        "Voila\u{301}, 日本語で — 🙂:\n```json\n\(list)\n```\nСпасибо! ```",
        list.replacingOccurrences(of: "\"background knowledge\"", with: "\"Background-Knowledge\"")
            .replacingOccurrences(of: "\"style\"", with: "\"STYLE\\n\""),
        """
        {"style": {"subdimension": "clarity", "preference": "plain words", "description": "Short sentences."},
         "background_knowledge": {"subdimension": "novice", "preference": "no jargon", "description": "Assumes nothing."},
         "informativeness": {"subdimension": "practicality", "preference": "actionable", "description": "Steps to take."},
         "harmlessness": {"subdimension": "accuracy", "preference": "checked facts", "description": "No errors."}}
        """,
    ])
    func acceptsEveryShapeModelsProduce(_ answer: String) throws {
        let set = try PreferenceSetParser.parse(answer)
        #expect(set.preferences.map(\.dimension) == Dimension.allCases)
        #expect(set.preferences[0].subdimension == "clarity")
        #expect(set.preferences[1].preference == "no jargon")
    }

    @Test func dimensionNamesAreReadLoosely() {
        #expect(Dimension(loose: "Background Knowledge") == .backgroundKnowledge)
        #expect(Dimension(loose: "background-knowledge") == .backgroundKnowledge)
        #expect(Dimension(loose: "HARMLESSNESS\t") == .harmlessness)
        #expect(Dimension(loose: "background knowledge base") == nil)
        #expect(Dimension(loose: "стиль") == nil)
    }

    @Test func reordersToDimensionOrder() throws {
        let reversed = "[" + (try JSONParser.parse(Self.list).arrayValue ?? []).reversed().map { $0.serialized() }.joined(separator: ",") + "]"
        #expect(try PreferenceSetParser.parse(reversed).preferences.map(\.dimension) == Dimension.allCases)
    }

    @Test(arguments: [
        ("not json at all", "no JSON"),
        ("[{\"dimension\":\"style\",\"subdimension\":\"a\",\"preference\":\"b\",\"description\":\"c\"}]", "exactly 4"),
        (list.replacingOccurrences(of: "\"Short sentences.\"", with: "\"  \""), "empty"),
        (list.replacingOccurrences(of: "\"harmlessness\"", with: "\"style\""), "more than once"),
        (list.replacingOccurrences(of: "\"informativeness\"", with: "\"mood\""), "unknown dimension"),
        ("[1,2,3,4]", "not an object"),
    ])
    func rejectsWithAReason(_ answer: String, _ reason: String) {
        do {
            _ = try PreferenceSetParser.parse(answer)
            Issue.record("accepted: \(answer.prefix(40))")
        } catch {
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }
}
