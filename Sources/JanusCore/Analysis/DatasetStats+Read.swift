import JanusExport
import JanusStore

extension Workspace {
    /// What each instruction adds to `stats`, in position order, worked out on every core. A
    /// settled instruction (see `CheckpointStore.settledPositions`) is read as its expand
    /// results alone: its variants are complete, and the export takes them as stored, exactly
    /// when their preference set parses (the test `ItemWalker.exportItem` makes for it), which
    /// the preference record kept with each (see `PreferenceRecords`) says without parsing it
    /// again. The others are walked as the export walks them.
    func forEachItemFigures(_ visit: (ItemFigures) throws -> Void) throws {
        let variants = config.generation.variants
        let walker = ItemWalker(requests: stageRequests, variants: variants)
        let settled = try store.settledPositions(variants: variants, settings: stageRequests.settingsDigests)
        try orderedBatches(
            transform: { (entry: (StoredInstruction, InstructionContent)) -> ItemFigures in
                switch entry.1 {
                case let .expand(expand):
                    let sets = (0..<variants).compactMap { expand[$0].flatMap(PreferenceRecord.fields) }
                    return ItemFigures(source: entry.0.mainSource, completeVariants: sets.count, sets: sets)
                case let .state(state):
                    var leftOut = LeftOut()
                    return ItemFigures(try walker.exportItem(entry.0, state: state, leftOut: &leftOut))
                }
            },
            visit: visit,
            produce: { add in
                try store.forEachInstruction(settled: settled, variants: variants) { instruction, content in
                    try add((instruction, content))
                }
            })
    }
}
