import Foundation
import JanusStore
import JanusSupport

/// How a command that only reads (status, plan, export, stats) sees the store: the settings it
/// reads with, the run they came from, and where the settings given differ from that run's.
public struct ReadSettings: Sendable {
    /// The store's most recent generation run, whose settings fill in those not given.
    public var run: RecordedRun?
    public var stored: RunSettings?
    /// The settings read with: the stored run's, except where flags or janus.yaml gave others.
    public var inUse: RunSettings
    public var differences: [SettingDifference]
    /// The configuration with every setting from the stored run, none given: the store as built.
    public var storedConfig: JanusConfig

    /// One clause naming what differs, or nil when nothing does.
    public var sentence: String? {
        differences.isEmpty ? nil : SettingDifference.sentence(differences)
    }

    /// "run 3 (build, started 2026-11-29T13:00:00Z: openai, model m, seed 3)"
    public var runDescription: String? {
        guard let run else { return nil }
        var parts: [String] = []
        if let p = stored?.values["provider"]?.stringValue { parts.append(p) }
        if let m = stored?.values["model"]?.stringValue { parts.append("model \(m)") }
        if let s = stored?.values["seed"]?.intValue { parts.append("seed \(s)") }
        return "run \(run.id) (\(run.command), started \(run.startedAt)\(parts.isEmpty ? "" : ": " + parts.joined(separator: ", ")))"
    }

    /// The one line a reader prints when the settings in use differ from the stored run's:
    /// what differs, how many variants are complete with the settings in use, and `then`.
    public func note(complete: Int, of total: Int, then: String) -> String? {
        sentence.map { "\($0): \(complete) of \(total) variants are complete with the settings in use; \(then)" }
    }

    public var json: JSONValue {
        .object([
            ("run", run.map { .object([("id", .integer($0.id)), ("command", .string($0.command)), ("started_at", .string($0.startedAt))]) } ?? .null),
            ("settings", stored?.json ?? .null),
            ("differences", .array(differences.map(\.json))),
        ])
    }
}

/// Refuses an export that would write nothing while the store holds completed results.
public struct NothingToExport: Error, LocalizedError, Sendable {
    public var message: String
    public var errorDescription: String? { message }
}

extension Workspace {
    /// Opens the store for a command that only reads. Settings that `config.given` does not
    /// name (no flag, not in janus.yaml) are taken from the store's most recent generation run.
    public static func reading(_ config: JanusConfig) throws -> (Workspace, ReadSettings) {
        try requireStore(at: config.db)
        let store = try CheckpointStore(path: config.db)
        let run = try store.latestGenerationRun()
        let stored = run.flatMap { RunSettings(recorded: $0) }
        let effective = stored?.applied(to: config) ?? config
        let workspace = try Workspace(config: effective, store: store)
        let inUse = workspace.runSettings
        var asBuilt = config
        asBuilt.given = []
        let read = ReadSettings(
            run: run, stored: stored, inUse: inUse, differences: stored.map { inUse.differences(from: $0) } ?? [],
            storedConfig: stored?.applied(to: asBuilt) ?? effective)
        return (workspace, read)
    }

    /// Opens the store of a bench command that only reads, with the settings given.
    public static func existing(_ config: JanusConfig) throws -> Workspace {
        try requireStore(at: config.db)
        return try Workspace(config: config)
    }

    /// A command that only reads refuses a path with no store rather than creating an empty one
    /// there (a mistyped `--db` would otherwise report an empty collection and leave a file).
    static func requireStore(at path: String) throws {
        guard path != ":memory:", !FileManager.default.fileExists(atPath: path) else { return }
        throw StoreError.cannotOpen(
            path: path, reason: "no such file (commands that only read do not create a store; give --db the store that `janus-data ingest` or `build` wrote)")
    }

    /// This store read with the stored run's settings throughout (this workspace when those
    /// are the ones it already uses).
    public func asStored(_ read: ReadSettings) throws -> Workspace {
        var mine = config
        mine.given = []
        return mine == read.storedConfig ? self : try Workspace(config: read.storedConfig, store: store)
    }

    /// The check an export makes before writing: with no complete variant under the settings
    /// in use while the store holds completed responses, the export is refused, naming the
    /// settings those responses were made with.
    public func refuseEmptyExport(complete: Int, read: ReadSettings) throws {
        guard complete == 0 else { return }
        let made = try store.resultsByRun(stage: .respond)
        let total = made.reduce(0) { $0 + $1.count }
        guard total > 0 else { return }
        var origins: [String] = []
        var hint: String?
        for group in made.prefix(3) {
            if let id = group.runID, let run = try store.run(id: id), let settings = RunSettings(recorded: run) {
                let differences = read.inUse.differences(from: settings)
                let what = differences.isEmpty ? "" : " with " + SettingDifference.list(differences.map { "\($0.name) \($0.stored)" })
                origins.append("\(group.count) by run \(id) (\(run.command), started \(run.startedAt))\(what)")
                if hint == nil { hint = SettingDifference.flagsForStored(differences) }
            } else {
                origins.append("\(group.count) with model \(group.model ?? "unknown") before runs recorded their settings")
            }
        }
        let variants = try store.instructionCount() * config.generation.variants
        let head = read.sentence.map { "\($0): 0 of \(variants) variants were made with the settings in use" }
            ?? "0 of \(variants) variants are complete with the settings of the store's most recent run"
        var message = "\(head), but the store holds \(total) completed responses (\(origins.joined(separator: "; "))); exporting nothing"
        if let hint {
            message += "; give \(hint) to export them"
        } else {
            message += "; give that run's settings (flags, or janus.yaml for templates, seeds and the rest) to export them"
        }
        throw NothingToExport(message: message)
    }
}
