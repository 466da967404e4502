import Foundation

/// Where an instruction came from beyond its source line: the ingest run that stored it.
public struct InstructionOrigin: Sendable, Hashable {
    public var runID: Int
    public var startedAt: String?
}
