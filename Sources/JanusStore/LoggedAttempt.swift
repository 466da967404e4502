import Foundation

/// One logged attempt at one request (a row of the attempt log).
public struct LoggedAttempt: Sendable, Hashable {
    public var attempt: Int
    public var httpStatus: Int?
    /// `ok`, or why the attempt gave no result (`rate_limited`, `server_error`, `timeout`, ...).
    public var outcome: String
    public var detail: String
    public var latency: Double
    public var promptTokens: Int?
    public var completionTokens: Int?
    /// The endpoint it went to (nil: logged before endpoints were recorded).
    public var endpoint: String?
}
