/// What the store holds for one instruction's generation stages, as the runner, status and
/// export read it.
public struct StoredState: Sendable {
    public var results: [Stage: [ItemKey: StageResult]]
    public var failures: [Stage: [ItemKey: StageFailure]]
    /// Read with the outputs alone (see `CheckpointStore.forEachInstruction(outputsOnlyAt:_:)`):
    /// no request keys, recipes, stamps or failures, so enough only to take a settled
    /// instruction's outputs as they are.
    public var outputsOnly = false

    public init(results: [Stage: [ItemKey: StageResult]], failures: [Stage: [ItemKey: StageFailure]]) {
        self.results = results
        self.failures = failures
    }

    /// The stored output of `item` at `stage` if it was made from `recipe` (empty: never).
    public func output(_ stage: Stage, _ item: ItemKey, recipe: String) -> String? {
        guard let result = results[stage]?[item], !result.recipe.isEmpty, result.recipe == recipe else { return nil }
        return result.output
    }

    /// The stored output of `item` at `stage` if it was made from the request with `key`.
    public func output(_ stage: Stage, _ item: ItemKey, key: String) -> String? {
        guard let result = results[stage]?[item], result.requestKey == key else { return nil }
        return result.output
    }

    /// The recorded failure of `item` at `stage` for the request with `key`.
    public func failure(_ stage: Stage, _ item: ItemKey, key: String) -> StageFailure? {
        guard let failure = failures[stage]?[item], failure.requestKey == key else { return nil }
        return failure
    }
}
