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
