import Foundation
import JanusHTTP
import JanusSupport

/// One endpoint as the client uses it: where requests go, with which key, and its own rpm/tpm
/// budget, stall estimate and tally. How many requests it holds, its load controller and its
/// cooldown live in the `EndpointPool`, under one lock with the others'.
final class EndpointLane: Sendable {
    /// Attempts sent here, answered (usable answer), failed (anything else but a cancel), and
    /// the seconds the answered ones took.
    struct Tally: Sendable, Hashable {
        var sent = 0
        var answered = 0
        var failed = 0
        var answeredSeconds = 0.0
    }

    let index: Int
    let label: String
    let url: String
    let host: String
    let keyEnv: String
    let apiKey: String
    let headers: [String]
    let weight: Double
    let maximum: Int
    let limiter: RateLimiter
    let stall: Locked<StallEstimate>
    let tally = Locked(Tally())

    /// Reads the key from `environment[keyEnv]`; a missing key or a bad URL is a
    /// `.configuration` error. `several`: the message names the endpoint.
    init(
        index: Int, endpoint: EndpointSettings, settings: ClientSettings, environment: [String: String], several: Bool
    ) throws(ChatError) {
        let keyEnv = endpoint.apiKeyEnv ?? settings.apiKeyEnv
        let label = EndpointSettings.label(endpoint.baseURL)
        let which = several ? " for the endpoint \(label)" : ""
        guard let key = environment[keyEnv]?.trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty else {
            throw ChatError(
                kind: .configuration,
                message: "no API key\(which): set the environment variable \(keyEnv) (or choose another with --api-key-env)")
        }
        let url = EndpointSettings.chatCompletionsURL(endpoint.baseURL)
        guard let parsed = URL(string: url), let host = parsed.host else {
            throw ChatError(kind: .configuration, message: "base_url \(endpoint.baseURL) is not a valid URL")
        }
        self.index = index
        self.label = label
        self.url = url
        self.host = host
        self.keyEnv = keyEnv
        self.apiKey = key
        self.headers = ["Authorization: Bearer \(key)", "Content-Type: application/json", "Accept: application/json"]
        self.weight = endpoint.weight > 0 ? endpoint.weight : 1
        self.maximum = max(1, endpoint.concurrency ?? settings.concurrency)
        self.limiter = RateLimiter(
            requestsPerMinute: endpoint.requestsPerMinute ?? settings.requestsPerMinute,
            tokensPerMinute: endpoint.tokensPerMinute ?? settings.tokensPerMinute)
        self.stall = Locked(StallEstimate(ceiling: settings.lowSpeedSeconds))
    }

    /// Counts one attempt put on the wire.
    func countSent() {
        tally.withLock { $0.sent += 1 }
    }

    /// Counts one attempt that came back (`ok`: a usable answer after `seconds`).
    func countFinished(ok: Bool, cancelled: Bool, seconds: Double) {
        tally.withLock { t in
            if ok {
                t.answered += 1
                t.answeredSeconds += seconds
            } else if !cancelled {
                t.failed += 1
            }
        }
    }
}

/// One endpoint's share of a client's load, for progress.
public struct EndpointLoad: Sendable, Hashable {
    public var label: String
    public var inFlight: Int
    public var limit: Int
    public var maximum: Int
    public var sent: Int
    public var answered: Int
    public var failed: Int
    /// Mean seconds of the answered attempts (nil: none yet).
    public var latency: Double?
    /// Seconds until it is tried again, while cooling down.
    public var coolingFor: Double?

    /// `http://10.0.0.5:8000/v1: in flight 12/64, sent 1200, answered 1150, failed 50, latency 0.52 s`.
    public var line: String {
        var text = "  \(label): in flight \(inFlight)/\(limit)"
        if limit < maximum { text += " (of \(maximum))" }
        text += ", sent \(sent), answered \(answered), failed \(failed)"
        if let latency { text += String(format: ", latency %.2f s", latency) }
        if let coolingFor { text += String(format: ", cooling down %.0f s", coolingFor.rounded(.up)) }
        return text
    }
}

extension AttemptFailure {
    /// A failure that speaks of the endpoint rather than of the request: no connection, a
    /// connection cut, a stall, a 5xx or a 429. Enough of them in a row cool the endpoint down.
    var troublesEndpoint: Bool {
        switch kind {
        case .transport, .timeout, .truncated: return true
        case .http: return status == 429 || (status.map { (500...599).contains($0) } ?? false)
        default: return false
        }
    }
}

extension ClientLoad {
    /// The load over every endpoint of `pool`, and each one's share when there are several.
    init(pool: EndpointPool, counters: Counters) {
        let now = pool.snapshot
        let paced = now.compactMap(\.pacedRate)
        self.init(
            inFlight: now.reduce(0) { $0 + $1.inFlight }, limit: now.reduce(0) { $0 + $1.limit },
            maximum: pool.lanes.reduce(0) { $0 + $1.maximum }, pacedRate: paced.isEmpty ? nil : paced.reduce(0, +),
            counters: counters)
        guard pool.lanes.count > 1 else { return }
        endpoints = zip(pool.lanes, now).map { lane, state in
            let tally = lane.tally.withLock { $0 }
            return EndpointLoad(
                label: lane.label, inFlight: state.inFlight, limit: state.limit, maximum: lane.maximum, sent: tally.sent,
                answered: tally.answered, failed: tally.failed,
                latency: tally.answered > 0 ? tally.answeredSeconds / Double(tally.answered) : nil, coolingFor: state.coolingFor)
        }
    }
}
