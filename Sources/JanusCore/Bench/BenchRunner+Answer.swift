import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// Answers and verdicts are stored as stage results under item ids that name their answer set
/// (and judge): `<set>|<instruction id>` for `bench_answer`, `<set>|<judge>|<instruction id>`
/// for `bench_judge`, whose variant field holds run * 100 + variant * 10 + dimension.
public enum BenchKeys {
    public static func answer(_ set: String, _ item: BenchItem) -> ItemKey {
        ItemKey("\(set)|\(item.instruction.id)", item.variant)
    }

    public static func judgePrefix(_ set: String, judge: String) -> String { "\(set)|\(judge)|" }

    public static func judge(_ set: String, judge: String, _ item: BenchItem, run: Int, dimension: Int) -> ItemKey {
        ItemKey(judgePrefix(set, judge: judge) + item.instruction.id, run * 100 + item.variant * 10 + dimension)
    }

    /// (instruction id, run, variant, dimension) of a verdict's key.
    public static func parseJudge(_ key: ItemKey, prefix: String) -> (instructionID: String, run: Int, variant: Int, dimension: Int) {
        (String(key.instructionID.dropFirst(prefix.count)), key.variant / 100, (key.variant / 10) % 10, key.variant % 10)
    }

    /// A name usable in these ids.
    public static func validate(_ name: String, what: String) throws {
        guard !name.isEmpty, !name.contains("|") else {
            throw ConfigError(file: what, message: "\"\(name)\" cannot name an answer set or a judge: it must be non-empty, without `|`")
        }
    }
}

extension BenchRunner {
    /// The model under test answers every item (system message + instruction) not yet answered
    /// in the answer set `set`.
    public func answer(_ items: [BenchItem], set: String) async throws {
        let stored = try runner.store.stageResults(stage: Stage.benchAnswer, idPrefix: set + "|")
        let failures = try runner.store.failures(stage: Stage.benchAnswer)
        let state = StoredState(results: [.benchAnswer: stored], failures: [.benchAnswer: failures])
        stats.update(.benchAnswer) { $0.total = items.count }
        try await forEach(items) { item in
            let key = BenchKeys.answer(set, item)
            if state.results[.benchAnswer]?[key] != nil {
                // An answer brought with --responses has no request to compare; it stands.
                self.stats.update(.benchAnswer) { $0.stored += 1 }
                return
            }
            try await self.text(.benchAnswer, key, try self.requests.answer(item), state: state)
        }
    }

    /// The judge grades every answer of `set` against each of its item's four rubrics, `runs`
    /// times, one call each.
    public func judge(_ items: [BenchItem], set: String, judge: String, runs: Int) async throws {
        let answers = try runner.store.stageResults(stage: Stage.benchAnswer, idPrefix: set + "|")
        let verdicts = try runner.store.stageResults(stage: Stage.benchJudge, idPrefix: BenchKeys.judgePrefix(set, judge: judge))
        let failures = try runner.store.failures(stage: Stage.benchJudge)
        let state = StoredState(results: [.benchJudge: verdicts], failures: [.benchJudge: failures])
        let answered = items.compactMap { item in answers[BenchKeys.answer(set, item)].map { (item, $0.output) } }
        stats.update(.benchJudge) { $0.total += answered.count * runs * 4 }
        var work: [JudgeWork] = []
        for (item, response) in answered {
            for run in 0..<runs {
                for dimension in 0..<4 { work.append(JudgeWork(item: item, response: response, run: run, dimension: dimension)) }
            }
        }
        try await forEach(work) { w in
            let key = BenchKeys.judge(set, judge: judge, w.item, run: w.run, dimension: w.dimension)
            let prepared = try self.requests.judge(w.item, response: w.response, dimension: w.dimension, run: w.run)
            if let stored = state.output(.benchJudge, key, key: prepared.key), Verdict(stored: stored) != nil {
                self.stats.update(.benchJudge) { $0.stored += 1 }
                return
            }
            _ = try await self.runner.ask(.benchJudge, key, prepared, recipe: prepared.key, state: state) { answer throws(InvalidOutput) in
                let verdict = try VerdictParser.parse(answer)
                return (verdict, verdict.json.serialized())
            }
        }
    }
}

struct JudgeWork: Sendable {
    var item: BenchItem
    var response: String
    var run: Int
    var dimension: Int
}
