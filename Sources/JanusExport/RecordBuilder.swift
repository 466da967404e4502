import JanusSupport
import JanusStore

/// Builds the JSON records of each format, keys in the published order.
public struct RecordBuilder: Sendable {
    public var seed: Int

    public init(seed: Int) { self.seed = seed }

    func sft(_ item: ExportItem, _ v: ExportItem.Variant) -> JSONValue {
        .object([
            ("main_source", .string(item.instruction.mainSource)), ("original_source", .string(item.instruction.originalSource)),
            ("preference_set", v.preferenceSet), ("system", .string(v.system)), ("prompt", .string(item.instruction.text)),
            ("output", .string(v.response)),
        ])
    }

    /// The seeded sft-small variant of an instruction.
    func smallVariant(_ item: ExportItem) -> ExportItem.Variant? {
        guard !item.variants.isEmpty else { return nil }
        var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: seed), "sft-small", item.instruction.id)
        return rng.element(of: item.variants)
    }

    /// The seeded (chosen, rejected) pair of an instruction whose variants are all complete.
    func pair(_ item: ExportItem) -> (chosen: ExportItem.Variant, rejected: ExportItem.Variant)? {
        guard item.variants.count >= 2, item.variants.count == item.expectedVariants else { return nil }
        var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: seed), "pair", item.instruction.id)
        let picks = rng.distinctIndices(2, below: item.variants.count)
        return (item.variants[picks[0]], item.variants[picks[1]])
    }

    /// A DPO/ORPO message list: the user turn and the answer. The system message is not in it:
    /// it is the record's `system` column, as in the published sets (Argilla's schema), which
    /// axolotl's `orpo.chat_template` reads as system, `[0]` as user and `[1]` as the answer.
    func messages(prompt: String, answer: String) -> JSONValue {
        .array([
            .object([("role", "user"), ("content", .string(prompt))]),
            .object([("role", "assistant"), ("content", .string(answer))]),
        ])
    }

    /// The records of `format` for one item (none when the item is incomplete for it).
    public func records(_ format: ExportFormat, _ item: ExportItem) -> [JSONValue] {
        let i = item.instruction
        switch format {
        case .sft:
            return item.variants.map { sft(item, $0) }
        case .sftSmall:
            return smallVariant(item).map { [sft(item, $0)] } ?? []
        case .dpo, .orpo:
            guard let (chosen, rejected) = pair(item) else { return [] }
            return [.object([
                ("main_source", .string(i.mainSource)), ("original_source", .string(i.originalSource)),
                ("system", .string(chosen.system)), ("prompt", .string(i.text)),
                ("chosen", messages(prompt: i.text, answer: chosen.response)),
                ("rejected", messages(prompt: i.text, answer: rejected.response)),
            ])]
        case .rm:
            guard let (chosen, rejected) = pair(item) else { return [] }
            return [.object([
                ("input", .string(chosen.system + "\n" + i.text)), ("chosen", .string(chosen.response)),
                ("rejected", .string(rejected.response)),
            ])]
        }
    }
}
