import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// The bench's failed and quarantined items, per stage and reason, with the start of each
/// refused answer: what `bench failures` prints.
public struct BenchFailures: Sendable {
    public struct Entry: Sendable {
        public var stage: Stage
        public var item: ItemKey
        public var failure: StageFailure
    }

    public var entries: [Entry]

    public static func compute(_ store: CheckpointStore, stage: Stage? = nil) throws -> BenchFailures {
        var entries: [Entry] = []
        for s in Stage.bench where stage == nil || stage == s {
            for (item, failure) in try store.failures(stage: s) {
                entries.append(Entry(stage: s, item: item, failure: failure))
            }
        }
        entries.sort { ($0.stage.rawValue, $0.failure.reason, $0.item.instructionID, $0.item.variant) < ($1.stage.rawValue, $1.failure.reason, $1.item.instructionID, $1.item.variant) }
        return BenchFailures(entries: entries)
    }

    public var json: JSONValue {
        .object([
            ("failed", .integer(entries.filter { $0.failure.kind == .failed }.count)),
            ("quarantined", .integer(entries.filter { $0.failure.kind == .quarantined }.count)),
            ("items", .array(entries.map { e in
                .object([
                    ("stage", .string(e.stage.rawValue)), ("id", .string(e.item.instructionID)), ("variant", .integer(e.item.variant)),
                    ("kind", .string(e.failure.kind.rawValue)), ("reason", .string(e.failure.reason)),
                    ("attempts", .integer(e.failure.attempts)), ("raw", .string(e.failure.raw)),
                ])
            })),
        ])
    }

    public func text(limit: Int) -> String {
        guard !entries.isEmpty else { return "no failed or quarantined bench items" }
        var groups: [(key: String, entries: [Entry])] = []
        for e in entries {
            let key = "\(e.stage.rawValue): \(e.failure.kind.rawValue): \(e.failure.reason)"
            if groups.last?.key == key { groups[groups.count - 1].entries.append(e) } else { groups.append((key, [e])) }
        }
        var lines: [String] = []
        for group in groups.sorted(by: { $0.entries.count > $1.entries.count }) {
            lines.append("\(group.entries.count) x \(group.key)")
            for e in group.entries.prefix(limit) {
                let raw = e.failure.raw.replacingOccurrences(of: "\n", with: " ")
                lines.append("    \(e.item.instructionID) #\(e.item.variant): \(raw.isEmpty ? "(no answer)" : String(raw.prefix(100)))")
            }
        }
        lines.append("to retry: failed items are asked again by the next run of the same bench command; quarantined ones with --retry-quarantined")
        return lines.joined(separator: "\n")
    }
}
