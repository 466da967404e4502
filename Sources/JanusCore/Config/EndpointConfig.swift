import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport
import Yams

extension Reader {
    /// `provider.endpoints`: a list of mappings, each with `base_url` and optionally `weight`,
    /// `concurrency`, `rpm`, `tpm` and `api_key_env`. Each error names the entry and the key.
    func endpoints(_ node: Node, _ key: String) throws -> [EndpointSettings] {
        let known = ["base_url", "weight", "concurrency", "rpm", "tpm", "api_key_env"]
        guard let list = node.sequence else {
            throw fail(node, key, "must be a list of endpoints, each a mapping with base_url (and optionally \(known.dropFirst().joined(separator: ", ")))")
        }
        var out: [EndpointSettings] = []
        var seen: [String: Int] = [:]
        for (index, item) in list.enumerated() {
            let k = "\(key)[\(index)]"
            guard item.mapping != nil else {
                throw fail(item, k, "must be a mapping with base_url (and optionally \(known.dropFirst().joined(separator: ", "))), not \(describe(item))")
            }
            var endpoint = EndpointSettings(baseURL: "")
            var sawURL = false
            for (field, v) in try mapping(item, k) {
                let f = "\(k).\(field)"
                switch field {
                case "base_url":
                    endpoint.baseURL = try string(v, f)
                    if let problem = EndpointSettings.problem(with: endpoint.baseURL) { throw fail(v, f, problem) }
                    sawURL = true
                case "weight":
                    endpoint.weight = try double(v, f)
                    guard endpoint.weight > 0, endpoint.weight.isFinite else { throw fail(v, f, "must be a number greater than 0") }
                case "concurrency":
                    let n = try int(v, f)
                    guard n >= 1 else { throw fail(v, f, "must be a whole number of at least 1") }
                    endpoint.concurrency = n
                case "rpm": endpoint.requestsPerMinute = try positive(v, f)
                case "tpm": endpoint.tokensPerMinute = try positive(v, f)
                case "api_key_env": endpoint.apiKeyEnv = try string(v, f)
                default: throw unknown(v, f, known: known)
                }
            }
            guard sawURL else { throw fail(item, k, "has no base_url (each endpoint needs one, e.g. base_url: http://10.0.0.5:8000/v1)") }
            let label = EndpointSettings.label(endpoint.baseURL)
            if let first = seen[label] {
                throw fail(item, k, "repeats the base_url of \(key)[\(first)] (\(label)); give each server once")
            }
            seen[label] = index
            out.append(endpoint)
        }
        guard !out.isEmpty else { throw fail(node, key, "is empty: list at least one endpoint, or leave the key out to use base_url") }
        return out
    }

    private func positive(_ node: Node, _ key: String) throws -> Int? {
        guard let n = try optionalInt(node, key) else { return nil }
        guard n >= 1 else { throw fail(node, key, "must be a whole number of at least 1 (or null for no limit)") }
        return n
    }

    private func describe(_ node: Node) -> String {
        switch node {
        case .sequence: return "a list"
        case let .scalar(scalar): return "\"\(scalar.string)\""
        default: return "this"
        }
    }
}
