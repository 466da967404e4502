import Foundation
import JanusExport
import JanusStore
import JanusSupport

/// What `report` shows: the collection measured the way the paper measures it (Table 5,
/// Table 7, Figure 4), with lengths, usage and failures. The headline figures are the ones
/// `stats` computes, so the two always agree.
public struct CollectionReport: Sendable {
    /// One row of Table 5: instructions of one original source within one source dataset.
    public struct SourceRow: Sendable, Hashable {
        public var mainSource: String
        public var originalSource: String
        public var count: Int
    }

    /// A subdimension of one dimension with how many preferences name it and a few of their keywords.
    public struct SubdimensionRow: Sendable, Hashable {
        public var name: String
        public var count: Int
        public var keywords: [String]
    }

    /// The usage of one stage (the request cache, every answer ever stored).
    public struct UsageRow: Sendable, Hashable {
        public var stage: String
        public var requests: Int
        public var promptTokens: Int
        public var completionTokens: Int
        public var cost: Double
    }

    /// The paper's mean ROUGE-L between preference descriptions of one instruction (B.1, Figure 4).
    public static let paperRougeMean = 0.21

    public var stats: DatasetStats
    public var store: String
    public var run: String?
    public var sources: [SourceRow]
    public var subdimensions: [Dimension: [SubdimensionRow]]
    /// Per dimension, each instruction's mean ROUGE-L F1 between its variants' descriptions.
    public var rougePerInstruction: [Dimension: [Double]]
    /// Words per system message and per response, over the complete variants.
    public var systemLengths: [Int]
    public var responseLengths: [Int]
    public var usage: [UsageRow]
    public var unpriced: [String: Int]
    public var failures: FailureReport

    /// Subdimensions shown per dimension, and keywords per subdimension (as the paper's Table 7).
    public static let topSubdimensions = 5
    public static let keywordsShown = 5

    public static func compute(_ workspace: Workspace, read: ReadSettings) throws -> CollectionReport {
        let stats = try DatasetStats.compute(workspace)
        var sourceCounts: [SourceRow: Int] = [:]
        var keywords: [Dimension: [String: Set<String>]] = [:]
        var mentions: [Dimension: [String: Int]] = [:]
        var rouge: [Dimension: [Double]] = [:]
        var systemLengths: [Int] = []
        var responseLengths: [Int] = []
        var leftOut = LeftOut()
        // The ROUGE-L scores, the costly part, are computed on the worker threads.
        try workspace.forEachExportItem(leftOut: &leftOut, transform: { item in (item, Self.rouge(item)) }) { item, scores in
            sourceCounts[SourceRow(mainSource: item.instruction.mainSource, originalSource: item.instruction.originalSource, count: 0), default: 0] += 1
            for variant in item.variants {
                systemLengths.append(Self.words(variant.system))
                responseLengths.append(Self.words(variant.response))
                for p in variant.preferenceSet.arrayValue ?? [] {
                    guard let dimension = p["dimension"]?.stringValue.flatMap(Dimension.init(rawValue:)) else { continue }
                    let sub = p["subdimension"]?.stringValue ?? ""
                    mentions[dimension, default: [:]][sub, default: 0] += 1
                    keywords[dimension, default: [:]][sub, default: []].insert(p["preference"]?.stringValue ?? "")
                }
            }
            for (dimension, score) in scores { rouge[dimension, default: []].append(score) }
        }
        let sources = sourceCounts.map { SourceRow(mainSource: $0.key.mainSource, originalSource: $0.key.originalSource, count: $0.value) }
            .sorted { ($0.mainSource, $1.count, $0.originalSource) < ($1.mainSource, $0.count, $1.originalSource) }
        var subdimensions: [Dimension: [SubdimensionRow]] = [:]
        for dimension in Dimension.allCases {
            let counts = mentions[dimension] ?? [:]
            let top = counts.keys.sorted { (counts[$1] ?? 0, $0) < (counts[$0] ?? 0, $1) }.prefix(topSubdimensions)
            subdimensions[dimension] = top.map { name in
                var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: workspace.config.seed), "report", dimension.rawValue, name)
                let pool = (keywords[dimension]?[name] ?? []).sorted()
                let picked = rng.distinctIndices(keywordsShown, below: pool.count).map { pool[$0] }
                return SubdimensionRow(name: name, count: counts[name] ?? 0, keywords: picked)
            }
        }
        let totals = try workspace.store.usageTotals()
        let order = Stage.allCases.map(\.rawValue)
        let usage = totals.keys.sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }.map {
            let t = totals[$0] ?? (0, 0, 0, 0)
            return UsageRow(stage: $0, requests: t.requests, promptTokens: t.promptTokens, completionTokens: t.completionTokens, cost: t.cost)
        }
        return CollectionReport(
            stats: stats, store: workspace.config.db, run: read.runDescription, sources: sources, subdimensions: subdimensions,
            rougePerInstruction: rouge, systemLengths: systemLengths, responseLengths: responseLengths, usage: usage,
            unpriced: try workspace.store.unpricedAnswers(), failures: try FailureReport.compute(workspace))
    }

    /// Per dimension, the mean ROUGE-L F1 between the descriptions of an item's variants
    /// (dimensions with fewer than two descriptions are left out).
    /// Tokens are compared as `TokenKeys` numbers (equal exactly when the tokens are), as
    /// `stats` does.
    static func rouge(_ item: ExportItem) -> [(Dimension, Double)] {
        var keys = TokenKeys()
        var descriptions: [Dimension: [[UInt64]]] = [:]
        for variant in item.variants {
            for p in variant.preferenceSet.arrayValue ?? [] {
                guard let dimension = p["dimension"]?.stringValue.flatMap(Dimension.init(rawValue:)) else { continue }
                descriptions[dimension, default: []].append(keys.keys(p["description"]?.stringValue ?? ""))
            }
        }
        return Dimension.allCases.compactMap { dimension in
            guard let texts = descriptions[dimension], texts.count > 1 else { return nil }
            var sum = 0.0
            var pairs = 0
            for i in 0..<texts.count {
                for j in (i + 1)..<texts.count {
                    sum += RougeL.f1(texts[i], texts[j])
                    pairs += 1
                }
            }
            return (dimension, sum / Double(pairs))
        }
    }

    /// Words as `split(whereSeparator: \.isWhitespace)` counts them, on the bytes (per
    /// character it was a third of the report's CPU at 100k instructions, on the merging thread).
    static func words(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { UTF8Bytes.wordCount($0) } ?? text.split(whereSeparator: { $0.isWhitespace }).count
    }
}
