import Foundation
import JanusSupport

/// What the attempt log says of one endpoint: attempts sent, answered and failed, and how long
/// the answered ones took.
public struct EndpointTally: Sendable, Hashable {
    public var endpoint: String
    public var sent: Int
    public var answered: Int
    public var failed: Int
    /// Mean seconds of the answered attempts (0 when none).
    public var meanLatency: Double
}

extension CheckpointStore {
    /// Attempts per endpoint, over the whole attempt log, by endpoint name, from the sums kept
    /// in `endpoint_totals` (see `AnsweredAttempt`). Attempts logged before endpoints were
    /// recorded are left out. A cancelled attempt counts as sent only.
    public func endpointTallies() throws -> [EndpointTally] {
        flush()
        return try locked {
            try db.query("""
                SELECT endpoint, sent, answered, failed, CASE WHEN answered > 0 THEN answered_seconds / answered END
                FROM endpoint_totals WHERE sent > 0 ORDER BY endpoint
                """
            ).map {
                EndpointTally(
                    endpoint: $0.string(0) ?? "", sent: $0.int(1) ?? 0, answered: $0.int(2) ?? 0, failed: $0.int(3) ?? 0,
                    meanLatency: $0.double(4) ?? 0)
            }
        }
    }
}
