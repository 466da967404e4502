import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// One answer set's scores from one judge (paper F.2): each item's score in a run is the mean
/// of its four rubric scores; a run's score is the mean over items; the score is the mean over
/// runs, with the spread of the run scores beside it.
public struct BenchScores: Sendable {
    public var set: String
    public var judge: String
    /// Items graded on all four rubrics in at least one run.
    public var items = 0
    public var runMeans: [Double] = []
    public var byDimension: [String: Double] = [:]
    public var bySource: [String: Double] = [:]
    /// Verdicts still missing (not yet judged, failed or quarantined) for the runs found.
    public var missing = 0

    public var overall: Double { runMeans.isEmpty ? 0 : runMeans.reduce(0, +) / Double(runMeans.count) }
    /// The standard deviation of the run scores (0 for one run).
    public var spread: Double {
        guard runMeans.count > 1 else { return 0 }
        let mean = overall
        return (runMeans.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(runMeans.count - 1)).squareRoot()
    }

    public static func compute(store: CheckpointStore, items: [BenchItem], set: String, judge: String) throws -> BenchScores {
        let prefix = BenchKeys.judgePrefix(set, judge: judge)
        let stored = try store.stageResults(stage: Stage.benchJudge, idPrefix: prefix)
        var scores: [String: Int] = [:]  // "<instruction>|<run>|<variant>|<dimension>"
        var runs = Set<Int>()
        for (key, result) in stored {
            guard let verdict = Verdict(stored: result.output) else { continue }
            let k = BenchKeys.parseJudge(key, prefix: prefix)
            runs.insert(k.run)
            scores["\(k.instructionID)|\(k.run)|\(k.variant)|\(k.dimension)"] = verdict.score
        }
        var out = BenchScores(set: set, judge: judge)
        var dimensionSums: [String: (Double, Int)] = [:]
        var sourceSums: [String: (Double, Int)] = [:]
        var graded = Set<String>()
        for run in runs.sorted() {
            var sum = 0.0
            var count = 0
            for item in items {
                let four = (0..<4).compactMap { scores["\(item.instruction.id)|\(run)|\(item.variant)|\($0)"] }
                out.missing += 4 - four.count
                for (d, score) in four.enumerated() where four.count == 4 {
                    dimensionSums[Dimension.allCases[d].rawValue, default: (0, 0)].0 += Double(score)
                    dimensionSums[Dimension.allCases[d].rawValue, default: (0, 0)].1 += 1
                }
                guard four.count == 4 else { continue }
                let itemScore = Double(four.reduce(0, +)) / 4
                sum += itemScore
                count += 1
                graded.insert(item.id)
                sourceSums[item.instruction.source, default: (0, 0)].0 += itemScore
                sourceSums[item.instruction.source, default: (0, 0)].1 += 1
            }
            if count > 0 { out.runMeans.append(sum / Double(count)) }
        }
        out.items = graded.count
        out.byDimension = dimensionSums.mapValues { $0.1 > 0 ? $0.0 / Double($0.1) : 0 }
        out.bySource = sourceSums.mapValues { $0.1 > 0 ? $0.0 / Double($0.1) : 0 }
        return out
    }

    public var json: JSONValue {
        .object([
            ("model", .string(set)), ("judge", .string(judge)), ("items", .integer(items)), ("runs", .integer(runMeans.count)),
            ("score", .number(Self.round(overall))), ("spread", .number(Self.round(spread))),
            ("run_scores", .array(runMeans.map { .number(Self.round($0)) })),
            ("by_dimension", .object(Dimension.allCases.map { ($0.rawValue, .number(Self.round(byDimension[$0.rawValue] ?? 0))) })),
            ("by_source", .object(bySource.keys.sorted().map { ($0, .number(Self.round(bySource[$0] ?? 0))) })),
            ("missing_verdicts", .integer(missing)),
        ])
    }

    static func round(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }
}

/// Several answer sets side by side: a terminal table, JSON, and an SVG chart.
public struct BenchReport: Sendable {
    public var scores: [BenchScores]

    public init(scores: [BenchScores]) { self.scores = scores }

    public var json: JSONValue { .object([("models", .array(scores.map(\.json)))]) }

    public var table: String {
        func f(_ x: Double) -> String { String(format: "%.3f", x) }
        var rows = [["", ] + scores.map { "\($0.set) (judge \($0.judge))" }]
        rows.append(["score"] + scores.map { f($0.overall) })
        rows.append(["spread across runs (sd)"] + scores.map { f($0.spread) })
        rows.append(["runs"] + scores.map { "\($0.runMeans.count)" })
        rows.append(["items"] + scores.map { "\($0.items)" })
        for d in Dimension.allCases.map(\.rawValue) { rows.append([d] + scores.map { f($0.byDimension[d] ?? 0) }) }
        let sources = Set(scores.flatMap(\.bySource.keys)).sorted()
        for s in sources { rows.append(["source \(s)"] + scores.map { $0.bySource[s].map(f) ?? "-" }) }
        var text = TextTable.render(rows)
        let missing = scores.filter { $0.missing > 0 }
        for s in missing { text += "\n\(s.set): \(s.missing) verdicts missing (run `bench judge` again)" }
        return text
    }

    /// Bars of the overall score and the per-dimension scores of every answer set.
    public var svg: String {
        var rows: [(label: String, value: Double)] = []
        for s in scores {
            rows.append(("\(s.set): score", s.overall))
            for d in Dimension.allCases.map(\.rawValue) { rows.append(("\(s.set): \(d)", s.byDimension[d] ?? 0)) }
        }
        return SVGChart.bars(rows, title: "Multifaceted Bench scores (1-5)", format: { String(format: "%.2f", $0) }) + "\n"
    }
}

extension Workspace {
    /// The complete bench items less those the last export's review dropped.
    public func reviewedBenchItems() throws -> [BenchItem] {
        let dropped = Set((try store.benchMeta("review_dropped")).flatMap { try? JSONParser.parse($0) }?.arrayValue?.compactMap(\.stringValue) ?? [])
        return try benchState().items.filter { !dropped.contains($0.id) }
    }

    /// The judges that graded answer set `set`.
    public func benchJudges(of set: String) throws -> [String] {
        let keys = try store.stageResults(stage: Stage.benchJudge, idPrefix: set + "|").keys
        return Set(keys.compactMap { $0.instructionID.split(separator: "|", omittingEmptySubsequences: false).dropFirst().first.map(String.init) }).sorted()
    }
}
