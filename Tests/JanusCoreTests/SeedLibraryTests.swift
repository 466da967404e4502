import Foundation
import Testing
@testable import JanusCore

@Suite(.removesTemporaryDirectories) struct SeedLibraryTests {
    let seeds: SeedLibrary

    init() throws {
        seeds = try SeedLibrary.load()
    }

    @Test func builtInFilesAreTheRepositoryFoldersByteForByte() throws {
        var onDisk: [String] = []
        for folder in ["seeds", "prompts"] {
            let dir = TestPaths.packageRoot.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where !name.hasPrefix(".") {
                onDisk.append("\(folder)/\(name)")
                let file = try Data(contentsOf: dir.appendingPathComponent(name))
                #expect(BuiltInFiles.data("\(folder)/\(name)") == file, "\(folder)/\(name)")
            }
        }
        #expect(BuiltInFiles.paths == onDisk.sorted())
        #expect(onDisk.count == 9)  // 3 seeds files, 6 templates (3 for the collection, 3 for the bench)
    }

    @Test func aSeedsFolderOverridesTheBuiltInSeeds() throws {
        let dir = try TestPaths.temporaryDirectory()
        for name in ["taxonomy.json", "preference_sets.json"] {
            try Data((BuiltInFiles.text("seeds/\(name)") ?? "").utf8).write(to: dir.appendingPathComponent(name))
        }
        let messages = seeds.systemMessages.prefix(3).map { JSONValue.string("Edited. " + $0) }
        try Data(JSONValue.array(Array(messages)).serialized().utf8).write(to: dir.appendingPathComponent("system_messages.json"))
        let edited = try SeedLibrary.load(directory: dir)
        #expect(edited.systemMessages.count == 3 && edited.systemMessages.allSatisfy { $0.hasPrefix("Edited. ") })
        #expect(edited.taxonomy == seeds.taxonomy)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("taxonomy.json"))
        #expect(throws: SeedError.self) { try SeedLibrary.load(directory: dir) }
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
