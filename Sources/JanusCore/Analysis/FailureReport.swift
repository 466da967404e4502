import Foundation
import JanusStore
import JanusSupport

/// One failed or quarantined item at one stage.
public struct FailedItem: Sendable {
    public var instruction: StoredInstruction
    public var variant: Int
    public var stage: Stage
    public var failure: StageFailure

    public var json: JSONValue {
        .object([
            ("id", .string(instruction.id)), ("variant", .integer(variant)), ("stage", .string(stage.rawValue)),
            ("kind", .string(failure.kind.rawValue)), ("reason", .string(failure.reason)),
            ("attempts", .integer(failure.attempts)), ("instruction", .string(instruction.text)),
            ("raw", .string(failure.raw)),
        ])
    }
}

/// The failed and quarantined items under a workspace's settings (the ones `status` counts),
/// grouped by reason.
public struct FailureReport: Sendable {
    public struct Group: Sendable {
        /// The reason, or its pattern (numbers as #) when the group's reasons differ in them.
        public var reason: String
        public var items: [FailedItem]

        public var json: JSONValue {
            var kinds: [String: Int] = [:]
            var stages: [String: Int] = [:]
            for item in items {
                kinds[item.failure.kind.rawValue, default: 0] += 1
                stages[item.stage.rawValue, default: 0] += 1
            }
            return .object([
                ("reason", .string(reason)), ("count", .integer(items.count)),
                ("kinds", .object(kinds.keys.sorted().map { ($0, .integer(kinds[$0] ?? 0)) })),
                ("stages", .object(Stage.allCases.map(\.rawValue).filter { stages[$0] != nil }.map { ($0, .integer(stages[$0] ?? 0)) })),
                ("items", .array(items.map(\.json))),
            ])
        }
    }

    /// Largest group first; ties by reason.
    public var groups: [Group]
    public var failed: Int
    public var quarantined: Int

    /// What to run to ask again.
    public var retryAdvice: String? {
        var parts: [String] = []
        if failed > 0 { parts.append("failed items are asked again by the next run of the stage (janus-data build)") }
        if quarantined > 0 {
            parts.append("quarantined ones only with --retry-quarantined (janus-data build --retry-quarantined)")
        }
        return parts.isEmpty ? nil : "to retry: " + parts.joined(separator: "; ")
    }

    /// Walks the instructions that have a failure recorded; keeps those the settings in use
    /// still see as failed, at `stage` (any when nil), whose reason holds `reason` (any case).
    public static func compute(_ workspace: Workspace, stage: Stage? = nil, reason: String? = nil) throws -> FailureReport {
        let walker = ItemWalker(requests: workspace.stageRequests, variants: workspace.config.generation.variants)
        let needle = reason?.lowercased()
        var items: [FailedItem] = []
        for instruction in try workspace.store.instructionsWithFailures() {
            let state = try workspace.store.state(ofInstruction: instruction.id)
            for variant in 0..<walker.variants {
                for (itemStage, itemState) in try walker.walk(instruction, variant: variant, state: state) {
                    guard case let .failed(failure) = itemState, stage == nil || stage == itemStage else { continue }
                    if let needle, !failure.reason.lowercased().contains(needle) { continue }
                    items.append(FailedItem(instruction: instruction, variant: variant, stage: itemStage, failure: failure))
                }
            }
        }
        var byPattern: [String: [FailedItem]] = [:]
        for item in items { byPattern[pattern(item.failure.reason), default: []].append(item) }
        let groups = byPattern.map { key, members in
            Group(reason: Set(members.map(\.failure.reason)).count == 1 ? members[0].failure.reason : key, items: members)
        }.sorted { ($0.items.count, $1.reason) > ($1.items.count, $0.reason) }
        return FailureReport(
            groups: groups, failed: items.filter { $0.failure.kind == .failed }.count,
            quarantined: items.filter { $0.failure.kind == .quarantined }.count)
    }

    /// A reason with its numbers as `#`, so that "has 12 words" and "has 9 words" group together.
    static func pattern(_ reason: String) -> String {
        var out = ""
        var inNumber = false
        for ch in reason {
            if ch.isASCII, ch.isNumber {
                if !inNumber { out.append("#") }
                inNumber = true
            } else {
                inNumber = false
                out.append(ch)
            }
        }
        return out
    }

    public var json: JSONValue {
        .object([
            ("failed", .integer(failed)), ("quarantined", .integer(quarantined)),
            ("groups", .array(groups.map(\.json))), ("retry", retryAdvice.map { .string($0) } ?? .null),
        ])
    }
}
