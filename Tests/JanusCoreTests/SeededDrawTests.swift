@testable import JanusCore
@testable import JanusExport
@testable import JanusStore
@testable import JanusSupport
import Testing

/// Every seeded choice pinned to its value, so a change of toolchain (or of the draws) that
/// would change request keys and exports of the same seed fails here first, naming the choice.
/// The values were computed by a separate implementation of SplitMix64 and the bounded draw.
@Suite struct SeededDrawTests {
    @Test func generatorIsSplitMix64() {
        // The published reference stream of SplitMix64 from state 0.
        var generator = SeededGenerator(seed: 0)
        #expect((0..<3).map { _ in generator.next() } == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
    }

    @Test func boundedDrawsArePinned() {
        var generator = SeededGenerator(seed: 42)
        #expect([1, 2, 3, 10, 52, 1000, 1 << 62].map { generator.below($0) } == [0, 0, 0, 3, 1, 868, 1_007_216_178_194_406_231])
        var shuffler = SeededGenerator(seed: 7)
        #expect(shuffler.distinctIndices(10, below: 10) == [3, 1, 9, 7, 6, 4, 0, 5, 8, 2])
    }

    /// A generator for named parts is seeded by the SHA-256 of the decimal seed and the parts
    /// joined by U+001F, whatever the parts hold (accents, CJK, emoji, the separator itself).
    @Test func partsSeedTheGeneratorThroughTheirJoinedDigest() {
        let cases: [(UInt64, [String])] = [
            (9, ["expand", "0033391afa", "1"]), (UInt64.max, ["systems", "é中🙂", ""]), (7, ["a\u{1F}b", "c", "d"]),
        ]
        for (seed, parts) in cases {
            let joined = ([String(seed)] + parts).joined(separator: "\u{1F}")
            var expected = SeededGenerator(seed: Hashing.sha256Prefix64(joined))
            var generator = SeededGenerator(seed: seed, parts[0], parts[1], parts[2])
            #expect((0..<3).map { _ in generator.next() } == (0..<3).map { _ in expected.next() }, "\(parts)")
        }
        var two = SeededGenerator(seed: 5, "respond", "x")
        var joinedTwo = SeededGenerator(seed: Hashing.sha256Prefix64("5\u{1F}respond\u{1F}x"))
        #expect(two.next() == joinedTwo.next())
    }

    @Test func boundedDrawCoversItsRangeEvenly() {
        var generator = SeededGenerator(seed: 3)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 { counts[generator.below(6)] += 1 }
        // 10,000 expected per face; 400 is more than six standard deviations (about 91).
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 }, "\(counts)")
    }

    func stageRequests() throws -> StageRequests {
        let seeds = try SeedLibrary.load()
        // The pins below assume the shipped seeds' sizes; editing the seed files changes them.
        try #require(seeds.preferenceSets.count == 24 && seeds.systemMessages.count == 52)
        return StageRequests(
            seeds: seeds, templates: try PromptTemplates.load(directory: nil), generation: GenerationSettings(),
            model: "m", providerKind: .offline, seed: 42)
    }

    @Test func seedSetPerVariantIsPinned() throws {
        let requests = try stageRequests()
        #expect((0..<3).map { requests.seedSetIndex(instructionID: "id1", variant: $0) } == [23, 16, 15])
        #expect((0..<3).map { requests.seedSetIndex(instructionID: "x", variant: $0) } == [13, 16, 0])
    }

    @Test func systemMessageExamplesArePinned() throws {
        let requests = try stageRequests()
        #expect((0..<3).map { requests.exampleIndices(instructionID: "id1", variant: $0) } == [[31, 25, 19], [19, 32, 17], [36, 43, 32]])
        #expect((0..<3).map { requests.exampleIndices(instructionID: "x", variant: $0) } == [[0, 44, 14], [4, 11, 50], [48, 26, 51]])
    }

    @Test func samplingSeedsArePinned() throws {
        var generation = GenerationSettings()
        generation.sendSeed = true
        let plain = try stageRequests()
        let requests = StageRequests(
            seeds: plain.seeds, templates: plain.templates, generation: generation, model: "m", providerKind: .offline, seed: 42)
        let seeds = try (0..<3).map { try requests.expand(instruction("id1"), variant: $0).request.sampling.seed }
        #expect(seeds == [1_446_213_685, 209_142_492, 108_923_003])
    }

    func instruction(_ id: String) -> StoredInstruction {
        StoredInstruction(
            id: id, position: 0, text: "Explain tides.", mainSource: "m", originalSource: "-", sourceName: "dsp",
            sourceFile: "f", sourceLine: 1)
    }

    func item(_ id: String) -> ExportItem {
        let variants = (0..<3).map {
            ExportItem.Variant(index: $0, preferenceSet: .array([]), system: "system \($0)", response: "response \($0)")
        }
        return ExportItem(instruction: instruction(id), variants: variants, expectedVariants: 3)
    }

    @Test func sftSmallPickAndRejectedVariantArePinned() {
        let builder = RecordBuilder(seed: 42)
        #expect(builder.smallVariant(item("id1"))?.index == 2)
        #expect(builder.smallVariant(item("x"))?.index == 2)
        #expect(builder.pair(item("id1")).map { [$0.chosen.index, $0.rejected.index] } == [2, 1])
        #expect(builder.pair(item("x")).map { [$0.chosen.index, $0.rejected.index] } == [1, 0])
    }
}
