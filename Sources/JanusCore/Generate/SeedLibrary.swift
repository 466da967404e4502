import Foundation

/// A subdimension of the seed taxonomy and its preference keywords.
public struct Subdimension: Sendable, Hashable {
    public var name: String
    public var title: String
    public var preferences: [String]
}

/// The hierarchical seed taxonomy of paper Table 6: dimensions, subdimensions, keywords.
public struct Taxonomy: Sendable, Hashable {
    public var dimensions: [(dimension: Dimension, subdimensions: [Subdimension])]

    public static func == (a: Taxonomy, b: Taxonomy) -> Bool {
        a.dimensions.map(\.dimension) == b.dimensions.map(\.dimension)
            && a.dimensions.map(\.subdimensions) == b.dimensions.map(\.subdimensions)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(dimensions.map(\.subdimensions))
    }

    public var subdimensionCount: Int { dimensions.reduce(0) { $0 + $1.subdimensions.count } }
    public var preferenceCount: Int { dimensions.reduce(0) { $0 + $1.subdimensions.reduce(0) { $0 + $1.preferences.count } } }

    public func subdimensions(of dimension: Dimension) -> [Subdimension] {
        dimensions.first { $0.dimension == dimension }?.subdimensions ?? []
    }
}

/// Why the seeds could not be loaded.
public struct SeedError: Error, LocalizedError, Sendable {
    public var file: String
    public var message: String
    public var errorDescription: String? { "\(file): \(message)" }
}

/// The hand-written seeds: the taxonomy, example preference sets and example system messages.
public struct SeedLibrary: Sendable, Hashable {
    public var taxonomy: Taxonomy
    public var preferenceSets: [PreferenceSet]
    public var systemMessages: [String]

    /// Loads the seeds from `directory`, or from the ones shipped with janus-data.
    public static func load(directory: URL? = nil) throws -> SeedLibrary {
        let dir = try directory ?? Resources.directory("seeds")
        let taxonomy = try loadTaxonomy(dir.appendingPathComponent("taxonomy.json"))
        let setsURL = dir.appendingPathComponent("preference_sets.json")
        guard let sets = try readJSON(setsURL).arrayValue else {
            throw SeedError(file: setsURL.path, message: "expected a JSON list of preference sets")
        }
        var preferenceSets: [PreferenceSet] = []
        for (i, set) in sets.enumerated() {
            do {
                preferenceSets.append(try PreferenceSetParser.parse(set.serialized()))
            } catch {
                throw SeedError(file: setsURL.path, message: "set \(i + 1): \(error.message)")
            }
        }
        let messagesURL = dir.appendingPathComponent("system_messages.json")
        guard let messages = try readJSON(messagesURL).arrayValue?.compactMap(\.stringValue), !messages.isEmpty else {
            throw SeedError(file: messagesURL.path, message: "expected a JSON list of strings")
        }
        guard !preferenceSets.isEmpty else { throw SeedError(file: setsURL.path, message: "no preference sets") }
        return SeedLibrary(taxonomy: taxonomy, preferenceSets: preferenceSets, systemMessages: messages)
    }

    static func readJSON(_ url: URL) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SeedError(file: url.path, message: "cannot read the file")
        }
        do {
            return try JSONParser.parse(data)
        } catch {
            throw SeedError(file: url.path, message: error.description)
        }
    }

    static func loadTaxonomy(_ url: URL) throws -> Taxonomy {
        let root = try readJSON(url)
        guard let dims = root["dimensions"]?.arrayValue else {
            throw SeedError(file: url.path, message: "expected {\"dimensions\": [...]}")
        }
        var out: [(Dimension, [Subdimension])] = []
        for dim in dims {
            guard let name = dim["name"]?.stringValue, let dimension = Dimension(rawValue: name),
                let subs = dim["subdimensions"]?.arrayValue
            else { throw SeedError(file: url.path, message: "a dimension lacks a known `name` or `subdimensions`") }
            let subdimensions = subs.map { sub in
                Subdimension(
                    name: sub["name"]?.stringValue ?? "", title: sub["title"]?.stringValue ?? "",
                    preferences: sub["preferences"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            }
            out.append((dimension, subdimensions))
        }
        return Taxonomy(dimensions: out)
    }
}

/// Files shipped inside janus-data (seeds, prompt templates).
public enum Resources {
    public static func directory(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil) else {
            throw SeedError(file: name, message: "the resource folder is missing from this janus-data build")
        }
        return url
    }
}
