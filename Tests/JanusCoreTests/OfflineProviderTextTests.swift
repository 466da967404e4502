@testable import JanusCore
import JanusSupport
import Testing

/// The offline provider's byte paths for ASCII text against its `Character` paths: on every
/// text tried both must give the same words, traits and sentences (the answers, and so the
/// golden exports, depend on them).
@Suite struct OfflineProviderTextTests {
    /// Pieces that make the edge cases likely: case, separators, common words, ties in length,
    /// full stops, tabs, line breaks.
    static let pieces = [
        "Vaccine", "vaccine", "VACCINES", "immune", "Immune", "system", "train", "about", "Which", "their", "answer",
        "preference", "theorem", "garden", "orbit", "kernel", "Kernel", "river", "a", "of", "x9y", "abc_def", "don't",
        " ", "  ", "\t", "\n", "\r\n", ".", "..", ", ", "/", "//", ":", " : ", "- ", "-", "é", "日本語", "👍🏽", "e\u{301}",
        "style/clarity/", "/tone/", "concise: ", "style/clarity/concise: ",
    ]

    static func texts(count: Int, seed: UInt64) -> [String] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            (0..<rng.below(24)).map { _ in pieces[rng.below(pieces.count)] }.joined()
        }
    }

    @Test func asciiTopicWordsMatchTheCharacterPath() {
        let provider = OfflineProvider(taxonomy: Taxonomy(dimensions: []))
        var tried = 0
        for text in Self.texts(count: 3000, seed: 11) where text.utf8.allSatisfy({ $0 < 0x80 }) {
            for count in [0, 1, 2, 3, 4] {
                #expect(provider.topicWords(text, count: count) == OfflineProvider.unicodeTopicWords(text, count: count), "\(text.debugDescription) \(count)")
            }
            tried += 1
        }
        #expect(tried > 100)
    }

    @Test func traitsMatchTheCharacterPath() {
        var found = 0
        for text in Self.texts(count: 4000, seed: 12) {
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                let line = "- " + line
                let expected = OfflineProvider.characterTrait(line[...])
                #expect(OfflineProvider.trait(line[...]) == expected, "\(line.debugDescription)")
                if expected != nil { found += 1 }
            }
        }
        #expect(found > 100)
    }

    @Test func firstSentencesMatchTheCharacterPath() {
        for text in Self.texts(count: 3000, seed: 13) + ["", ".", "...", " . ", "\t.a b\t.c", "no stop at all "] {
            #expect(OfflineProvider.firstSentence(text) == OfflineProvider.characterFirstSentence(text), "\(text.debugDescription)")
        }
    }
}
