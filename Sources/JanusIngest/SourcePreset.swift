import Foundation
import JanusSupport

/// What ingest takes from one record: the instruction and where it came from.
public struct ExtractedInstruction: Sendable, Hashable {
    public var text: String
    public var mainSource: String
    public var originalSource: String
}

/// How one source dataset lays out its records (../shared/design/FORMATS.md).
public struct SourcePreset: Sendable {
    public var name: String
    public var mainSource: String
    /// The top-level fields the preset reads; readers skip the others without building them.
    public var fields: Set<String> = []
    let extract: @Sendable (JSONValue) throws(BadRecord) -> (text: String, origin: String)

    public static let names = ["nectar", "openhermes", "ultrafeedback", "arena", "dsp", "jsonl"]

    /// The preset called `name`; `jsonl` takes its fields from the settings.
    public static func named(_ name: String, settings: IngestSettings, path: String) throws -> SourcePreset {
        switch name {
        case "nectar":
            return SourcePreset(name: name, mainSource: "Nectar", fields: ["prompt", "source"]) { record throws(BadRecord) in
                let transcript = try stringField(record, "prompt")
                return (try firstHumanTurn(transcript), originFrom(record["source"]))
            }
        case "openhermes":
            return SourcePreset(name: name, mainSource: "OpenHermesPreferences", fields: ["prompt", "source"]) { record throws(BadRecord) in
                (try stringField(record, "prompt"), originFrom(record["source"]))
            }
        case "ultrafeedback":
            return SourcePreset(name: name, mainSource: "ultrafeedback_binarized_cleaned", fields: ["prompt", "source"]) { record throws(BadRecord) in
                (try stringField(record, "prompt"), originFrom(record["source"]))
            }
        case "arena":
            return SourcePreset(name: name, mainSource: "chatbot_arena_conversations", fields: ["conversation_a"]) { record throws(BadRecord) in
                guard let conversation = record["conversation_a"] else { throw BadRecord(.missingField, "field `conversation_a` missing") }
                return (try firstUserTurn(conversation, field: "conversation_a"), "-")
            }
        case "dsp":
            return SourcePreset(name: name, mainSource: "domain_specific_preference", fields: ["query"]) { record throws(BadRecord) in
                (try stringField(record, "query"), "alpaca")
            }
        case "jsonl":
            let promptField = settings.promptField ?? "prompt"
            let originField = settings.originField
            let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            let main = settings.mainSource ?? ((stem as NSString).pathExtension == "jsonl" ? (stem as NSString).deletingPathExtension : stem)
            let fields = Set([promptField, originField].compactMap { $0?.split(separator: ".", omittingEmptySubsequences: false).first.map(String.init) })
            return SourcePreset(name: name, mainSource: main, fields: fields) { record throws(BadRecord) in
                guard let value = record.value(atPath: promptField) else { throw BadRecord(.missingField, "field `\(promptField)` missing") }
                let text: String
                if case .array = value {
                    text = try firstUserTurn(value, field: promptField)
                } else if let s = value.stringValue {
                    text = s
                } else {
                    throw BadRecord(.wrongType, "field `\(promptField)` is a \(value.typeName), expected a string or a message list")
                }
                return (text, originField.map { originFrom(record.value(atPath: $0)) } ?? "-")
            }
        default:
            throw IngestError.unknownPreset(name)
        }
    }

    /// Applies the preset to one record.
    public func instruction(from record: JSONValue) throws(BadRecord) -> ExtractedInstruction {
        let (text, origin) = try rawInstruction(from: record)
        guard !text.trimmedWhitespace().isEmpty else { throw BadRecord(.empty, "instruction is empty") }
        return ExtractedInstruction(text: text, mainSource: mainSource, originalSource: origin)
    }
}

extension SourcePreset {
    /// The instruction and origin of a record, not yet checked for being empty.
    func rawInstruction(from record: JSONValue) throws(BadRecord) -> (text: String, origin: String) {
        guard case .object = record else { throw BadRecord(.wrongType, "expected a JSON object, got a \(record.typeName)") }
        return try extract(record)
    }
}

func stringField(_ record: JSONValue, _ name: String) throws(BadRecord) -> String {
    guard let value = record[name] else { throw BadRecord(.missingField, "field `\(name)` missing") }
    guard let s = value.stringValue else { throw BadRecord(.wrongType, "field `\(name)` is a \(value.typeName), expected a string") }
    return s
}

/// `source` as a string, the first of a list, or `-` when absent or null.
func originFrom(_ value: JSONValue?) -> String {
    switch value {
    case let .string(s)? where !s.isEmpty: return s
    case let .array(items)?: return items.first?.stringValue ?? "-"
    default: return "-"
    }
}

/// The first Human turn of a `\n\nHuman: ...\n\nAssistant: ...` transcript, up to the next
/// turn marker, trimmed (NFC, as `TextNormalizer.stored`). Searched on UTF-8 bytes.
func firstHumanTurn(_ transcript: String) throws(BadRecord) -> String {
    var copy = transcript
    let turn: String? = copy.withUTF8 { bytes in
        guard let human = ByteSearch.find(humanMarker, in: bytes) else { return nil }
        let start = human + humanMarker.count
        let assistant = ByteSearch.find(nextAssistant, in: bytes, from: start) ?? bytes.count
        let nextHuman = ByteSearch.find(nextHumanMarker, in: bytes, from: start) ?? bytes.count
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<min(assistant, nextHuman)]), as: UTF8.self)
    }
    guard let turn else {
        let trimmed = TextNormalizer.stored(transcript)
        if trimmed.isEmpty { throw BadRecord(.empty, "field `prompt` is empty") }
        return trimmed
    }
    return TextNormalizer.stored(turn)
}

private let humanMarker = Array("Human:".utf8)
private let nextAssistant = Array("\n\nAssistant:".utf8)
private let nextHumanMarker = Array("\n\nHuman:".utf8)

/// The content of the first `user` message of a message list.
package func firstUserTurn(_ conversation: JSONValue, field: String) throws(BadRecord) -> String {
    guard let turns = conversation.arrayValue else {
        throw BadRecord(.wrongType, "field `\(field)` is a \(conversation.typeName), expected a list of messages")
    }
    for turn in turns where turn["role"]?.stringValue == "user" || turn["role"]?.stringValue == "human" {
        guard let content = turn["content"]?.stringValue else { throw BadRecord(.wrongType, "`\(field)`: a user turn has no string `content`") }
        return content
    }
    throw BadRecord(.missingField, "field `\(field)` has no user turn")
}
