import Foundation
import JanusExport
import JanusIngest
import JanusLLM
import Yams

extension Reader {
    mutating func apply(_ root: Node, to config: inout JanusConfig) throws {
        let top = ["seed", "db", "provider", "prices", "sources", "ingest", "generation", "export"]
        for (key, value) in try mapping(root, "(top level)") {
            switch key {
            case "seed": config.seed = try int(value, key)
            case "db": config.db = try path(value, key)
            case "provider": try applyProvider(value, to: &config.client)
            case "prices":
                for (model, price) in try mapping(value, key) {
                    var p = ModelPrice(prompt: 0, completion: 0)
                    for (field, amount) in try mapping(price, "prices.\(model)") {
                        switch field {
                        case "prompt": p.prompt = try double(amount, "prices.\(model).prompt")
                        case "completion": p.completion = try double(amount, "prices.\(model).completion")
                        default: throw unknown(amount, "prices.\(model).\(field)", known: ["prompt", "completion"])
                        }
                    }
                    config.client.prices[model] = p
                }
            case "sources":
                guard let seq = value.sequence else { throw fail(value, key, "must be a list of NAME=PATH") }
                config.sources = try seq.map { item in
                    var spec = try SourceSpec.parse(try string(item, key))
                    if !spec.path.hasPrefix("/"), !baseDirectory.isEmpty {
                        spec.path = (baseDirectory as NSString).appendingPathComponent(spec.path)
                    }
                    return spec
                }
            case "ingest": try applyIngest(value, to: &config.ingest)
            case "generation": try applyGeneration(value, to: &config.generation)
            case "export": try applyExport(value, to: &config.export)
            default: throw unknown(value, key, known: top)
            }
        }
    }

    func applyProvider(_ node: Node, to c: inout ClientSettings) throws {
        let known = [
            "name", "base_url", "model", "api_key_env", "concurrency", "rpm", "tpm", "connect_timeout", "timeout",
            "max_attempts", "max_cost", "stall_timeout", "unreachable_timeout", "ca_bundle", "endpoints",
        ]
        for (key, v) in try mapping(node, "provider") {
            let k = "provider.\(key)"
            switch key {
            case "name":
                let name = try string(v, k)
                guard let provider = Provider(rawValue: name) else { throw fail(v, k, "must be one of \(Provider.names), not \(name)") }
                c.provider = provider
            case "base_url": c.baseURL = try string(v, k)
            case "model": c.model = try string(v, k)
            case "api_key_env": c.apiKeyEnv = try string(v, k)
            case "concurrency": c.concurrency = try int(v, k)
            case "rpm": c.requestsPerMinute = try optionalInt(v, k)
            case "tpm": c.tokensPerMinute = try optionalInt(v, k)
            case "connect_timeout": c.connectTimeout = try double(v, k)
            case "timeout": c.totalTimeout = try double(v, k)
            case "max_attempts": c.maxAttempts = try int(v, k)
            case "max_cost": c.maxCost = try optionalDouble(v, k)
            case "stall_timeout": c.lowSpeedSeconds = max(1, Int(try double(v, k).rounded(.up)))
            case "unreachable_timeout":
                let seconds = try double(v, k)
                guard seconds > 0 else { throw fail(v, k, "must be a number of seconds above 0, not \(seconds)") }
                c.unreachableSeconds = seconds
            case "ca_bundle": c.caBundle = v.null != nil ? nil : try path(v, k)
            case "endpoints": c.endpoints = try endpoints(v, k)
            default: throw unknown(v, k, known: known)
            }
        }
    }

    func applyIngest(_ node: Node, to s: inout IngestSettings) throws {
        let known = [
            "recipe", "quotas", "total", "fill_source", "filter", "near_dedup", "near_threshold", "max_line_bytes", "strict",
            "prompt_field", "origin_field", "main_source",
        ]
        for (key, v) in try mapping(node, "ingest") {
            let k = "ingest.\(key)"
            switch key {
            case "recipe":
                let name = try string(v, k)
                guard let recipe = IngestRecipe(rawValue: name) else {
                    throw fail(v, k, "must be paper or clean, not \(name)")
                }
                s.recipe = recipe
            case "quotas":
                s.quotas = [:]
                for (name, n) in try mapping(v, k) { s.quotas[name] = try int(n, "\(k).\(name)") }
            case "total": s.total = try optionalInt(v, k)
            case "fill_source": s.fillSource = try string(v, k)
            case "filter":
                s.filterPatterns = try strings(v, k)
                for pattern in s.filterPatterns where (try? NSRegularExpression(pattern: pattern)) == nil {
                    throw fail(v, k, "holds a pattern that is not a valid regular expression: \(pattern)")
                }
            case "near_dedup": s.nearDedup = v.null != nil ? nil : try bool(v, k)
            case "near_threshold": s.nearThreshold = try double(v, k)
            case "max_line_bytes": s.maxLineBytes = try int(v, k)
            case "strict": s.strict = try bool(v, k)
            case "prompt_field": s.promptField = try string(v, k)
            case "origin_field": s.originField = try string(v, k)
            case "main_source": s.mainSource = try string(v, k)
            default: throw unknown(v, k, known: known)
            }
        }
    }

    func applyGeneration(_ node: Node, to g: inout GenerationSettings) throws {
        let known = ["variants", "attempts", "temperature", "top_p", "max_tokens", "send_seed", "extra", "seeds_dir", "prompts_dir"]
        for (key, v) in try mapping(node, "generation") {
            let k = "generation.\(key)"
            switch key {
            case "variants": g.variants = try int(v, k)
            case "attempts": g.validationAttempts = try int(v, k)
            case "temperature": g.temperature = try optionalDouble(v, k)
            case "top_p": g.topP = try optionalDouble(v, k)
            case "max_tokens":
                for (stage, n) in try mapping(v, k) {
                    guard ["expand", "systems", "respond"].contains(stage) else {
                        throw unknown(n, "\(k).\(stage)", known: ["expand", "systems", "respond"])
                    }
                    g.maxTokens[stage] = try int(n, "\(k).\(stage)")
                }
            case "extra":
                guard case let .object(pairs) = json(v) else { throw fail(v, k, "must be a mapping") }
                for (name, value) in pairs { g.extra[name] = value }
            case "send_seed": g.sendSeed = try bool(v, k)
            case "seeds_dir": g.seedsDirectory = try path(v, k)
            case "prompts_dir": g.promptsDirectory = try path(v, k)
            default: throw unknown(v, k, known: known)
            }
        }
    }

    func applyExport(_ node: Node, to e: inout ExportSettings) throws {
        let known = ["out", "formats", "shard_size", "max_shard_mb", "gzip", "test_split"]
        for (key, v) in try mapping(node, "export") {
            let k = "export.\(key)"
            switch key {
            case "out": e.out = try path(v, k)
            case "formats": e.formats = try strings(v, k)
            case "shard_size": e.shardSize = try int(v, k)
            case "max_shard_mb": e.maxShardMB = try optionalInt(v, k)
            case "gzip": e.gzip = try bool(v, k)
            case "test_split": e.testSplit = try int(v, k)
            default: throw unknown(v, k, known: known)
            }
        }
    }
}
