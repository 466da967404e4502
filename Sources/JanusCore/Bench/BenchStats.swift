import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// How far the bench's system messages are from the collection's (paper C.2: a mean ROUGE-L of
/// about 0.2, below the collection's similarity within itself). Each bench system message is
/// compared with a seeded sample of the collection's; the collection's own figure compares
/// seeded pairs of its system messages.
public struct BenchStats: Sendable {
    public var benchSystems = 0
    public var collectionSystems = 0
    public var sample = 0
    /// Mean ROUGE-L F1, bench against collection.
    public var crossMean = 0.0
    /// The highest ROUGE-L F1 of any bench system message against any sampled collection one.
    public var crossMax = 0.0
    /// Mean ROUGE-L F1 between pairs of collection system messages.
    public var withinCollectionMean = 0.0
    public static let paperCrossMean = 0.2

    public static func compute(bench: [String], collection: [String], seed: Int, sample: Int = 100) -> BenchStats {
        var stats = BenchStats()
        stats.benchSystems = bench.count
        stats.collectionSystems = collection.count
        guard !bench.isEmpty, !collection.isEmpty else { return stats }
        var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: seed), "bench_stats")
        let picked = rng.distinctIndices(min(sample, collection.count), below: collection.count).map { RougeL.tokens(collection[$0]) }
        stats.sample = picked.count
        var sum = 0.0
        var n = 0
        for text in bench {
            let tokens = RougeL.tokens(text)
            for other in picked {
                let f = RougeL.f1(tokens, other)
                sum += f
                n += 1
                stats.crossMax = max(stats.crossMax, f)
            }
        }
        stats.crossMean = n > 0 ? sum / Double(n) : 0
        var within = 0.0
        var pairs = 0
        for i in 0..<picked.count {
            for j in (i + 1)..<picked.count {
                within += RougeL.f1(picked[i], picked[j])
                pairs += 1
            }
        }
        stats.withinCollectionMean = pairs > 0 ? within / Double(pairs) : 0
        return stats
    }

    public var json: JSONValue {
        .object([
            ("bench_system_messages", .integer(benchSystems)), ("collection_system_messages", .integer(collectionSystems)),
            ("collection_sample", .integer(sample)),
            ("rouge_l_bench_vs_collection", .object([("mean", .number(crossMean)), ("max", .number(crossMax))])),
            ("rouge_l_within_collection", .number(withinCollectionMean)),
            ("paper_rouge_l_bench_vs_collection", .number(Self.paperCrossMean)),
        ])
    }

    public var table: String {
        func f(_ x: Double) -> String { String(format: "%.3f", x) }
        return "bench system messages: \(benchSystems), collection system messages: \(collectionSystems) (sample of \(sample))\n"
            + TextTable.render([
                ["ROUGE-L of system messages", "mean", "max"],
                ["bench vs collection", f(crossMean), f(crossMax)],
                ["collection vs collection", f(withinCollectionMean), "-"],
                ["paper (C.2, Figure 5): bench vs collection", String(format: "%.1f", Self.paperCrossMean), "-"],
            ])
    }
}
