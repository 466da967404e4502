import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport
/// The offline provider's answers to the Multifaceted Bench's requests: preference sets whose
/// keywords name the instruction's topic (so they are not the collection's taxonomy keywords),
/// four rubrics built from the listed preferences, and a judge's feedback with a final score.
extension OfflineProvider {
    func benchPreferenceSet(for instruction: String, rng: inout SeededGenerator) -> String {
        let topic = topicWords(instruction, count: 2)
        let subject = topic.first ?? "the task"
        let set = PreferenceSet(preferences: Dimension.allCases.map { dimension in
            let subs = taxonomy.subdimensions(of: dimension)
            let sub = subs.isEmpty ? Subdimension(name: "general", title: "General", preferences: ["balanced"]) : rng.element(of: subs)
            let keyword = (sub.preferences.isEmpty ? sub.name : rng.element(of: sub.preferences)).lowercased()
            return Preference(
                dimension: dimension, subdimension: sub.name, preference: "\(keyword), in terms of \(subject)",
                description: "The user wants an answer about \(topic.joined(separator: " and ")) that is \(keyword) in the way this topic calls for, with attention to \(sub.title.lowercased()).")
        })
        return set.json.serialized()
    }

    func rubrics(for prompt: String, rng: inout SeededGenerator) -> String {
        let lines = preferenceLines(prompt)
        let rubrics: [JSONValue] = Dimension.allCases.enumerated().map { index, dimension in
            var preference = dimension.rawValue.replacingOccurrences(of: "_", with: " ")
            if index < lines.count, let colon = lines[index].firstIndex(of: ":") {
                preference = String(lines[index][lines[index].index(lines[index].startIndex, offsetBy: 2)..<colon])
            }
            let levels = [
                "ignores the preference (\(preference)) entirely.", "touches on it once but mostly departs from it.",
                "follows it in part, with clear lapses.", "follows it well, with minor lapses.",
                "follows it fully and naturally throughout.",
            ]
            return .object([
                ("dimension", .string(dimension.rawValue)),
                ("criteria", .string("Does the response follow the \(dimension.rawValue) preference: \(preference)?")),
                ("score_descriptions", .object(levels.enumerated().map { (String($0.offset + 1), .string("The response \($0.element)")) })),
            ])
        }
        let list = JSONValue.array(rubrics).serialized()
        return rng.below(2) == 0 ? list : "Here are the rubrics:\n```json\n\(list)\n```"
    }

    func verdict(rng: inout SeededGenerator) -> String {
        // Mostly 3 to 5, as judges grade reasonable answers.
        let score = [2, 3, 3, 4, 4, 4, 5, 5][rng.below(8)]
        let notes = ["follows the rubric closely", "covers the main points the rubric asks for", "misses part of what the rubric asks for"]
        return "Feedback: The response \(rng.element(of: notes)), judged against the reference answer. [RESULT] \(score)"
    }
}
