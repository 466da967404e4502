import Foundation
@testable import JanusCore
@testable import JanusLLM
@testable import JanusStore
import Testing

/// Result stamps let status, plan, export and the resume scan of build find current results
/// from an index; these check that they find exactly what the full walk finds.
@Suite(.serialized, .removesTemporaryDirectories) struct ResultStampTests {
    let runner = GenerationRunnerTests()

    func settled(_ ws: Workspace) throws -> Set<String> {
        try ws.store.settledInstructions(variants: ws.config.generation.variants, settings: ws.stageRequests.settingsDigests)
    }

    func walkedStatus(_ ws: Workspace) throws -> PipelineStatus {
        let walker = ItemWalker(requests: ws.stageRequests, variants: ws.config.generation.variants)
        var status = PipelineStatus(instructions: 0, variants: ws.config.generation.variants)
        for stage in Stage.allCases { status.stages[stage] = PipelineStatus.Counts() }
        try ws.store.forEachInstruction { instruction, state in
            status.instructions += 1
            for variant in 0..<ws.config.generation.variants {
                for (stage, itemState) in try walker.walk(instruction, variant: variant, state: state) {
                    status.stages[stage]?.total += 1
                    status.stages[stage]?.add(itemState)
                }
            }
        }
        return status
    }

    @Test func stampedResultsAreSettledOnlyForTheSettingsTheyWereMadeWith() async throws {
        let ws = try runner.workspace(instructions: 3)
        let client = FakeClient { request throws(ChatError) in GenerationRunnerTests.validAnswer(request) }
        _ = try await runner.run(ws, client)
        #expect(try settled(ws).count == 3)
        #expect(try ws.status().stages == walkedStatus(ws).stages)
        #expect(try ws.status().stages[.respond]?.done == 9)

        for change in [{ (c: inout JanusConfig) in c.seed += 1 }, { (c: inout JanusConfig) in c.generation.temperature = 0.123 }] {
            var config = ws.config
            change(&config)
            let other = try Workspace(config: config)
            #expect(try settled(other).isEmpty)
            #expect(try other.status().stages == walkedStatus(other).stages)
            #expect(try other.status().stages[.expand]?.done == 0)
        }
    }

    @Test func aReplacedEarlierOutputUnsettlesWhatWasMadeFromIt() async throws {
        let ws = try runner.workspace(instructions: 2)
        let client = FakeClient { request throws(ChatError) in GenerationRunnerTests.validAnswer(request) }
        _ = try await runner.run(ws, client)
        let item = try #require(try ws.store.stageResults(stage: .systems).keys.min { $0.instructionID < $1.instructionID })
        let old = try #require(try ws.store.stageResults(stage: .systems)[item])
        // A systems output made under the same settings but different: its respond result is no longer current.
        var replaced = old
        replaced.output = old.output + " Also brief."
        replaced.stamp = ws.stageRequests.stamp(.systems, input: try #require(ws.store.stageResults(stage: .expand)[item]).output)
        try ws.store.saveStageResult(stage: .systems, item: item, result: replaced)
        #expect(try settled(ws) == [try #require(ws.store.stageResults(stage: .expand).keys.first { $0.instructionID != item.instructionID }).instructionID])
        let status = try ws.status()
        #expect(status.stages == (try walkedStatus(ws)).stages)
        #expect(status.stages[.respond]?.done == 5)
    }

    @Test func aBuildStampsResultsStoredWithoutStamps() async throws {
        let ws = try runner.workspace(instructions: 2)
        let client = FakeClient { request throws(ChatError) in GenerationRunnerTests.validAnswer(request) }
        _ = try await runner.run(ws, client)
        try ws.store.db.run("UPDATE stage_results SET settings_digest = NULL, input_digest = NULL, output_digest = NULL")
        #expect(try settled(ws).isEmpty)
        #expect(try ws.status().stages[.respond]?.done == 6)
        let sent = client.counter.allKeys.count
        let stats = try await runner.run(ws, client)
        #expect(client.counter.allKeys.count == sent)
        #expect(stats.snapshot().stages[.respond]?.stored == 6)
        #expect(try settled(ws).count == 2)
        // Settled instructions are counted as stored without being read.
        let again = try await runner.run(ws, client)
        #expect(again.snapshot().stages[.respond]?.stored == 6)
        #expect(try ws.status().stages == walkedStatus(ws).stages)
    }
}
