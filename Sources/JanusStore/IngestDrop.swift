import Foundation

/// A source line that ingest did not keep, and why.
public struct IngestDrop: Sendable, Hashable {
    public var sourceName: String
    public var file: String
    public var line: Int
    /// `bad`, `duplicate`, `near_duplicate`, `filtered`.
    public var reason: String
    public var detail: String
    /// For `duplicate` and `near_duplicate`, the id of the instruction this line repeats. For
    /// `filtered` under the paper's recipe (sampled, then filtered), the line's own instruction
    /// id: a later ingest counts it as sampled and does not sample its text again.
    public var duplicateOf: String?

    public init(sourceName: String, file: String, line: Int, reason: String, detail: String, duplicateOf: String? = nil) {
        self.sourceName = sourceName
        self.file = file
        self.line = line
        self.reason = reason
        self.detail = detail
        self.duplicateOf = duplicateOf
    }
}
