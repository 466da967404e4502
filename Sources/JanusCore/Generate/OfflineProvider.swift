import Foundation
import JanusLLM
import JanusSupport

private let instructionMarker = Array("Instruction:".utf8)

/// A deterministic, network-free stand-in for a model, so the whole pipeline runs end to end
/// with no API key. Its answers derive from a hash of the request: the same request always
/// gets the same answer. It writes valid preference sets (in the several shapes real models
/// use), system messages and responses; they read as templates, not as a model's prose.
public struct OfflineProvider: ChatClient {
    public let providerKind = Provider.offline
    public let taxonomy: Taxonomy

    public init(taxonomy: Taxonomy) {
        self.taxonomy = taxonomy
    }

    public func complete(_ request: ChatRequest) async throws(ChatError) -> ChatResponse {
        answer(request, key: request.key(provider: providerKind))
    }

    /// `key` must be `request.key(provider: .offline)`: the answer derives from its hash. The
    /// body is not needed.
    public func complete(_ request: ChatRequest, key: String, body: [UInt8]?) async throws(ChatError) -> ChatResponse {
        answer(request, key: key)
    }

    func answer(_ request: ChatRequest, key: String) -> ChatResponse {
        var rng = SeededGenerator(seed: Hashing.sha256Prefix64(key))
        let prompt = request.messages.last { $0.role == "user" }?.content ?? ""
        let content: String
        switch request.purpose {
        case "expand": content = preferenceSet(for: prompt, rng: &rng)
        case "systems", "bench_systems": content = systemMessage(for: prompt, rng: &rng)
        case "bench_expand": content = benchPreferenceSet(for: instructionPart(prompt), rng: &rng)
        case "bench_rubrics": content = rubrics(for: prompt, rng: &rng)
        case "bench_judge": content = verdict(rng: &rng)
        default:
            let system = request.messages.first { $0.role == "system" }?.content ?? ""
            content = response(to: prompt, system: system, rng: &rng)
        }
        return ChatResponse(
            content: content, finishReason: "stop",
            usage: TokenUsage(
                promptTokens: TokenUsage.estimatePromptTokens(request.messages), completionTokens: TokenUsage.estimateTokens(content)),
            model: "offline")
    }

    /// Distinctive words of a text, to make answers fit their instruction: the `count` longest
    /// words of more than four letters (lower-cased, not common ones), ties in alphabetical order.
    func topicWords(_ text: String, count: Int) -> [String] {
        var copy = text
        if let ascii = copy.withUTF8({ isASCII($0) ? OfflineProvider.asciiTopicWords($0, count: count) : nil }) { return ascii }
        return OfflineProvider.unicodeTopicWords(text, count: count)
    }

    /// `topicWords` on `Character`s and `String`s, for any text.
    static func unicodeTopicWords(_ text: String, count: Int) -> [String] {
        var seen: Set<String> = []
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter }) where word.count > 4 {
            let w = String(word)
            if !commonWords.contains(w) { seen.insert(w) }
        }
        return Array(seen.sorted(by: topicOrder).prefix(count))
    }

    private static let commonWords: Set<String> = [
        "the", "and", "that", "this", "with", "from", "your", "have", "what", "which", "about", "would", "there",
        "their", "write", "instruction", "preference", "example", "answer", "below", "json", "list", "keys",
        "dimension", "subdimension", "description", "should", "could", "please", "nothing", "different",
    ]

    private static func topicOrder(_ a: String, _ b: String) -> Bool {
        a.count > b.count || (a.count == b.count && a < b)
    }

    /// `topicWords` for ASCII text on its bytes: words are runs of letters, and only the best
    /// `count` distinct ones are kept while scanning (the order is total, so that is the same
    /// as sorting them all). Words are kept as ranges of the text and compared lower-cased in
    /// place; a `String` is made only for a word that would enter the best few.
    static func asciiTopicWords(_ bytes: UnsafeBufferPointer<UInt8>, count: Int) -> [String] {
        guard count > 0 else { return [] }
        @inline(__always) func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
        /// Longer first, then alphabetical (lower-cased): `topicOrder` on the words' bytes.
        func better(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
            if a.count != b.count { return a.count > b.count }
            var i = a.lowerBound
            var j = b.lowerBound
            while i < a.upperBound {
                let x = lower(bytes[i])
                let y = lower(bytes[j])
                if x != y { return x < y }
                i += 1
                j += 1
            }
            return false
        }
        func same(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
            a.count == b.count && !better(a, b) && !better(b, a)
        }
        var best: [Range<Int>] = []
        best.reserveCapacity(count + 1)
        func finish(_ word: Range<Int>) {
            guard word.count > 4 else { return }
            if best.count == count, let last = best.last, !better(word, last) { return }
            if best.contains(where: { same($0, word) }) { return }
            if commonWords.contains(String(decoding: word.map { lower(bytes[$0]) }, as: UTF8.self)) { return }
            let at = best.firstIndex { better(word, $0) } ?? best.count
            best.insert(word, at: at)
            if best.count > count { best.removeLast() }
        }
        var start = 0
        var i = 0
        let n = bytes.count
        while i < n {
            let l = lower(bytes[i])
            if l < 0x61 || l > 0x7A {
                if i > start { finish(start..<i) }
                start = i + 1
            }
            i += 1
        }
        if n > start { finish(start..<n) }
        return best.map { word in String(decoding: word.map { lower(bytes[$0]) }, as: UTF8.self) }
    }

    /// What follows the last "Instruction:" of a prompt (all of it when there is none).
    func instructionPart(_ prompt: String) -> String {
        var copy = prompt
        let start: Int?? = copy.withUTF8 { bytes in
            var found: Int?
            var from = 0
            while let at = ByteSearch.find(instructionMarker, in: bytes, from: from) {
                found = at + instructionMarker.count
                from = at + 1
            }
            // A mark right after the colon joins it into one character, which a character search would not match.
            if let end = found, end < bytes.count, bytes[end] >= 0x80 { return nil }
            return .some(found)
        }
        switch start {
        case .some(.some(let offset)):
            return String(prompt.utf8[prompt.utf8.index(prompt.utf8.startIndex, offsetBy: offset)...]) ?? prompt
        case .some(.none): return prompt
        case .none: return prompt.components(separatedBy: "Instruction:").last ?? prompt
        }
    }

    func preferenceSet(for prompt: String, rng: inout SeededGenerator) -> String {
        let topic = topicWords(instructionPart(prompt), count: 3)
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
        let traits = preferenceLines(prompt).compactMap(OfflineProvider.trait)
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

    /// The lines of `prompt` that start with "- " (the preference listing), found on the bytes;
    /// text where a line break or the prefix could be part of a larger character goes the
    /// `Character` way.
    func preferenceLines(_ prompt: String) -> [Substring] {
        var copy = prompt
        let ranges: [Range<Int>]? = copy.withUTF8 { bytes in
            var out: [Range<Int>] = []
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                if end < bytes.count, end > start, bytes[end - 1] == 0x0D { return nil }
                if end - start >= 2, bytes[start] == 0x2D, bytes[start + 1] == 0x20 {
                    if end - start > 2, bytes[start + 2] >= 0x80 { return nil }
                    out.append(start..<end)
                }
                start = end + 1
            }
            return out
        }
        guard let ranges else { return prompt.split(separator: "\n").filter { $0.hasPrefix("- ") } }
        let utf8 = prompt.utf8
        return ranges.map { r in
            prompt[utf8.index(utf8.startIndex, offsetBy: r.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: r.upperBound)]
        }
    }

    /// The trait a preference line names: "- dimension/subdimension/trait: description" gives
    /// "trait" (without tabs and spaces at its ends); nil for a line of another shape. On the
    /// bytes for an ASCII line (there every `Character` is one byte, as a line holds no line
    /// break), else on `Character`s.
    static func trait(_ line: Substring) -> String? {
        let utf8 = line.utf8
        let ascii = utf8.withContiguousStorageIfAvailable { isASCII($0) } ?? false
        guard ascii else { return characterTrait(line) }
        let parts = utf8.dropFirst(2).split(separator: UInt8(ascii: "/"), maxSplits: 2)
        guard parts.count == 3, let colon = parts[2].firstIndex(of: UInt8(ascii: ":")) else { return nil }
        var name = parts[2][..<colon]
        while let first = name.first, first == 0x20 || first == 0x09 { name = name.dropFirst() }
        while let last = name.last, last == 0x20 || last == 0x09 { name = name.dropLast() }
        return String(Substring(name))
    }

    /// `trait` on `Character`s, for any line.
    static func characterTrait(_ line: Substring) -> String? {
        let parts = line.dropFirst(2).split(separator: "/", maxSplits: 2)
        guard parts.count == 3, let colon = parts[2].firstIndex(of: ":") else { return nil }
        return String(parts[2][..<colon].unicodeScalars.trimmingHorizontalSpace())
    }

    /// The first sentence of a text (the first run of characters between full stops that is
    /// not empty), without tabs and spaces at its ends. On the bytes for ASCII text (a full
    /// stop there is never part of a larger character), else on `Character`s.
    static func firstSentence(_ text: String) -> String {
        var copy = text
        let range: Range<Int>? = copy.withUTF8 { bytes in
            guard isASCII(bytes) else { return nil }
            var start = 0
            while start < bytes.count, bytes[start] == 0x2E { start += 1 }
            var end = start
            while end < bytes.count, bytes[end] != 0x2E { end += 1 }
            while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
            while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            return start..<end
        }
        guard let range else { return characterFirstSentence(text) }
        let utf8 = text.utf8
        return String(Substring(utf8[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)]))
    }

    /// `firstSentence` on `Character`s, for any text.
    static func characterFirstSentence(_ text: String) -> String {
        String(text.drop { $0 == "." }.prefix { $0 != "." }.unicodeScalars.trimmingHorizontalSpace())
    }

    func response(to prompt: String, system: String, rng: inout SeededGenerator) -> String {
        let topic = topicWords(prompt, count: 4)
        let subject = topic.isEmpty ? "your question" : topic.joined(separator: ", ")
        let openings = ["Here is a careful answer.", "Let us work through this together.", "A short overview first, then the details."]
        let opening = rng.element(of: openings)
        let stance = OfflineProvider.firstSentence(system)
        return """
            \(opening) This answer is about \(subject).

            1. The core idea: start from what the question asks and the facts that settle it.
            2. The details: each step follows from the one before, with an example where it helps.
            3. The caveats: what could go wrong, and how to check the result.

            (Written under the guidance: "\(stance)".)
            """
    }
}

extension Substring.UnicodeScalarView {
    /// Without tabs and space separators (Unicode Zs) at either end: Foundation's `.whitespaces`.
    func trimmingHorizontalSpace() -> Substring {
        func space(_ s: Unicode.Scalar) -> Bool {
            switch s.value {
            case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: return true
            default: return false
            }
        }
        var start = startIndex
        var end = endIndex
        while start < end, space(self[start]) { start = index(after: start) }
        while end > start, space(self[index(before: end)]) { end = index(before: end) }
        return Substring(self[start..<end])
    }
}
