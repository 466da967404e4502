import Foundation
import JanusSupport

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

    /// Loads the seeds from `directory`, or the ones built into janus-data (the repository's `seeds/`).
    public static func load(directory: URL? = nil) throws -> SeedLibrary {
        let taxonomy = try loadTaxonomy(readJSON("taxonomy.json", directory: directory))
        let (setsSource, setsJSON) = try readJSON("preference_sets.json", directory: directory)
        guard let sets = setsJSON.arrayValue else {
            throw SeedError(file: setsSource, message: "expected a JSON list of preference sets")
        }
        var preferenceSets: [PreferenceSet] = []
        for (i, set) in sets.enumerated() {
            do {
                preferenceSets.append(try PreferenceSetParser.parse(set.serialized()))
            } catch {
                throw SeedError(file: setsSource, message: "set \(i + 1): \(error.message)")
            }
        }
        let (messagesSource, messagesJSON) = try readJSON("system_messages.json", directory: directory)
        guard let messages = messagesJSON.arrayValue?.compactMap(\.stringValue), !messages.isEmpty else {
            throw SeedError(file: messagesSource, message: "expected a JSON list of strings")
        }
        guard !preferenceSets.isEmpty else { throw SeedError(file: setsSource, message: "no preference sets") }
        return SeedLibrary(taxonomy: taxonomy, preferenceSets: preferenceSets, systemMessages: messages)
    }

    /// A seed file's JSON, with the path (or built-in label) that names it in errors.
    static func readJSON(_ name: String, directory: URL?) throws -> (source: String, json: JSONValue) {
        let (source, data) = BuiltInFiles.read(name, folder: "seeds", directory: directory)
        guard let data else {
            throw SeedError(file: source, message: "cannot read the file")
        }
        do {
            return (source, try JSONParser.parse(data))
        } catch {
            throw SeedError(file: source, message: error.description)
        }
    }

    static func loadTaxonomy(_ file: (source: String, json: JSONValue)) throws -> Taxonomy {
        guard let dims = file.json["dimensions"]?.arrayValue else {
            throw SeedError(file: file.source, message: "expected {\"dimensions\": [...]}")
        }
        var out: [(Dimension, [Subdimension])] = []
        for dim in dims {
            guard let name = dim["name"]?.stringValue, let dimension = Dimension(rawValue: name),
                let subs = dim["subdimensions"]?.arrayValue
            else { throw SeedError(file: file.source, message: "a dimension lacks a known `name` or `subdimensions`") }
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
