import Foundation

/// Why a template could not be loaded or rendered.
public struct TemplateError: Error, LocalizedError, Sendable, Equatable {
    public var file: String
    public var message: String
    public var errorDescription: String? { "\(file): \(message)" }
}

/// A prompt template: messages introduced by a line `[system]` or `[user]`, with named
/// placeholders `{{name}}`. Rendering fails if the template names a placeholder it is not given,
/// so a typo in a template never reaches the model.
public struct PromptTemplate: Sendable, Hashable {
    public var name: String
    public var source: String
    public var text: String
    /// SHA-256 of the template text: what the manifest records and `plan` compares.
    public var hash: String { Hashing.sha256Hex(text) }

    public init(name: String, source: String, text: String) throws {
        self.name = name
        self.source = source
        self.text = text
        _ = try sections()
    }

    /// Loads `<name>.txt` from `directory`, or the shipped template.
    public static func load(_ name: String, directory: URL? = nil) throws -> PromptTemplate {
        let dir = try directory ?? Resources.directory("prompts")
        let url = dir.appendingPathComponent("\(name).txt")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TemplateError(file: url.path, message: "cannot read the template")
        }
        return try PromptTemplate(name: name, source: url.path, text: String(decoding: data, as: UTF8.self))
    }

    /// The placeholder names the template uses, in order of first use.
    public var placeholders: [String] {
        var names: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !names.contains(name) { names.append(name) }
            rest = rest[close.upperBound...]
        }
        return names
    }

    private func sections() throws -> [(role: String, body: String)] {
        var out: [(String, [Substring])] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "[system]" || trimmed == "[user]" {
                out.append((String(trimmed.dropFirst().dropLast()), []))
            } else if out.isEmpty {
                if !trimmed.isEmpty && !trimmed.hasPrefix("#") {
                    throw TemplateError(file: source, message: "text before the first [system] or [user] line")
                }
            } else {
                out[out.count - 1].1.append(line)
            }
        }
        guard out.contains(where: { $0.0 == "user" }) else {
            throw TemplateError(file: source, message: "no [user] section")
        }
        return out.map { ($0.0, $0.1.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// The messages with every placeholder filled in.
    public func render(_ values: [String: String]) throws -> [ChatMessage] {
        if let missing = placeholders.first(where: { values[$0] == nil }) {
            throw TemplateError(file: source, message: "placeholder {{\(missing)}} has no value (known: \(values.keys.sorted().joined(separator: ", ")))")
        }
        return try sections().map { section in
            var body = section.body
            for name in placeholders {
                body = body.replacingOccurrences(of: "{{\(name)}}", with: values[name] ?? "")
                body = body.replacingOccurrences(of: "{{ \(name) }}", with: values[name] ?? "")
            }
            return ChatMessage(role: section.role, content: body)
        }
    }
}
