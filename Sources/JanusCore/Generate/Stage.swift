/// The generation stages, in pipeline order. `allCases` lists the collection's three; the
/// Multifaceted Bench's stages (`bench`) are stored and run the same way, by `bench` commands.
public enum Stage: String, CaseIterable, Sendable, Codable {
    case expand, systems, respond
    case benchExpand = "bench_expand", benchSystems = "bench_systems", benchReference = "bench_reference"
    case benchRubrics = "bench_rubrics", benchAnswer = "bench_answer", benchJudge = "bench_judge"

    /// The collection's stages, which `build`, `status`, `plan` and the exports walk.
    public static let allCases: [Stage] = [.expand, .systems, .respond]
    /// The bench's stages: build (expand, systems, reference, rubrics), answer, judge.
    public static let bench: [Stage] = [.benchExpand, .benchSystems, .benchReference, .benchRubrics, .benchAnswer, .benchJudge]
}

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
