import Foundation
import JanusStore
import JanusSupport

/// One request of one stage for one item: the first ask, or a re-ask after a refused answer.
public struct RequestView: Sendable {
    public enum Verdict: String, Sendable {
        /// The answer passed the stage's checks.
        case accepted
        /// The answer was refused; `reason` says why, and the next request asked again.
        case refused
        /// No answer came (every attempt failed); the attempt log says why.
        case failed
    }

    public var number: Int
    public var key: String
    public var answer: CachedAnswer?
    public var verdict: Verdict
    public var reason: String?
    /// The transport attempts the client logged for this request (none for the offline provider).
    public var tries: [LoggedAttempt]

    public var json: JSONValue {
        var object: [(String, JSONValue)] = [
            ("request", .integer(number)), ("key", .string(key)), ("verdict", .string(verdict.rawValue)),
            ("reason", reason.map { .string($0) } ?? .null),
        ]
        if let answer {
            object.append(("answer", .string(answer.content)))
            object.append(("finish_reason", answer.finishReason.map { .string($0) } ?? .null))
            object.append(("prompt_tokens", .integer(answer.usage.promptTokens)))
            object.append(("completion_tokens", .integer(answer.usage.completionTokens)))
            object.append(("tokens_estimated", .bool(answer.usage.estimated)))
            object.append(("cost_usd", .number(answer.cost)))
        }
        object.append(("attempts", .array(tries.map { t in
            .object([
                ("attempt", .integer(t.attempt)), ("http_status", t.httpStatus.map { .integer($0) } ?? .null),
                ("outcome", .string(t.outcome)), ("detail", .string(t.detail)), ("latency_s", .number(t.latency)),
                ("prompt_tokens", t.promptTokens.map { .integer($0) } ?? .null),
                ("completion_tokens", t.completionTokens.map { .integer($0) } ?? .null),
                ("endpoint", t.endpoint.map { .string($0) } ?? .null),
            ])
        })))
        return .object(object)
    }
}

/// Where one item stands at one stage, and the requests it took.
public struct StageView: Sendable {
    public enum State: String, Sendable {
        case done, pending, failed, quarantined
        /// The previous stage's output is not there yet.
        case waiting
    }

    public var stage: Stage
    public var state: State
    /// For failed and quarantined items: the recorded reason, and the refused answer.
    public var reason: String?
    public var raw: String?
    /// The run that stored the result, when recorded.
    public var runID: Int?
    /// Pending although a result made with other settings (or another template) is stored.
    public var olderResult: Bool
    public var requests: [RequestView]

    public var json: JSONValue {
        .object([
            ("stage", .string(stage.rawValue)), ("state", .string(state.rawValue)),
            ("reason", reason.map { .string($0) } ?? .null), ("raw", raw.map { .string($0) } ?? .null),
            ("run", runID.map { .integer($0) } ?? .null), ("older_result_stored", .bool(olderResult)),
            ("requests", .array(requests.map(\.json))),
        ])
    }
}

/// One variant of an instruction, through every stage.
public struct VariantView: Sendable {
    public var index: Int
    /// The seed preference set the expand prompt showed as an example, and its index in the seeds.
    public var seedSetIndex: Int?
    public var seedSet: PreferenceSet?
    public var preferenceSet: PreferenceSet?
    /// The three example system messages the systems prompt showed, and their indices.
    public var exampleIndices: [Int]
    public var examples: [String]
    public var systemMessage: String?
    public var response: String?
    public var stages: [StageView]

    public var json: JSONValue {
        .object([
            ("variant", .integer(index)),
            ("seed_preference_set", .object([
                ("index", seedSetIndex.map { .integer($0) } ?? .null), ("set", seedSet?.json ?? .null),
            ])),
            ("preference_set", preferenceSet?.json ?? .null),
            ("example_system_messages", .array(zip(exampleIndices, examples).map {
                .object([("index", .integer($0.0)), ("text", .string($0.1))])
            })),
            ("system_message", systemMessage.map { .string($0) } ?? .null),
            ("response", response.map { .string($0) } ?? .null),
            ("stages", .array(stages.map(\.json))),
        ])
    }
}

/// One instruction whole: where it came from and every variant through every stage.
public struct ItemView: Sendable {
    public var instruction: StoredInstruction
    public var origin: InstructionOrigin?
    public var variants: [VariantView]

    public var json: JSONValue {
        .object([
            ("id", .string(instruction.id)), ("position", .integer(instruction.position)),
            ("instruction", .string(instruction.text)),
            ("main_source", .string(instruction.mainSource)), ("original_source", .string(instruction.originalSource)),
            ("provenance", .object([
                ("source", .string(instruction.sourceName)), ("file", .string(instruction.sourceFile)),
                ("line", .integer(instruction.sourceLine)),
                ("ingest_run", origin.map { .integer($0.runID) } ?? .null),
                ("ingested_at", origin?.startedAt.map { .string($0) } ?? .null),
            ])),
            ("variants", .array(variants.map(\.json))),
        ])
    }
}
