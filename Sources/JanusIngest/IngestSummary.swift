import JanusSupport

/// What ingest did with each source's lines.
public struct SourceCounts: Sendable, Hashable {
    public var source: String
    public var read = 0
    public var bad = 0
    /// Bad lines by kind (`invalid_json`, `missing_field`, ...; see `BadRecord.Kind`).
    public var badReasons: [String: Int] = [:]
    public var duplicate = 0
    public var nearDuplicate = 0
    public var filtered = 0
    /// Chosen by sampling (under the paper's recipe, before the filter).
    public var sampled = 0
    public var notSampled = 0
    /// What is left for the store.
    public var kept = 0

    public init(source: String) { self.source = source }

    /// The counts, keys in the order the steps of `recipe` ran.
    public func json(_ recipe: IngestRecipe) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("source", .string(source)), ("read", .integer(read))]
        for step in IngestStep.order(recipe, nearDedup: true) {
            switch step {
            case .bad:
                pairs += [("bad", .integer(bad)),
                          ("bad_reasons", .object(badReasons.keys.sorted().map { ($0, .integer(badReasons[$0] ?? 0)) }))]
            case .duplicate: pairs.append(("duplicate", .integer(duplicate)))
            case .nearDuplicate: pairs.append(("near_duplicate", .integer(nearDuplicate)))
            case .filter: pairs.append(("filtered", .integer(filtered)))
            case .sample: pairs += [("sampled", .integer(sampled)), ("not_sampled", .integer(notSampled))]
            }
        }
        return .object(pairs + [("kept", .integer(kept))])
    }

    /// How many a step dropped.
    func dropped(by step: IngestStep) -> Int {
        switch step {
        case .bad: bad
        case .duplicate: duplicate
        case .nearDuplicate: nearDuplicate
        case .filter: filtered
        case .sample: notSampled
        }
    }
}

/// One step of ingest after reading.
public enum IngestStep: String, Sendable {
    case bad, duplicate = "exact_dedup", nearDuplicate = "near_dedup", filter, sample

    /// The steps in the order a recipe runs them (near-dedup only when it is on).
    public static func order(_ recipe: IngestRecipe, nearDedup: Bool) -> [IngestStep] {
        let near: [IngestStep] = nearDedup ? [.nearDuplicate] : []
        switch recipe {
        case .paper: return [.bad, .duplicate] + near + [.sample, .filter]
        case .clean: return [.bad, .duplicate, .filter] + near + [.sample]
        }
    }

    var column: String {
        switch self {
        case .bad: "bad"
        case .duplicate: "duplicate"
        case .nearDuplicate: "near-dup"
        case .filter: "filtered"
        case .sample: "sampled"
        }
    }
}

/// The outcome of one ingest run.
public struct IngestSummary: Sendable {
    public var recipe: IngestRecipe = .paper
    public var nearDedup = false
    public var sources: [SourceCounts] = []
    /// The first few dropped lines per reason, as `file:line: reason`.
    public var examples: [String: [String]] = [:]
    public var filterHits: [String: Int] = [:]
    public var added = 0

    public var totals: SourceCounts {
        sources.reduce(into: SourceCounts(source: "total")) { t, s in
            t.read += s.read
            t.bad += s.bad
            t.badReasons.merge(s.badReasons, uniquingKeysWith: +)
            t.duplicate += s.duplicate
            t.nearDuplicate += s.nearDuplicate
            t.filtered += s.filtered
            t.sampled += s.sampled
            t.notSampled += s.notSampled
            t.kept += s.kept
        }
    }

    /// The steps in the order they ran: what each dropped and how many instructions were left.
    public var steps: [(step: IngestStep, dropped: Int, left: Int)] {
        let t = totals
        var left = t.read
        return IngestStep.order(recipe, nearDedup: nearDedup).map { step in
            let dropped = t.dropped(by: step)
            left = step == .sample ? t.sampled : left - dropped
            return (step, dropped, left)
        }
    }

    public var json: JSONValue {
        .object([
            ("recipe", .string(recipe.rawValue)),
            ("steps", .array([.object([("step", "read"), ("dropped", .integer(0)), ("left", .integer(totals.read))])]
                + steps.map { .object([("step", .string($0.step.rawValue)), ("dropped", .integer($0.dropped)), ("left", .integer($0.left))]) })),
            ("sources", .array(sources.map { $0.json(recipe) })), ("total", totals.json(recipe)), ("added", .integer(added)),
            ("filter_hits", .object(filterHits.keys.sorted().map { ($0, .integer(filterHits[$0] ?? 0)) })),
            ("examples", .object(examples.keys.sorted().map { ($0, .array((examples[$0] ?? []).map { .string($0) })) })),
        ])
    }

    /// A plain table for stderr: one column per step, in the order they ran.
    public var table: String {
        let order = IngestStep.order(recipe, nearDedup: nearDedup)
        let header = ["source", "read"] + order.map(\.column) + ["kept"]
        let rows = (sources + [totals]).map { s in
            [s.source, "\(s.read)"] + order.map { "\($0 == .sample ? s.sampled : s.dropped(by: $0))" } + ["\(s.kept)"]
        }
        var lines = [TextTable.render([header] + rows)]
        lines.append("steps (\(recipe.rawValue) recipe): read \(totals.read)"
            + steps.map { " -> \($0.step.rawValue) \($0.step == .sample ? "keeps" : "drops") \($0.step == .sample ? $0.left : $0.dropped): \($0.left)" }.joined())
        let reasons = totals.badReasons
        if !reasons.isEmpty {
            lines.append("bad lines by reason: " + reasons.keys.sorted().map { "\($0) \(reasons[$0] ?? 0)" }.joined(separator: ", "))
        }
        for reason in examples.keys.sorted() {
            for example in examples[reason] ?? [] { lines.append("  \(reason): \(example)") }
        }
        return lines.joined(separator: "\n")
    }
}
