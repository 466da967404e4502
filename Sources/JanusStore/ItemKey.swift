import Foundation

/// Identifies one item of one stage.
public struct ItemKey: Hashable, Sendable {
    public var instructionID: String
    public var variant: Int

    public init(_ instructionID: String, _ variant: Int) {
        self.instructionID = instructionID
        self.variant = variant
    }
}
