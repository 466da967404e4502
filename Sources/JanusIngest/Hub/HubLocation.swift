import Foundation

/// A dataset on the Hugging Face Hub named as a source: `hf://owner/name[@revision][/glob]`.
/// Without a glob every Parquet file of the revision is read, in path order.
public struct HubLocation: Sendable, Hashable {
    public var owner: String
    public var name: String
    public var revision: String
    /// Matched against each file's path in the repository (`*` within a folder, `**` across).
    public var glob: String

    public static let scheme = "hf://"

    public var repository: String { "\(owner)/\(name)" }

    /// True when `path` names a Hub dataset rather than a file.
    public static func isHub(_ path: String) -> Bool { path.hasPrefix(scheme) }

    public init(_ text: String) throws {
        guard text.hasPrefix(Self.scheme) else { throw IngestError.cannotRead(path: text, reason: "not an hf:// location") }
        let rest = text.dropFirst(Self.scheme.count)
        let parts = rest.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw IngestError.cannotRead(path: text, reason: "expected hf://owner/name[@revision][/glob]")
        }
        owner = parts[0]
        var repo = parts[1]
        revision = "main"
        if let at = repo.firstIndex(of: "@") {
            revision = String(repo[repo.index(after: at)...])
            repo = String(repo[..<at])
        }
        name = repo
        glob = parts.count == 3 && !parts[2].isEmpty ? parts[2] : "**.parquet"
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        for part in [owner, name, revision] where part.isEmpty || part.unicodeScalars.contains(where: { !allowed.contains($0) }) || part.hasPrefix(".") {
            throw IngestError.cannotRead(path: text, reason: "`\(part)` is not a valid owner, name or revision")
        }
    }

    /// Whether `path` (a file in the repository) matches the glob.
    public func matches(_ path: String) -> Bool {
        Self.match(Array(glob.utf8)[...], Array(path.utf8)[...])
    }

    private static func match(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        guard let p = pattern.first else { return text.isEmpty }
        let star = UInt8(ascii: "*")
        if p == star {
            let deep = pattern.dropFirst().first == star
            let after = deep ? pattern.dropFirst(2) : pattern.dropFirst()
            var rest = text
            while true {
                if match(after, rest) { return true }
                guard let c = rest.first, deep || c != UInt8(ascii: "/") else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let c = text.first else { return false }
        guard p == UInt8(ascii: "?") ? c != UInt8(ascii: "/") : p == c else { return false }
        return match(pattern.dropFirst(), text.dropFirst())
    }
}
