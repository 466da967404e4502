import JanusSupport

/// What a stored result was made from, in numbers the store can compare in SQL without
/// rebuilding any request: a digest of the settings part of its recipe (provider, model,
/// template, seeds, sampling: everything but the item) and a digest of its input (the previous
/// stage's output). The store adds a digest of the output, so a result is current for the
/// settings in use when its settings digest is theirs and its input digest is the output digest
/// of the current result before it: the same test as comparing recipes.
public struct ResultStamp: Sendable, Hashable {
    public var settings: Int64
    public var input: Int64

    public init(settings: Int64, input: Int64) {
        self.settings = settings
        self.input = input
    }

    /// The digest of a text as stamps hold it (the first 8 bytes of its SHA-256).
    public static func digest(_ text: String) -> Int64 {
        Int64(bitPattern: Hashing.sha256Prefix64(text))
    }

    public static func digest(_ bytes: [UInt8]) -> Int64 {
        Int64(bitPattern: Hashing.sha256Prefix64(bytes))
    }
}
