import Foundation
import JanusStore

extension CollectionReport {
    /// The report as one self-contained HTML page: inline CSS and SVG, no script, no link out.
    /// The figures `stats` prints carry `data-*` attributes naming them, for checks.
    public var html: String {
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>janus-data report: \(HTML.escape(store))</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1000px;padding:0 16px;color:#222;background:#fff}
            h1{font-size:24px;margin-bottom:4px}h2{font-size:19px;margin-top:36px;border-bottom:1px solid #ccc;padding-bottom:4px}
            table{border-collapse:collapse;margin:8px 0;font-size:14px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
            th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}.note{color:#555;font-size:14px}
            .charts{display:flex;flex-wrap:wrap;gap:12px}svg.chart{border:1px solid #eee;background:#fff}
            .summary span{display:inline-block;margin-right:24px}.summary b{font-size:20px}
            </style></head><body>
            <h1>janus-data report</h1>
            <p class="note">Store <code>\(HTML.escape(store))</code>\(run.map { ", as made by its most recent " + HTML.escape($0) } ?? "").</p>
            <p class="summary"><span><b data-stat="instructions">\(stats.instructions)</b> instructions</span>\
            <span><b data-stat="complete_variants">\(stats.completeVariants)</b> complete variants</span>\
            <span><b data-stat="unique_preference_descriptions">\(stats.uniquePreferences)</b> unique preference descriptions</span></p>

            """
        page += sourcesSection + taxonomySection + rougeSection + lengthsSection + usageSection + failuresSection
        return page + "</body></html>\n"
    }

    var sourcesSection: String {
        var s = "<h2 id=\"sources\">Instructions per source (Table 5)</h2>\n"
        s += "<table><tr><th>Source dataset</th><th>Original source</th><th>Count</th></tr>\n"
        let mains = stats.bySource.keys.sorted()
        for main in mains {
            let rows = sources.filter { $0.mainSource == main }
            for (i, row) in rows.enumerated() {
                let first = i == 0 ? "<td rowspan=\"\(rows.count)\">\(HTML.escape(main))</td>" : ""
                s += "<tr>\(first)<td>\(HTML.escape(row.originalSource.isEmpty ? "-" : row.originalSource))</td><td class=\"n\">\(row.count)</td></tr>\n"
            }
        }
        s += "<tr><th colspan=\"2\">Total</th><th class=\"n\">\(stats.instructions)</th></tr></table>\n"
        s += "<table><tr><th>Source dataset</th><th>Instructions</th></tr>\n"
        for main in mains {
            s += "<tr><td>\(HTML.escape(main))</td><td class=\"n\" data-source=\"\(HTML.escape(main))\">\(stats.bySource[main] ?? 0)</td></tr>\n"
        }
        s += "</table>\n"
        s += chart(SVGChart.bars(mains.map { ($0, Double(stats.bySource[$0] ?? 0)) }, title: "Instructions per source dataset", format: { String(Int($0)) }))
        return s
    }

    var taxonomySection: String {
        var s = "<h2 id=\"taxonomy\">Subdimensions and preference keywords (Table 7)</h2>\n"
        s += "<p class=\"note\">Per dimension the \(Self.topSubdimensions) subdimensions most often named, with how many preferences name them and up to \(Self.keywordsShown) of their keywords drawn at random (seeded).</p>\n"
        s += "<table><tr><th>Dimension</th><th>Unique subdimensions</th><th>Subdimension (top \(Self.topSubdimensions))</th><th>Preferences</th><th>Preference keywords (randomly sampled)</th></tr>\n"
        for dimension in Dimension.allCases {
            let rows = subdimensions[dimension] ?? []
            let span = max(rows.count, 1)
            let head = "<td rowspan=\"\(span)\">\(HTML.escape(Self.title(dimension)))</td><td rowspan=\"\(span)\" class=\"n\" data-unique-subdimensions=\"\(dimension.rawValue)\">\(stats.uniqueSubdimensions[dimension.rawValue] ?? 0)</td>"
            if rows.isEmpty { s += "<tr>\(head)<td colspan=\"3\">none yet</td></tr>\n" }
            for (i, row) in rows.enumerated() {
                s += "<tr>\(i == 0 ? head : "")<td>\(HTML.escape(row.name))</td><td class=\"n\">\(row.count)</td><td>\(HTML.escape(row.keywords.joined(separator: ", ")))</td></tr>\n"
            }
        }
        return s + "</table>\n"
    }

    var rougeSection: String {
        var s = "<h2 id=\"rouge\">Diversity of preferences: ROUGE-L between descriptions (Figure 4)</h2>\n"
        s += "<p class=\"note\">Per instruction and dimension, the mean ROUGE-L F1 between the preference descriptions of its variants. The paper reports a mean of about \(Self.paperRougeMean) across dimensions (dashed line), at most 0.25 for any one; lower is more diverse.</p>\n"
        s += "<table><tr><th>Dimension</th><th>Instructions</th><th>Mean ROUGE-L</th><th>Paper</th></tr>\n"
        for dimension in Dimension.allCases {
            let mean = stats.rougeByDimension[dimension.rawValue] ?? 0
            s += "<tr><td>\(HTML.escape(Self.title(dimension)))</td><td class=\"n\">\(rougePerInstruction[dimension]?.count ?? 0)</td><td class=\"n\" data-rouge=\"\(dimension.rawValue)\">\(String(format: "%.3f", mean))</td><td class=\"n\">≈ \(Self.paperRougeMean)</td></tr>\n"
        }
        s += "</table>\n<div class=\"charts\">\n"
        for dimension in Dimension.allCases {
            let mean = stats.rougeByDimension[dimension.rawValue] ?? 0
            s += chart(SVGChart.histogram(
                rougePerInstruction[dimension] ?? [], range: 0...1, bins: 20, title: "ROUGE-L: \(Self.title(dimension))", xLabel: "ROUGE-L F1",
                markers: [
                    .init(value: mean, label: String(format: "mean %.3f", mean), colour: "#d62728", dashed: false),
                    .init(value: Self.paperRougeMean, label: "paper ≈ \(Self.paperRougeMean)", colour: "#2ca02c", dashed: true),
                ]))
        }
        return s + "</div>\n"
    }

    var lengthsSection: String {
        var s = "<h2 id=\"lengths\">Lengths of system messages and responses</h2>\n<div class=\"charts\">\n"
        for (name, values) in [("System messages", systemLengths), ("Responses", responseLengths)] {
            let doubles = values.map(Double.init)
            let mean = doubles.isEmpty ? 0 : doubles.reduce(0, +) / Double(doubles.count)
            let upper = SVGChart.niceUpperBound(doubles.max() ?? 0)
            s += chart(SVGChart.histogram(
                doubles, range: 0...upper, bins: 25, title: "\(name): words (\(values.count))", xLabel: "words",
                markers: [.init(value: mean, label: String(format: "mean %.0f", mean), colour: "#d62728", dashed: false)]))
        }
        return s + "</div>\n"
    }

    var usageSection: String {
        var s = "<h2 id=\"usage\">Tokens and cost per stage</h2>\n"
        s += "<table><tr><th>Stage</th><th>Answers stored</th><th>Prompt tokens</th><th>Completion tokens</th><th>Cost (USD)</th></tr>\n"
        for row in usage {
            s += "<tr><td>\(HTML.escape(row.stage))</td><td class=\"n\">\(row.requests)</td><td class=\"n\">\(row.promptTokens)</td><td class=\"n\">\(row.completionTokens)</td><td class=\"n\">\(String(format: "%.4f", row.cost))</td></tr>\n"
        }
        s += "</table>\n"
        if !unpriced.isEmpty {
            s += "<p class=\"note\">Not counted in the costs (no price known): " + unpriced.keys.sorted().map { "\(unpriced[$0] ?? 0) answers of \(HTML.escape($0))" }.joined(separator: ", ") + ".</p>\n"
        }
        s += chart(SVGChart.bars(usage.map { ($0.stage, Double($0.promptTokens + $0.completionTokens)) }, title: "Tokens per stage (prompt + completion)", format: { String(Int($0)) }))
        return s
    }

    var failuresSection: String {
        var s = "<h2 id=\"failures\">Failures</h2>\n"
        guard !failures.groups.isEmpty else { return s + "<p>No failed or quarantined items.</p>\n" }
        s += "<p class=\"note\"><span data-stat=\"failed\">\(failures.failed)</span> failed and <span data-stat=\"quarantined\">\(failures.quarantined)</span> quarantined items. \(HTML.escape(failures.retryAdvice ?? "")).</p>\n"
        s += "<table><tr><th>Reason</th><th>Items</th><th>Stages</th></tr>\n"
        for group in failures.groups {
            let stages = Stage.allCases.compactMap { stage -> String? in
                let n = group.items.filter { $0.stage == stage }.count
                return n > 0 ? "\(stage.rawValue) \(n)" : nil
            }.joined(separator: ", ")
            s += "<tr><td>\(HTML.escape(group.reason))</td><td class=\"n\">\(group.items.count)</td><td>\(stages)</td></tr>\n"
        }
        s += "</table>\n"
        return s + chart(SVGChart.bars(
            failures.groups.prefix(12).map { (String($0.reason.prefix(40)), Double($0.items.count)) }, title: "Items per failure reason",
            format: { String(Int($0)) }))
    }

    func chart(_ svg: String) -> String {
        svg.replacingOccurrences(of: "<svg ", with: "<svg class=\"chart\" ", options: .anchored) + "\n"
    }

    static func title(_ dimension: Dimension) -> String {
        switch dimension {
        case .style: return "Style"
        case .backgroundKnowledge: return "Background knowledge"
        case .informativeness: return "Informativeness"
        case .harmlessness: return "Harmlessness"
        }
    }
}
