import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// Which bench command a plan is for.
public enum BenchPart: String, Sendable, CaseIterable {
    case build, answer, judge
}

/// What a bench command would send, per stage, with no request made, for the configured model
/// (the writer's for `build`, the model under test's for `answer`, the judge's for `judge`):
/// estimated as `plan` does.
extension Workspace {
    /// `chosen`: bench instructions `bench build --source ...` would add (`BenchSelector.select`,
    /// not stored), planned as if they were.
    public func benchPlan(_ part: BenchPart, answerSets: [String], runs: Int, chosen: [BenchInstruction] = []) throws -> Plan {
        var state = try benchState()
        state.instructions += chosen
        let avoid = try store.benchMeta("avoid") ?? CollectionPreferences(storedSets: try store.collectionPreferenceSets()).listing
        let requests = try benchRequests(avoid: avoid)
        var status = PipelineStatus()
        func add(_ stage: Stage, _ item: ItemState) {
            status.stages[stage, default: PipelineStatus.Counts()].total += 1
            status.stages[stage, default: PipelineStatus.Counts()].add(item)
        }
        /// The stored output when it answers `prepared`, else the item's state.
        func look(_ stage: Stage, _ key: ItemKey, _ prepared: PreparedRequest, results: [ItemKey: StageResult]? = nil) -> String? {
            let result = (results ?? state.stored.results[stage])?[key]
            if let result, result.requestKey == prepared.key { return result.output }
            if let failure = state.stored.failures[stage]?[key], failure.requestKey == prepared.key {
                add(stage, .failed(failure))
            } else {
                add(stage, .ready(prepared, stale: result != nil, templateChanged: false))
            }
            return nil
        }
        let build: [Stage] = [.benchExpand, .benchSystems, .benchReference, .benchRubrics]
        for instruction in part == .build ? state.instructions : [] {
            for variant in 0..<state.variants {
                let key = ItemKey(instruction.id, variant)
                guard let setText = look(.benchExpand, key, try requests.expand(instruction, variant: variant)),
                    let set = try? PreferenceSetParser.parse(setText)
                else {
                    for stage in build.dropFirst() { add(stage, .blocked) }
                    continue
                }
                add(.benchExpand, .done(setText))
                guard let system = look(.benchSystems, key, try requests.systems(instruction, variant: variant, preferenceSet: set)) else {
                    for stage in build.suffix(2) { add(stage, .blocked) }
                    continue
                }
                add(.benchSystems, .done(system))
                let rest = [
                    (Stage.benchReference, try requests.reference(instruction, variant: variant, systemMessage: system)),
                    (.benchRubrics, try requests.rubrics(instruction, variant: variant, systemMessage: system, preferenceSet: set)),
                ]
                for (stage, prepared) in rest {
                    if let done = look(stage, key, prepared) { add(stage, .done(done)) }
                }
            }
        }
        let items = try reviewedBenchItems()
        if part == .answer {
            for set in answerSets {
                let answers = try store.stageResults(stage: Stage.benchAnswer, idPrefix: set + "|")
                for item in items {
                    if let stored = answers[BenchKeys.answer(set, item)] {
                        add(.benchAnswer, .done(stored.output))
                    } else {
                        add(.benchAnswer, .ready(try requests.answer(item), stale: false, templateChanged: false))
                    }
                }
            }
        }
        let judge = config.client.model
        if part == .judge {
            for set in answerSets {
                let answers = try store.stageResults(stage: Stage.benchAnswer, idPrefix: set + "|")
                let verdicts = try store.stageResults(stage: Stage.benchJudge, idPrefix: BenchKeys.judgePrefix(set, judge: judge))
                for item in items {
                    // Not answered yet: its verdicts wait for the answer.
                    let response = answers[BenchKeys.answer(set, item)]?.output
                    for run in 0..<runs {
                        for dimension in 0..<4 {
                            let prepared = try requests.judge(item, response: response ?? item.reference, dimension: dimension, run: run)
                            let key = BenchKeys.judge(set, judge: judge, item, run: run, dimension: dimension)
                            if response == nil {
                                add(.benchJudge, .blocked)
                            } else if let stored = verdicts[key], stored.requestKey == prepared.key {
                                add(.benchJudge, .done(stored.output))
                            } else {
                                add(.benchJudge, .ready(prepared, stale: verdicts[key] != nil, templateChanged: false))
                            }
                        }
                    }
                }
            }
        }
        let stages: [Stage] = part == .build ? build : part == .answer ? [.benchAnswer] : [.benchJudge]
        return try Plan.make(status: status, store: store, generation: config.generation, price: price, model: config.client.model, stages: stages)
    }
}
