import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// The per-endpoint part of `status`: what the attempt log says of each endpoint.
extension EndpointTally {
    public var json: JSONValue {
        .object([
            ("endpoint", .string(endpoint)), ("sent", .integer(sent)), ("answered", .integer(answered)),
            ("failed", .integer(failed)), ("mean_latency_s", .number((meanLatency * 1000).rounded() / 1000)),
        ])
    }

    /// One row per endpoint: sent, answered, failed, mean latency.
    public static func table(_ tallies: [EndpointTally]) -> String {
        var rows = [["endpoint", "sent", "answered", "failed", "latency"]]
        for t in tallies {
            rows.append([t.endpoint, "\(t.sent)", "\(t.answered)", "\(t.failed)", String(format: "%.2f s", t.meanLatency)])
        }
        return TextTable.render(rows)
    }
}

