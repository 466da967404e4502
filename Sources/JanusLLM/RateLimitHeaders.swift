import Foundation
import JanusSupport
import JanusHTTP

/// What a response's headers say about rate limits: `retry-after-ms`, `Retry-After`
/// (seconds or an HTTP date) and OpenAI's `x-ratelimit-*` family.
struct RateLimitHeaders: Sendable, Hashable {
    /// Seconds the server asks us to wait (`retry-after-ms` wins over `Retry-After`).
    var retryAfter: Double?
    var limitRequests: Int?
    var remainingRequests: Int?
    /// Seconds until the request budget is full again.
    var resetRequests: Double?
    var limitTokens: Int?
    var remainingTokens: Int?
    var resetTokens: Double?

    init(
        retryAfter: Double? = nil, limitRequests: Int? = nil, remainingRequests: Int? = nil, resetRequests: Double? = nil,
        limitTokens: Int? = nil, remainingTokens: Int? = nil, resetTokens: Double? = nil
    ) {
        self.retryAfter = retryAfter
        self.limitRequests = limitRequests
        self.remainingRequests = remainingRequests
        self.resetRequests = resetRequests
        self.limitTokens = limitTokens
        self.remainingTokens = remainingTokens
        self.resetTokens = resetTokens
    }

    /// The fields this reads, in the order of `init(_:now:)`'s slots.
    private static let names = [
        "retry-after-ms", "retry-after", "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests",
        "x-ratelimit-reset-requests", "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens",
    ]

    /// Reads every answer's headers in one pass over their bytes: a field is compared with
    /// these names only when it starts as they do (`r` or `x`), the first value of each name
    /// counts, and a string is made only of a value that is read (a short one stays inline).
    init(_ headers: HTTPHeaders, now: Date = Date()) {
        var found: UInt16 = 0
        var retryAfterMs: String?, retryAfterText: String?
        var limitRequests: Int?, remainingRequests: Int?, resetRequests: Double?
        var limitTokens: Int?, remainingTokens: Int?, resetTokens: Double?
        headers.forEachField { name, value in
            guard let first = name.first.map({ $0 | 0x20 }), first == UInt8(ascii: "r") || first == UInt8(ascii: "x"),
                let slot = Self.names.indices.first(where: { found & (1 << $0) == 0 && HTTPHeaders.sameName(name, Self.names[$0]) })
            else { return }
            found |= 1 << slot
            let text = String(decoding: value, as: UTF8.self)
            switch slot {
            case 0: retryAfterMs = text
            case 1: retryAfterText = text
            case 2: limitRequests = Int(text)
            case 3: remainingRequests = Int(text)
            case 4: resetRequests = Self.parseDuration(text)
            case 5: limitTokens = Int(text)
            case 6: remainingTokens = Int(text)
            default: resetTokens = Self.parseDuration(text)
            }
        }
        var retryAfter: Double?
        if let ms = retryAfterMs.flatMap(Double.init), ms >= 0 {
            retryAfter = ms / 1000
        } else if let value = retryAfterText {
            retryAfter = RateLimitHeaders.parseRetryAfter(value, now: now)
        }
        self.init(
            retryAfter: retryAfter, limitRequests: limitRequests, remainingRequests: remainingRequests, resetRequests: resetRequests,
            limitTokens: limitTokens, remainingTokens: remainingTokens, resetTokens: resetTokens)
    }

    /// `Retry-After`: delta seconds, or an IMF-fixdate such as `Wed, 21 Oct 2015 07:28:00 GMT`.
    static func parseRetryAfter(_ value: String, now: Date) -> Double? {
        let trimmed = value.trimmedWhitespace()
        if let seconds = Double(trimmed) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// OpenAI's reset durations: `20ms`, `1s`, `6m0s`, `1h2m3.5s`; a bare number is seconds.
    /// Read as ASCII bytes: each number (digits and dots) must be followed by a unit.
    static func parseDuration(_ text: String) -> Double? {
        var text = text.trimmedWhitespace()
        // A bare number is seconds; text ending in a unit is never one (Double would refuse it).
        if let last = text.utf8.last, last != UInt8(ascii: "h"), last != UInt8(ascii: "m"), last != UInt8(ascii: "s") {
            return Double(text)
        }
        return text.withUTF8(parseUnits)
    }

    /// Numbers each followed by a unit (`h`, `m`, `s`, `ms`), summed in seconds; nil if any
    /// part is not one.
    private static func parseUnits(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var total = 0.0
        var index = 0
        while index < bytes.count {
            let start = index
            while index < bytes.count, (bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9")) || bytes[index] == UInt8(ascii: ".") {
                index += 1
            }
            guard index < bytes.count, let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else { return nil }
            let unit: Double
            switch bytes[index] {
            case UInt8(ascii: "m") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "s"):
                unit = 0.001
                index += 1
            case UInt8(ascii: "h"): unit = 3600
            case UInt8(ascii: "m"): unit = 60
            case UInt8(ascii: "s"): unit = 1
            default: return nil
            }
            index += 1
            total += value * unit
        }
        return bytes.isEmpty ? nil : total
    }
}
