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
        var stats = DatasetStats()
        var subdimensions: [String: Set<String>] = [:]
        var preferences = Set<String>()
        var rougeSums: [String: (Double, Int)] = [:]
        var leftOut = LeftOut()
        try workspace.forEachExportItem(leftOut: &leftOut, transform: ItemFigures.init) { figures in
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

/// What one instruction adds to the statistics, worked out on a worker thread: its
/// preferences, and the ROUGE-L of every pair of its variants' descriptions per dimension
/// (in pair order, so the sums come out the same in any run).
struct ItemFigures: Sendable {
    var source: String
    var completeVariants: Int
    var preferences: [(dimension: String, subdimension: String, description: String)] = []
    var rouge: [(dimension: String, scores: [Double])] = []

    init(_ item: ExportItem) {
        source = item.instruction.mainSource
        completeVariants = item.variants.count
        let sets = item.variants.compactMap { $0.preferenceSet.arrayValue }
        for set in sets {
            for p in set {
                preferences.append((
                    p["dimension"]?.stringValue ?? "?", p["subdimension"]?.stringValue ?? "", p["description"]?.stringValue ?? ""))
            }
        }
        // Tokens as small numbers, shared within the instruction: the LCS compares integers.
        var ids: [Substring: Int] = [:]
        func tokens(_ text: String) -> [Int] {
            RougeL.tokens(text).map { token in
                if let id = ids[token] { return id }
                ids[token] = ids.count
                return ids.count - 1
            }
        }
        for (d, dimension) in Dimension.allCases.enumerated() {
            let descriptions = sets.compactMap { $0.count > d ? $0[d]["description"]?.stringValue : nil }.map(tokens)
            guard descriptions.count > 1 else { continue }
            var scores: [Double] = []
            for i in 0..<descriptions.count {
                for j in (i + 1)..<descriptions.count {
                    scores.append(RougeL.f1(descriptions[i], descriptions[j]))
                }
            }
            rouge.append((dimension.rawValue, scores))
        }
    }
}
