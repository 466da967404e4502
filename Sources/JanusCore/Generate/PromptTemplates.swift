/// The three templates the stages render.
public struct PromptTemplates: Sendable, Hashable {
    public var expand: PromptTemplate
    public var systems: PromptTemplate
    public var respond: PromptTemplate

    public init(expand: PromptTemplate, systems: PromptTemplate, respond: PromptTemplate) {
        self.expand = expand
        self.systems = systems
        self.respond = respond
    }

    public static func load(directory: String?) throws -> PromptTemplates {
        let url = directory.map { URL(fileURLWithPath: $0) }
        return PromptTemplates(
            expand: try PromptTemplate.load("expand", directory: url),
            systems: try PromptTemplate.load("systems", directory: url),
            respond: try PromptTemplate.load("respond", directory: url))
    }

    public subscript(stage: Stage) -> PromptTemplate {
        switch stage {
        case .expand: return expand
        case .systems: return systems
        case .respond: return respond
        // The bench's stages render the templates of `BenchTemplates`, not these.
        default: return respond
        }
    }
}

import Foundation
import JanusStore
