import Foundation
import JanusStore

/// The `README.md` dataset card written with each export.
enum DatasetCard {
    static func render(_ result: ExportResult, stats: CardStats, leftOut: LeftOut, context: ExportContext) -> String {
        let sources = stats.sources
        let subdimensions = stats.subdimensions
        var lines: [String] = [
            "---",
            "configs:",
            "- config_name: default",
            "  data_files:",
        ]
        for split in result.splits.map(\.name) {
            lines.append("  - split: \(split)")
            lines.append("    path: \"\(split)-*.jsonl\(result.splits.first?.shards.first?.name.hasSuffix(".gz") == true ? ".gz" : "")\"")
        }
        lines += [
            "---",
            "",
            "# Multifaceted Collection (\(result.format.rawValue)), rebuilt with janus-data",
            "",
            "Instructions paired with system messages that each state a set of four preferences (style, background",
            "knowledge, informativeness, harmlessness), and gold responses written for those system messages, in the",
            "layout of the published Multifaceted Collection `\(result.format.rawValue)` files.",
            "",
            "## Counts",
            "",
            "| split | files | records |",
            "|---|---|---|",
        ]
        for (split, shards) in result.splits {
            lines.append("| \(split) | \(shards.count) | \(shards.reduce(0) { $0 + $1.records }) |")
        }
        lines += ["", "Left out (incomplete items are never exported):", ""]
        for (reason, count) in leftOut.pairs { lines.append("- \(reason): \(count)") }
        lines += ["", "### Instructions per source", "", "| main source / original source | instructions |", "|---|---|"]
        for key in sources.keys.sorted() { lines.append("| \(key) | \(sources[key] ?? 0) |") }
        lines += ["", "### Preferences per dimension and subdimension (top 10 each)", ""]
        for dimension in context.dimensions {
            let subs = (subdimensions[dimension] ?? [:]).sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
            lines.append("- \(dimension): " + subs.prefix(10).map { "\($0.key) (\($0.value))" }.joined(separator: ", "))
        }
        lines += [
            "", "## Generation settings", "",
            "- provider: \(context.provider)", "- model: \(context.model)", "- seed: \(context.seed)",
        ]
        for (name, value) in context.sampling { lines.append("- \(name): \(value.serialized())") }
        for name in context.templateHashes.keys.sorted() {
            lines.append("- template \(name): sha256 \(context.templateHashes[name] ?? "")")
        }
        lines += ["", "## Token usage and cost", "", "| stage | requests | prompt tokens | completion tokens | cost (USD) |", "|---|---|---|---|---|"]
        for stage in Stage.allCases.map(\.rawValue) {
            let u = context.usage[stage] ?? (0, 0, 0, 0)
            lines.append("| \(stage) | \(u.requests) | \(u.promptTokens) | \(u.completionTokens) | \(String(format: "%.4f", u.cost)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
