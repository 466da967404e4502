import Foundation
import JanusLLM
import JanusSupport

/// Why a template could not be loaded or rendered.
public struct TemplateError: Error, LocalizedError, Sendable, Equatable {
    public var file: String
    public var message: String
    public var errorDescription: String? { "\(file): \(message)" }
}

/// A prompt template: messages introduced by a line `[system]` or `[user]`, with named
/// placeholders `{{name}}`. Lines before the first section that start with `#` are comments.
/// Rendering fails if the template names a placeholder it is not given, so a typo in a
/// template never reaches the model. The text is parsed once, when loaded.
public struct PromptTemplate: Sendable, Hashable {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case placeholder(String)
    }

    public let name: String
    public let source: String
    public let text: String
    /// SHA-256 of the template text: what the manifest records and `plan` compares.
    public let hash: String
    /// The placeholder names the template uses, in order of first use.
    public let placeholders: [String]
    let sections: [(role: String, segments: [Segment])]

    public static func == (a: PromptTemplate, b: PromptTemplate) -> Bool {
        a.name == b.name && a.source == b.source && a.text == b.text
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
    }

    public init(name: String, source: String, text: String) throws {
        self.name = name
        self.source = source
        self.text = text
        hash = Hashing.sha256Hex(text)
        var bodies: [(String, [Substring])] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "[system]" || trimmed == "[user]" {
                bodies.append((String(trimmed.dropFirst().dropLast()), []))
            } else if bodies.isEmpty {
                if !trimmed.isEmpty && !trimmed.hasPrefix("#") {
                    throw TemplateError(file: source, message: "text before the first [system] or [user] line")
                }
            } else {
                bodies[bodies.count - 1].1.append(line)
            }
        }
        guard bodies.contains(where: { $0.0 == "user" }) else {
            throw TemplateError(file: source, message: "no [user] section")
        }
        var names: [String] = []
        var parsed: [(String, [Segment])] = []
        for (role, lines) in bodies {
            let body = lines.joined(separator: "\n").trimmedWhitespace()
            let segments = try Self.segments(body, source: source)
            for case let .placeholder(name) in segments where !names.contains(name) { names.append(name) }
            parsed.append((role, segments))
        }
        placeholders = names
        sections = parsed
    }

    static func segments(_ body: String, source: String) throws -> [Segment] {
        var out: [Segment] = []
        var rest = body[...]
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw TemplateError(file: source, message: "a {{ without its }}")
            }
            if open.lowerBound > rest.startIndex { out.append(.literal(String(rest[..<open.lowerBound]))) }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw TemplateError(file: source, message: "an empty {{}} placeholder") }
            out.append(.placeholder(name))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { out.append(.literal(String(rest))) }
        return out
    }

    /// Loads `<name>.txt` from `directory`, or the one built into janus-data (the repository's `prompts/`).
    public static func load(_ name: String, directory: URL? = nil) throws -> PromptTemplate {
        let (source, data) = BuiltInFiles.read("\(name).txt", folder: "prompts", directory: directory)
        guard let data else {
            throw TemplateError(file: source, message: "cannot read the template")
        }
        return try PromptTemplate(name: name, source: source, text: String(decoding: data, as: UTF8.self))
    }

    /// The messages with every placeholder filled in.
    public func render(_ values: [String: String]) throws -> [ChatMessage] {
        if let missing = placeholders.first(where: { values[$0] == nil }) {
            throw TemplateError(
                file: source, message: "placeholder {{\(missing)}} has no value (known: \(values.keys.sorted().joined(separator: ", ")))")
        }
        return sections.map { section in
            // Sized once: an example system message or instruction appended to a string with no
            // room grew it (a new buffer, everything copied) several times per message.
            var length = 0
            for segment in section.segments {
                switch segment {
                case let .literal(text): length += text.utf8.count
                case let .placeholder(name): length += values[name]?.utf8.count ?? 0
                }
            }
            var body = ""
            body.reserveCapacity(length)
            for segment in section.segments {
                switch segment {
                case let .literal(text): body += text
                case let .placeholder(name): body += values[name] ?? ""
                }
            }
            return ChatMessage(role: section.role, content: body)
        }
    }
}
