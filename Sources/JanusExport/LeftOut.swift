/// Why variants were left out of an export, counted.
public struct LeftOut: Sendable, Hashable {
    public var failed = 0
    public var quarantined = 0
    public var notGenerated = 0

    public init() {}

    public mutating func add(_ other: LeftOut) {
        failed += other.failed
        quarantined += other.quarantined
        notGenerated += other.notGenerated
    }

    public var pairs: [(String, Int)] {
        [("variants failed", failed), ("variants quarantined", quarantined), ("variants not yet generated", notGenerated)]
    }
}
