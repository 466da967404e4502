import JanusStore

/// What `janus-data build` does, in order: ingest when sources are configured, refuse a store
/// that holds no instructions, run every stage until nothing is pending, then export, unless
/// asked not to, the output is stdout (`--out -`), or the run was interrupted (a part-made run
/// is not exported). The steps' work is the caller's, so that the command line can show
/// progress and print summaries as it goes; tests call it with the workspace's own methods.
public struct BuildSequence {
    public var workspace: Workspace
    /// False for `--no-export`.
    public var export: Bool

    public init(workspace: Workspace, export: Bool = true) {
        self.workspace = workspace
        self.export = export
    }

    /// Whether the sequence ingests before the stages.
    public var ingests: Bool { !workspace.config.sources.isEmpty }

    /// Whether a run that was not interrupted ends with an export.
    public var exports: Bool { export && workspace.config.export.out != "-" }

    /// Runs the steps; returns the exit status of the stages (the export's errors are thrown).
    public func run(
        ingest: () throws -> Void,
        stages: (Set<Stage>) async throws -> CommandExit,
        export: () throws -> Void
    ) async throws -> CommandExit {
        if ingests { try ingest() }
        try workspace.requireInstructions("give --source PRESET=PATH or list sources in janus.yaml")
        let status = try await stages(Set(Stage.allCases))
        if status == .interrupted { return status }
        if exports { try export() }
        return status
    }
}

extension Workspace {
    /// Throws a `UsageError` when the store holds no instructions: no stage has anything to do.
    /// `remedy` says what to do instead.
    public func requireInstructions(_ remedy: String) throws {
        guard try store.instructionCount() > 0 else {
            throw UsageError("the store \(config.db) holds no instructions: \(remedy)")
        }
    }
}
