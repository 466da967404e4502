import Foundation
import Testing
@testable import JanusCore

@Suite struct SeedLibraryTests {
    let seeds: SeedLibrary

    init() throws {
        seeds = try SeedLibrary.load()
    }

    @Test func taxonomyHasThePapersCounts() {
        #expect(seeds.taxonomy.dimensions.map(\.dimension) == Dimension.allCases)
        #expect(seeds.taxonomy.subdimensionCount == 18)
        #expect(seeds.taxonomy.preferenceCount == 107)
        let perDimension = seeds.taxonomy.dimensions.map { $0.subdimensions.reduce(0) { $0 + $1.preferences.count } }
        #expect(perDimension == [66, 5, 18, 18])
    }

    @Test func seedPreferenceSetsUseTaxonomySubdimensions() {
        #expect(seeds.preferenceSets.count >= 20)
        for set in seeds.preferenceSets {
            #expect(set.preferences.map(\.dimension) == Dimension.allCases)
            for preference in set.preferences {
                let names = seeds.taxonomy.subdimensions(of: preference.dimension).map(\.name)
                #expect(names.contains(preference.subdimension), "\(preference.subdimension) is not under \(preference.dimension)")
            }
        }
        #expect(Set(seeds.preferenceSets).count == seeds.preferenceSets.count)
    }

    @Test func exampleSystemMessagesAreWithinBounds() {
        #expect(seeds.systemMessages.count >= 50)
        for message in seeds.systemMessages {
            let words = message.split(whereSeparator: \.isWhitespace).count
            #expect((80...200).contains(words), "\(words) words: \(message.prefix(60))")
        }
        #expect(Set(seeds.systemMessages).count == seeds.systemMessages.count)
    }

    @Test func shippedTemplatesRender() throws {
        let templates = try PromptTemplates.load(directory: nil)
        #expect(Set(templates.expand.placeholders) == ["instruction", "seed_preference_set"])
        #expect(Set(templates.systems.placeholders) == ["preference_set", "examples", "instruction"])
        #expect(Set(templates.respond.placeholders) == ["system_message", "instruction"])
    }
}
