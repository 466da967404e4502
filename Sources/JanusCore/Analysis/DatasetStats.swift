import Foundation
import JanusExport
import JanusSupport

/// Counts and diversity of the completed part of the collection.
public struct DatasetStats: Sendable {
    public var instructions = 0
    public var completeVariants = 0
    public var bySource: [String: Int] = [:]
    public var uniqueSubdimensions: [String: Int] = [:]
    public var uniquePreferences = 0
    /// Mean ROUGE-L F1 between the descriptions of one dimension across an instruction's variants.
    public var rougeByDimension: [String: Double] = [:]
    /// The same over every pair of every dimension.
    public var rougeMean = 0.0

    /// The paper's figures (Appendix B.1, Figure 4): ROUGE-L between the preference descriptions
    /// of one instruction, about 0.21 on average across dimensions, 0.25 at most. It does not say
    /// of what the maximum is; we set it beside our highest dimension mean.
    public static let paperRougeMean = 0.21
    public static let paperRougeMax = 0.25

    /// The highest per-dimension mean.
    public var rougeMax: Double { rougeByDimension.values.max() ?? 0 }

    public static func compute(_ workspace: Workspace) throws -> DatasetStats {
        try aggregate { visit in try workspace.forEachItemFigures(visit) }
    }

    /// The statistics of the figures `walk` hands over, in position order.
    static func aggregate(_ walk: (_ visit: (ItemFigures) throws -> Void) throws -> Void) throws -> DatasetStats {
        var stats = DatasetStats()
        var subdimensions: [String: Set<HashedText>] = [:]
        var preferences = Set<HashedText>()
        var rougeSums: [String: (Double, Int)] = [:]
        try walk { figures in
            stats.instructions += 1
            stats.bySource[figures.source, default: 0] += 1
            stats.completeVariants += figures.completeVariants
            for p in figures.preferences {
                subdimensions[p.dimension, default: []].insert(p.subdimension)
                preferences.insert(p.description)
            }
            for (dimension, scores) in figures.rouge {
                for score in scores {
                    rougeSums[dimension, default: (0, 0)].0 += score
                    rougeSums[dimension, default: (0, 0)].1 += 1
                }
            }
        }
        stats.uniqueSubdimensions = subdimensions.mapValues(\.count)
        stats.uniquePreferences = preferences.count
        stats.rougeByDimension = rougeSums.mapValues { $0.1 > 0 ? $0.0 / Double($0.1) : 0 }
        // Summed in dimension order: a dictionary's order changes from run to run, and with it
        // the last digit of a floating-point sum.
        let all = Dimension.allCases.compactMap { rougeSums[$0.rawValue] }.reduce((0.0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
        stats.rougeMean = all.1 > 0 ? all.0 / Double(all.1) : 0
        return stats
    }

    public var json: JSONValue {
        .object([
            ("instructions", .integer(instructions)), ("complete_variants", .integer(completeVariants)),
            ("by_source", .object(bySource.keys.sorted().map { ($0, .integer(bySource[$0] ?? 0)) })),
            ("unique_subdimensions", .object(Dimension.allCases.map { ($0.rawValue, .integer(uniqueSubdimensions[$0.rawValue] ?? 0)) })),
            ("unique_preference_descriptions", .integer(uniquePreferences)),
            ("rouge_l_within_instruction", .object(Dimension.allCases.map { ($0.rawValue, .number(rougeByDimension[$0.rawValue] ?? 0)) })),
            ("rouge_l_mean", .number(rougeMean)), ("rouge_l_max_dimension", .number(rougeMax)),
            ("paper_rouge_l", .object([("mean", .number(Self.paperRougeMean)), ("max", .number(Self.paperRougeMax))])),
        ])
    }

    public var table: String {
        var rows = [["dimension", "unique subdimensions", "mean ROUGE-L within instruction"]]
        for d in Dimension.allCases.map(\.rawValue) {
            rows.append([d, "\(uniqueSubdimensions[d] ?? 0)", String(format: "%.3f", rougeByDimension[d] ?? 0)])
        }
        var text = "instructions: \(instructions), complete variants: \(completeVariants), unique preference descriptions: \(uniquePreferences)\n"
        text += bySource.keys.sorted().map { "  \($0): \(bySource[$0] ?? 0)" }.joined(separator: "\n") + "\n"
        text += TextTable.render(rows) + "\n"
        text += TextTable.render([
            ["ROUGE-L within instruction", "mean", "max"],
            ["ours (max: highest dimension mean)", String(format: "%.3f", rougeMean), String(format: "%.3f", rougeMax)],
            ["paper (B.1, Figure 4)", String(format: "%.2f", Self.paperRougeMean), String(format: "%.2f", Self.paperRougeMax)],
        ])
        return text
    }
}
