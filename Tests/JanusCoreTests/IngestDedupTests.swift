import Foundation
@testable import JanusCore
@testable import JanusIngest
@testable import JanusSupport
import Testing

/// Near-dedup, the filter's fast pre-check, the fast normalisation paths, sampling and reruns.
@Suite(.removesTemporaryDirectories) struct IngestDedupTests {
    /// Seeded random "words" for texts that share nothing by chance.
    struct Words {
        var generator: SeededGenerator
        init(_ seed: UInt64) { generator = SeededGenerator(seed: seed) }
        mutating func text(_ n: Int) -> String {
            (0..<n).map { _ in
                let syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "dor", "fen"]
                return (0..<3).map { _ in syllables[Int(generator.next() % UInt64(syllables.count))] }.joined()
            }.joined(separator: " ")
        }
    }

    @Test func plantedNearCopiesAreCaughtAndDistinctTextsKept() {
        var words = Words(11)
        var index = NearDuplicateIndex(threshold: 0.75, seed: 9)
        var bases: [String] = []
        for i in 0..<300 {
            let text = "Explain the following in detail: " + words.text(100 + i % 60)
            bases.append(text)
            #expect(index.checkAndAdd(id: "base\(i)", text: text) == nil, "distinct text \(i) taken for a near duplicate")
        }
        var caught = 0
        for (i, base) in bases.enumerated() {
            var tokens = base.split(separator: " ").map(String.init)
            tokens[20] = "changed"  // one word substituted ...
            tokens.insert("extra", at: 60)  // ... and one added
            if let hit = index.checkAndAdd(id: "copy\(i)", text: tokens.joined(separator: " ")) {
                #expect(hit.duplicateOf == "base\(i)")
                #expect(hit.similarity >= 0.75)
                caught += 1
            }
        }
        #expect(caught >= 294)  // about 0.85 Jaccard: LSH finds all but a handful
        // Half of the words replaced: not a near duplicate.
        var tokens = bases[0].split(separator: " ").map(String.init)
        for i in stride(from: 0, to: tokens.count, by: 2) { tokens[i] = "other\(i)" }
        #expect(index.checkAndAdd(id: "half", text: tokens.joined(separator: " ")) == nil)
    }

    /// Texts of one or two shingles share a bin now and then; the bins they borrow must still
    /// differ, or unrelated short texts (one long CJK "word" and a verb) pass as near duplicates.
    @Test func shortUnrelatedTextsAreNotNearDuplicates() {
        var index = NearDuplicateIndex(threshold: 0.75, seed: 42)
        var words = Words(21)
        var flagged = 0
        for i in 0..<6000 where index.checkAndAdd(id: "t\(i)", text: ["Please", "Translate", "Explain"][i % 3] + " " + words.text(1) + "数据\(i)") != nil {
            flagged += 1
        }
        #expect(flagged == 0)
    }

    @Test func sketchesTreatCaseAndPunctuationAsWordBreaksOnly() {
        let hasher = MinHasher(bins: 112, shingleSize: 5, seed: 1)
        func sketch(_ s: String) -> [UInt8]? {
            var out = [UInt8](repeating: 0, count: 112)
            let ok = out.withUnsafeMutableBufferPointer { hasher.sketch(s, into: $0.baseAddress.unsafelyUnwrapped) }
            return ok ? out : nil
        }
        #expect(sketch("Hello, World! Café au lait, s'il vous plaît") == sketch("hello world CAFÉ au LAIT s il vous PLAÎT"))
        #expect(sketch("?!? ...") == nil)
    }

    @Test func filterPreCheckNeverChangesTheRegexVerdict() throws {
        let filter = try InstructionFilter(patterns: IngestSettings.paperFilter)
        let regexes = try IngestSettings.paperFilter.map { try NSRegularExpression(pattern: $0) }
        let pieces = ["you", "are", "You're", "you’re", "YOU ARE", "imagine", "IMAGINED", "take", "Take", "role", "roles", "retake", "on the",
                      "ſ", "K", "ﬁ", "İ", "x", "\n", "\r\n", " ", "  ", ",", "café", "youare", "ro", "le", "you\u{2028}are"]
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<3000 {
            let n = 2 + Int(generator.next() % 8)
            let text = (0..<n).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined(separator: generator.next() % 3 == 0 ? "" : " ")
            let line = String(TextNormalizer.firstLine(text))
            let range = NSRange(line.startIndex..., in: line)
            let expected = regexes.firstIndex { $0.firstMatch(in: line, range: range) != nil }
            #expect(filter.matchIndex(text) == expected, "\(text.debugDescription)")
        }
        // User patterns have no pre-check and always run.
        let custom = try InstructionFilter(patterns: [#"(?i)^as an? \w+"#])
        #expect(custom.match("As a doctor, explain this") != nil)
        #expect(custom.match("Explain this") == nil)
    }

    @Test func fastNormalisationMatchesTheUnicodePath() {
        var generator = SeededGenerator(seed: 8)
        // Every script, white space and line break outside ASCII, and text NFC changes (decomposed
        // letters, Hangul jamo, singletons, marks out of order) or leaves alone (excluded composites).
        let pieces = ["a", "B", " ", "  ", "\t", "\n", "\r\n", "\r", "\u{0B}", "\u{0C}", "\u{1F}", "x y", ".", "\u{00A0}", "é", "e\u{0301}",
                      "\u{3000}", "\u{0085}", "\u{2028}", "\u{2029}", "\u{202F}", "数据", "データ", "데이터", "\u{1100}\u{1161}\u{11A8}",
                      "Привет", "\u{0418}\u{0306}", "مرحبا", "\u{0627}\u{064E}", "👩\u{200D}💻", "👍🏽", "🇫🇷", "“q”", "—",
                      "\u{212B}", "\u{2126}", "Å", "\u{0915}\u{093C}", "\u{0B47}\u{0B3E}", "a\u{0301}\u{0323}", "\u{1E9B}\u{0323}", "\u{FB2A}"]
        for _ in 0..<4000 {
            let text = (0..<Int(generator.next() % 12)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            let slow = text.precomposedStringWithCanonicalMapping.replacingOccurrences(of: "\r\n", with: "\n")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(TextNormalizer.stored(text) == slow, "\(text.debugDescription)")
            #expect(TextNormalizer.instructionID(text) == Hashing.sha256Hex(TextNormalizer.identity(text)), "\(text.debugDescription)")
            #expect(TextNormalizer.firstLine(text) == (text.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) } ?? ""))
        }
    }

    func writeJSONL(_ lines: [String], _ name: String, in dir: URL) throws -> SourceSpec {
        let url = dir.appendingPathComponent(name)
        try lines.map { "{\"prompt\": \"\($0)\"}" }.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return SourceSpec(preset: "jsonl", path: url.path)
    }

    @Test func theSampleDependsOnlyOnSeedAndContent() throws {
        var words = Words(3)
        let texts = (0..<200).map { "Question \($0): " + words.text(6) }
        var settings = IngestSettings()
        settings.quotas = ["jsonl": 25]
        settings.total = nil
        func sample(_ order: [String], split: Int, seed: Int, workers: Int) throws -> Set<String> {
            let dir = try TestPaths.temporaryDirectory()
            let a = try writeJSONL(Array(order[..<split]), "a.jsonl", in: dir)
            let b = try writeJSONL(Array(order[split...]), "b.jsonl", in: dir)
            let store = try memoryStore()
            var ingestor = Ingestor(settings: settings, seed: seed)
            ingestor.workers = workers
            ingestor.batchBytes = 300
            _ = try ingestor.run(sources: [a, b], store: store, runID: 1)
            return Set(try store.instructions().map(\.text))
        }
        let first = try sample(texts, split: 100, seed: 1, workers: 1)
        #expect(first.count == 25)
        var generator = SeededGenerator(seed: 99)
        for round in 0..<3 {
            let shuffled = generator.distinctIndices(texts.count, below: texts.count).map { texts[$0] }
            #expect(try sample(shuffled, split: 30 + 50 * round, seed: 1, workers: 1 + round) == first)
        }
        #expect(try sample(texts, split: 100, seed: 2, workers: 2) != first)
    }

    @Test func addingASourceLaterAddsOnlyItsNewInstructions() throws {
        let dir = try TestPaths.temporaryDirectory()
        var words = Words(4)
        let shared = (0..<5).map { _ in words.text(8) }
        let a = try writeJSONL(shared + (0..<5).map { _ in words.text(8) }, "a.jsonl", in: dir)
        let b = try writeJSONL(shared + (0..<4).map { _ in words.text(8) }, "b.jsonl", in: dir)
        var settings = IngestSettings()
        settings.total = nil
        let store = try memoryStore()
        let first = try Ingestor(settings: settings, seed: 1).run(sources: [a], store: store, runID: 1)
        #expect(first.added == 10)
        let before = try store.instructions()
        let second = try Ingestor(settings: settings, seed: 1).run(sources: [a, b], store: store, runID: 2)
        #expect(second.added == 4)
        #expect(second.totals.duplicate == 15)
        #expect((second.examples["duplicate"] ?? []).contains { $0.hasSuffix("(already stored)") })
        let after = try store.instructions()
        #expect(Array(after.prefix(10)) == before)  // earlier rows untouched, positions kept
        let third = try Ingestor(settings: settings, seed: 1).run(sources: [a, b], store: store, runID: 3)
        #expect(third.added == 0)
        #expect(try store.instructions() == after)
    }

    @Test func theSummaryCountsBadLinesByKind() throws {
        let dir = try TestPaths.temporaryDirectory()
        let url = dir.appendingPathComponent("x.jsonl")
        try "{\"prompt\": \"fine text here\"}\n{bad\n{\"prompt\": 1}\n{\"prompt\": 2}\n".write(to: url, atomically: true, encoding: .utf8)
        var settings = IngestSettings()
        settings.total = nil
        let summary = try Ingestor(settings: settings, seed: 1).run(sources: [SourceSpec(preset: "jsonl", path: url.path)], store: try memoryStore(), runID: 1)
        #expect(summary.totals.badReasons == ["invalid_json": 1, "wrong_type": 2])
        #expect(summary.json.serialized().contains("\"bad_reasons\":{\"invalid_json\":1,\"wrong_type\":2}"))
        #expect(summary.table.contains("bad lines by reason: invalid_json 1, wrong_type 2"))
    }
}
