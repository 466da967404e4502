import Foundation
import JanusSupport

/// One configured input: a preset name and a file.
public struct SourceSpec: Sendable, Hashable {
    public var preset: String
    public var path: String
    public init(preset: String, path: String) {
        self.preset = preset
        self.path = path
    }

    /// Parses `NAME=PATH` as given to `--source`.
    public static func parse(_ text: String) throws -> SourceSpec {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex, text.index(after: eq) != text.endIndex else {
            throw ConfigError(file: "--source", message: "expected NAME=PATH, got \"\(text)\"")
        }
        return SourceSpec(preset: String(text[..<eq]), path: String(text[text.index(after: eq)...]))
    }

    /// Checks, before anything is read, that the source can be: an `hf://` address is well
    /// formed, a local file exists.
    public func checkAvailable() throws {
        if HubLocation.isHub(path) {
            _ = try HubLocation(path)
        } else if !FileManager.default.fileExists(atPath: path) {
            throw IngestError.cannotRead(path: path, reason: "no such file (source \(preset))")
        }
    }
}
