import JanusLLM
import JanusStore

/// The checks each stage's answer passes before it is accepted, and the follow-up request when
/// it does not: shared by the generation runner and by `show`, which replays them to find the
/// re-asked requests of an item in the store.
extension OutputValidator {
    /// An expand answer: a preference set that differs from those written for the same
    /// instruction's earlier variants.
    public static func preferenceSet(_ answer: String, others: [PreferenceSet]) throws(InvalidOutput) -> PreferenceSet {
        let set = try PreferenceSetParser.parse(answer)
        if others.contains(where: { sameSet($0, set) }) {
            throw InvalidOutput("this preference set repeats another one written for the same instruction; write a different one")
        }
        return set
    }

    /// Checks `stage`'s answer; returns what would be stored.
    public func check(_ stage: Stage, _ answer: String, others: [PreferenceSet]) throws(InvalidOutput) -> String {
        switch stage {
        case .expand: return try Self.preferenceSet(answer, others: others).json.serialized()
        case .systems: return try systemMessage(answer)
        case .respond: return try response(answer)
        default: return answer
        }
    }
}

extension ChatRequest {
    /// Turns this request into the one that asks again after `answer` was refused for `reason`.
    public mutating func appendReask(answer: String, reason: String) {
        messages.append(.assistant(answer))
        messages.append(.user("That answer could not be used: \(reason). Answer again, following the instructions exactly."))
    }
}
