import Foundation
import JanusLLM
import JanusStore
import JanusSupport

/// The settings a generation run was made with, as the store records them: the provider, base
/// URL (or endpoints), model, sampling, variants, the seed, and the templates and seeds by hash.
/// All but the base URL and endpoints decide which stored results are current; commands that
/// only read take these from the store's most recent run wherever the user gave none.
public struct RunSettings: Sendable, Equatable {
    /// By key (see `keys`); a run recorded before settings were kept has only some of them.
    public private(set) var values: [String: JSONValue]

    /// Every key, in the order they are written.
    static let keys = [
        "provider", "base_url", "endpoints", "model", "temperature", "top_p", "max_tokens", "extra", "send_seed", "variants", "seed",
        "templates", "seeds",
    ]

    init(values: [String: JSONValue]) {
        self.values = values
    }

    /// The effective settings of `config` with these templates and seeds.
    public init(config: JanusConfig, templates: PromptTemplates, seeds: SeedLibrary) {
        let g = config.generation
        values = [
            "provider": .string(config.client.provider.rawValue), "base_url": .string(config.client.baseURL),
            "model": .string(config.client.model),
            "temperature": g.temperature.map { .number($0) } ?? .null, "top_p": g.topP.map { .number($0) } ?? .null,
            "max_tokens": .object(Stage.allCases.compactMap { stage in g.maxTokens[stage.rawValue].map { (stage.rawValue, .integer($0)) } }),
            "extra": .object(g.extra.keys.sorted().map { ($0, g.extra[$0] ?? .null) }),
            "send_seed": .bool(g.sendSeed), "variants": .integer(g.variants), "seed": .integer(config.seed),
            "templates": .object(Stage.allCases.map { ($0.rawValue, .string(templates[$0].hash)) }),
            "seeds": .string(seeds.contentHash),
        ]
        // Several endpoints: which (informative only, like base_url).
        if !config.client.endpoints.isEmpty {
            values["endpoints"] = .array(config.client.endpoints.map { .string(EndpointSettings.label($0.baseURL)) })
        }
    }

    /// What `run` recorded: its settings, or for a run recorded before settings were kept, the
    /// provider, model and seed it was started with.
    public init?(recorded run: RecordedRun) {
        if let text = run.settings, let parsed = try? JSONParser.parse(text), let pairs = parsed.objectValue {
            values = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        } else if run.command != "ingest" {
            values = ["provider": .string(run.provider), "model": .string(run.model), "seed": .integer(run.seed)]
        } else {
            return nil
        }
    }

    public var json: JSONValue {
        .object(Self.keys.compactMap { key in values[key].map { (key, $0) } })
    }

    /// `config` with these settings wherever `config.given` names none.
    public func applied(to config: JanusConfig) -> JanusConfig {
        var c = config
        func take(_ key: String, _ path: String, _ body: (JSONValue) -> Void) {
            if let value = values[key], !config.given.contains(path) { body(value) }
        }
        take("provider", "provider.name") { if let p = $0.stringValue.flatMap(Provider.init(rawValue:)) { c.client.provider = p } }
        take("base_url", "provider.base_url") { if let s = $0.stringValue { c.client.baseURL = s } }
        take("model", "provider.model") { if let s = $0.stringValue { c.client.model = s } }
        take("temperature", "generation.temperature") { c.generation.temperature = $0.doubleValue }
        take("top_p", "generation.top_p") { c.generation.topP = $0.doubleValue }
        if let stored = values["max_tokens"], !config.given.contains("generation.max_tokens") {
            for stage in Stage.allCases where !config.given.contains("generation.max_tokens.\(stage.rawValue)") {
                c.generation.maxTokens[stage.rawValue] = stored[stage.rawValue]?.intValue
            }
        }
        take("extra", "generation.extra") { value in
            c.generation.extra = Dictionary((value.objectValue ?? []), uniquingKeysWith: { first, _ in first })
        }
        take("send_seed", "generation.send_seed") { if case let .bool(b) = $0 { c.generation.sendSeed = b } }
        take("variants", "generation.variants") { if let n = $0.intValue { c.generation.variants = n } }
        take("seed", "seed") { if let n = $0.intValue { c.seed = n } }
        return c
    }

    /// Where these settings (the ones in use) differ from `stored`, in a way that changes which
    /// stored results are current; keys either side lacks are not compared.
    public func differences(from stored: RunSettings) -> [SettingDifference] {
        var out: [SettingDifference] = []
        func compare(_ key: String, _ name: String, flag: String?) {
            guard let mine = values[key], let theirs = stored.values[key], mine != theirs else { return }
            out.append(SettingDifference(name: name, inUse: Self.show(mine), stored: Self.show(theirs), flag: flag))
        }
        compare("provider", "provider", flag: "--provider")
        compare("model", "model", flag: "--model")
        compare("temperature", "temperature", flag: "--temperature")
        compare("top_p", "top_p", flag: "--top-p")
        for stage in Stage.allCases {
            guard let mine = values["max_tokens"], let theirs = stored.values["max_tokens"] else { break }
            let a = mine[stage.rawValue] ?? .null
            let b = theirs[stage.rawValue] ?? .null
            if a != b {
                out.append(SettingDifference(name: "\(stage.rawValue) max_tokens", inUse: Self.show(a), stored: Self.show(b), flag: nil))
            }
        }
        compare("extra", "generation.extra", flag: nil)
        compare("send_seed", "send_seed", flag: nil)
        compare("variants", "variants", flag: nil)
        compare("seed", "seed", flag: "--seed")
        if let mine = values["templates"], let theirs = stored.values["templates"] {
            for stage in Stage.allCases {
                let a = mine[stage.rawValue] ?? .null
                let b = theirs[stage.rawValue] ?? .null
                if a != b {
                    out.append(SettingDifference(name: "the \(stage.rawValue) template", inUse: Self.show(a), stored: Self.show(b), flag: nil))
                }
            }
        }
        compare("seeds", "the seeds", flag: nil)
        return out
    }

    /// A value as a message shows it: strings bare, hashes shortened, null as "none".
    static func show(_ value: JSONValue) -> String {
        switch value {
        case let .string(s): return s.count == 64 && s.allSatisfy(\.isHexDigit) ? String(s.prefix(12)) : s
        case .null: return "none"
        default: return value.serialized()
        }
    }
}

/// One setting in use that differs from the stored run's.
public struct SettingDifference: Sendable, Hashable {
    public var name: String
    public var inUse: String
    public var stored: String
    /// The flag that would select the stored value, where there is one.
    public var flag: String?

    public var json: JSONValue {
        .object([("setting", .string(name)), ("in_use", .string(inUse)), ("stored_run", .string(stored))])
    }

    /// "model m2 differs from the stored run's m"; "model m2 and seed 4 differ from the stored
    /// run's model m and seed 3".
    public static func sentence(_ differences: [SettingDifference]) -> String {
        guard differences.count > 1 else {
            guard let d = differences.first else { return "" }
            return "\(d.name) \(d.inUse) differs from the stored run's \(d.stored)"
        }
        let mine = list(differences.map { "\($0.name) \($0.inUse)" })
        let theirs = list(differences.map { "\($0.name) \($0.stored)" })
        return "\(mine) differ from the stored run's \(theirs)"
    }

    /// The flags that select the stored run's values ("--model m --seed 3"), or nil when some
    /// difference has no flag (a template, the seeds, a janus.yaml-only setting).
    public static func flagsForStored(_ differences: [SettingDifference]) -> String? {
        var flags: [String] = []
        for d in differences {
            guard let flag = d.flag, d.stored != "none" else { return nil }
            flags.append("\(flag) \(d.stored)")
        }
        return flags.isEmpty ? nil : flags.joined(separator: " ")
    }

    static func list(_ items: [String]) -> String {
        items.count > 1 ? items.dropLast().joined(separator: ", ") + " and " + (items.last ?? "") : items.first ?? ""
    }
}

extension SeedLibrary {
    /// A hash of the seed preference sets and example system messages (what requests are built from).
    public var contentHash: String {
        var text = preferenceSets.map { $0.json.serialized() }
        text += systemMessages
        return Hashing.sha256Hex(text.joined(separator: "\u{1E}"))
    }
}
