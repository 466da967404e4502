import JanusSupport

/// The four dimensions every preference set covers, in their fixed order.
public enum Dimension: String, CaseIterable, Sendable, Codable {
    case style
    case backgroundKnowledge = "background_knowledge"
    case informativeness
    case harmlessness

    /// Reads the names models really write ("Background Knowledge", "background-knowledge").
    public init?(loose: String) {
        if let exact = Dimension(rawValue: loose) {
            self = exact
            return
        }
        // Hyphens and spaces become underscores (before the trim, so a space at either end is
        // kept as an underscore), scalar by scalar rather than through Foundation's UTF-16.
        var folded = String.UnicodeScalarView()
        for scalar in loose.lowercased().unicodeScalars {
            folded.append(scalar == "-" || scalar == " " ? "_" : scalar)
        }
        self.init(rawValue: String(folded).trimmedWhitespace())
    }
}

/// One preference: a dimension, a subdimension under it, a short keyword and a description.
public struct Preference: Sendable, Hashable, Codable {
    public var dimension: Dimension
    public var subdimension: String
    public var preference: String
    public var description: String

    public init(dimension: Dimension, subdimension: String, preference: String, description: String) {
        self.dimension = dimension
        self.subdimension = subdimension
        self.preference = preference
        self.description = description
    }

    public var json: JSONValue {
        .object([
            ("dimension", .string(dimension.rawValue)), ("subdimension", .string(subdimension)),
            ("preference", .string(preference)), ("description", .string(description)),
        ])
    }
}

/// Exactly four preferences, one per dimension, in dimension order.
public struct PreferenceSet: Sendable, Hashable {
    public var preferences: [Preference]

    public init(preferences: [Preference]) {
        self.preferences = preferences
    }

    /// The stored and exported form: a JSON list of four objects.
    public var json: JSONValue { .array(preferences.map(\.json)) }

    /// A plain-text listing for prompts.
    public var listing: String {
        // One "- dimension / subdimension / preference: description" line per preference, built
        // in one string sized up front (interpolating each line and joining them grew strings
        // some twenty times per systems request).
        var size = 0
        for p in preferences {
            size += 11 + p.dimension.rawValue.utf8.count + p.subdimension.utf8.count + p.preference.utf8.count + p.description.utf8.count
        }
        var text = ""
        text.reserveCapacity(size)
        for (index, p) in preferences.enumerated() {
            text += index == 0 ? "- " : "\n- "
            text += p.dimension.rawValue
            text += " / "
            text += p.subdimension
            text += " / "
            text += p.preference
            text += ": "
            text += p.description
        }
        return text
    }
}
