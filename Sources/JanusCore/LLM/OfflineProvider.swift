import Foundation

/// A deterministic, network-free stand-in for a model, so the whole pipeline runs end to end
/// with no API key. Its answers derive from a hash of the request: the same request always
/// gets the same answer. It writes valid preference sets (in the several shapes real models
/// use), system messages and responses; they read as templates, not as a model's prose.
public struct OfflineProvider: ChatClient {
    public let providerKind = "offline"
    public let taxonomy: Taxonomy

    public init(taxonomy: Taxonomy) {
        self.taxonomy = taxonomy
    }

    public func complete(_ request: ChatRequest) async throws(ChatError) -> ChatResponse {
        var rng = SeededGenerator(seed: Hashing.sha256Prefix64(request.key(provider: providerKind)))
        let prompt = request.messages.last { $0.role == "user" }?.content ?? ""
        let content: String
        switch request.purpose {
        case "expand": content = preferenceSet(for: prompt, rng: &rng)
        case "systems": content = systemMessage(for: prompt, rng: &rng)
        default:
            let system = request.messages.first { $0.role == "system" }?.content ?? ""
            content = response(to: prompt, system: system, rng: &rng)
        }
        let promptText = request.messages.map(\.content).joined(separator: "\n")
        return ChatResponse(
            content: content, finishReason: "stop",
            usage: TokenUsage(
                promptTokens: TokenUsage.estimateTokens(promptText), completionTokens: TokenUsage.estimateTokens(content)),
            model: "offline")
    }

    /// Distinctive words of a text, to make answers fit their instruction.
    func topicWords(_ text: String, count: Int) -> [String] {
        let common: Set<String> = [
            "the", "and", "that", "this", "with", "from", "your", "have", "what", "which", "about", "would", "there",
            "their", "write", "instruction", "preference", "example", "answer", "below", "json", "list", "keys",
            "dimension", "subdimension", "description", "should", "could", "please", "nothing", "different",
        ]
        var seen: [String] = []
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter }) where word.count > 4 {
            let w = String(word)
            if !common.contains(w), !seen.contains(w) { seen.append(w) }
        }
        return Array(seen.sorted { $0.count > $1.count || ($0.count == $1.count && $0 < $1) }.prefix(count))
    }

    func preferenceSet(for prompt: String, rng: inout SeededGenerator) -> String {
        let topic = topicWords(prompt.components(separatedBy: "Instruction:").last ?? prompt, count: 3)
        let subject = topic.isEmpty ? "the request" : topic.joined(separator: ", ")
        let set = PreferenceSet(preferences: Dimension.allCases.map { dimension in
            let subs = taxonomy.subdimensions(of: dimension)
            let sub = subs.isEmpty ? Subdimension(name: "general", title: "General", preferences: ["balanced"]) : rng.element(of: subs)
            let keyword = sub.preferences.isEmpty ? sub.name : rng.element(of: sub.preferences)
            let preference = keyword.lowercased()
            return Preference(
                dimension: dimension, subdimension: sub.name, preference: preference,
                description: "The user wants a response on \(subject) that is \(preference), with attention to \(sub.title.lowercased()); this keeps the answer useful to them.")
        })
        let list = set.json.serialized()
        switch rng.below(3) {
        case 0: return list
        case 1: return "{\"preference_set\": \(list)}"
        default: return "Here is the preference set:\n```json\n\(list)\n```"
        }
    }

    func systemMessage(for prompt: String, rng: inout SeededGenerator) -> String {
        let lines = prompt.split(separator: "\n").filter { $0.hasPrefix("- ") }
        let traits = lines.compactMap { line -> String? in
            let parts = line.dropFirst(2).split(separator: "/", maxSplits: 2)
            guard parts.count == 3, let colon = parts[2].firstIndex(of: ":") else { return nil }
            return parts[2][..<colon].trimmingCharacters(in: .whitespaces)
        }
        let roles = ["guide", "mentor", "advisor", "tutor", "companion", "consultant"]
        let role = rng.element(of: roles)
        let traitText = traits.isEmpty ? "clear, careful and helpful" : traits.joined(separator: ", ")
        return """
            You are a thoughtful \(role) whose answers are shaped by four commitments: \(traitText). \
            Write in the manner these commitments call for, pitching every explanation at the level of knowledge they \
            describe and choosing what to include so that the reader gets the kind of information they value most. \
            Keep each answer accurate and honest, say plainly when something is uncertain, and never offer advice that \
            could cause harm. Adapt examples to the person asking, keep the structure easy to follow, and end with \
            whatever they need to act on the answer with confidence.
            """
    }

    func response(to prompt: String, system: String, rng: inout SeededGenerator) -> String {
        let topic = topicWords(prompt, count: 4)
        let subject = topic.isEmpty ? "your question" : topic.joined(separator: ", ")
        let openings = ["Here is a careful answer.", "Let us work through this together.", "A short overview first, then the details."]
        let opening = rng.element(of: openings)
        let stance = system.split(separator: ".").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        return """
            \(opening) This answer is about \(subject).

            1. The core idea: start from what the question asks and the facts that settle it.
            2. The details: each step follows from the one before, with an example where it helps.
            3. The caveats: what could go wrong, and how to check the result.

            (Written under the guidance: "\(stance)".)
            """
    }
}
