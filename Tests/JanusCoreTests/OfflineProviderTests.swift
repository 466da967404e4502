@testable import JanusCore
@testable import JanusStore
import Testing

@Suite struct OfflineProviderTests {
    let provider: OfflineProvider
    let requests: StageRequests

    init() throws {
        let seeds = try SeedLibrary.load()
        provider = OfflineProvider(taxonomy: seeds.taxonomy)
        requests = StageRequests(
            seeds: seeds, templates: try PromptTemplates.load(directory: nil), generation: GenerationSettings(),
            model: "m", providerKind: .offline, seed: 7)
    }

    var instruction: StoredInstruction {
        StoredInstruction(
            id: "id1", position: 0, text: "Explain how vaccines train the immune system.", mainSource: "m",
            originalSource: "-", sourceName: "dsp", sourceFile: "f", sourceLine: 1)
    }

    @Test func sameRequestSameAnswer() async throws {
        let request = try requests.expand(instruction, variant: 0).request
        let a = try await provider.complete(request)
        let b = try await provider.complete(request)
        #expect(a == b)
        // A caller that holds the key gets the same answer as one that does not.
        #expect(try await provider.complete(request, key: request.key(provider: .offline), body: nil) == a)
        var other = request
        other.keySalt = "variant=1"
        let c = try await provider.complete(other)
        #expect(c.content != a.content)
    }

    @Test func answersPassEachStagesValidation() async throws {
        let validator = OutputValidator(exampleSystemMessages: requests.seeds.systemMessages)
        for variant in 0..<5 {
            let set = try PreferenceSetParser.parse(try await provider.complete(try requests.expand(instruction, variant: variant).request).content)
            let systemRequest = try requests.systems(instruction, variant: variant, preferenceSet: set).request
            let system = try validator.systemMessage(try await provider.complete(systemRequest).content)
            let response = try await provider.complete(try requests.respond(instruction, variant: variant, systemMessage: system).request)
            #expect(!response.content.isEmpty)
            #expect(response.usage.completionTokens > 0)
        }
    }

    @Test func seededDrawsAreStable() {
        let a = (0..<3).map { requests.seedSetIndex(instructionID: "x", variant: $0) }
        let b = (0..<3).map { requests.seedSetIndex(instructionID: "x", variant: $0) }
        #expect(a == b)
        let examples = requests.exampleIndices(instructionID: "x", variant: 0)
        #expect(examples.count == 3 && Set(examples).count == 3)
        #expect(examples == requests.exampleIndices(instructionID: "x", variant: 0))
    }
}
