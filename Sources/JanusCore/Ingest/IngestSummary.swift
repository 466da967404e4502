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
    public var sampled = 0
    public var notSampled = 0

    public init(source: String) { self.source = source }

    public var json: JSONValue {
        .object([
            ("source", .string(source)), ("read", .integer(read)), ("bad", .integer(bad)),
            ("bad_reasons", .object(badReasons.keys.sorted().map { ($0, .integer(badReasons[$0] ?? 0)) })),
            ("duplicate", .integer(duplicate)), ("near_duplicate", .integer(nearDuplicate)),
            ("filtered", .integer(filtered)), ("sampled", .integer(sampled)), ("not_sampled", .integer(notSampled)),
        ])
    }
}

/// The outcome of one ingest run.
public struct IngestSummary: Sendable {
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
        }
    }

    public var json: JSONValue {
        .object([
            ("sources", .array(sources.map(\.json))), ("total", totals.json), ("added", .integer(added)),
            ("filter_hits", .object(filterHits.keys.sorted().map { ($0, .integer(filterHits[$0] ?? 0)) })),
            ("examples", .object(examples.keys.sorted().map { ($0, .array((examples[$0] ?? []).map { .string($0) })) })),
        ])
    }

    /// A plain table for stderr.
    public var table: String {
        let header = ["source", "read", "bad", "duplicate", "near-dup", "filtered", "sampled"]
        let rows = (sources + [totals]).map { s in
            [s.source, "\(s.read)", "\(s.bad)", "\(s.duplicate)", "\(s.nearDuplicate)", "\(s.filtered)", "\(s.sampled)"]
        }
        var lines = [TextTable.render([header] + rows)]
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

/// Aligned plain-text tables.
public enum TextTable {
    public static func render(_ rows: [[String]]) -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == 0 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
