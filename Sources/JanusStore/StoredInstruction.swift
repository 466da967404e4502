import Foundation

/// An instruction as the store keeps it.
public struct StoredInstruction: Sendable, Hashable {
    public var id: String
    public var position: Int
    public var text: String
    public var mainSource: String
    public var originalSource: String
    public var sourceName: String
    public var sourceFile: String
    public var sourceLine: Int

    public init(
        id: String, position: Int, text: String, mainSource: String, originalSource: String,
        sourceName: String, sourceFile: String, sourceLine: Int
    ) {
        self.id = id
        self.position = position
        self.text = text
        self.mainSource = mainSource
        self.originalSource = originalSource
        self.sourceName = sourceName
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
    }
}
