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

    init(_ headers: HTTPHeaders, now: Date = Date()) {
        if let ms = headers["retry-after-ms"].flatMap(Double.init), ms >= 0 {
            retryAfter = ms / 1000
        } else if let value = headers["retry-after"] {
            retryAfter = RateLimitHeaders.parseRetryAfter(value, now: now)
        }
        limitRequests = headers["x-ratelimit-limit-requests"].flatMap { Int($0) }
        remainingRequests = headers["x-ratelimit-remaining-requests"].flatMap { Int($0) }
        resetRequests = headers["x-ratelimit-reset-requests"].flatMap(RateLimitHeaders.parseDuration)
        limitTokens = headers["x-ratelimit-limit-tokens"].flatMap { Int($0) }
        remainingTokens = headers["x-ratelimit-remaining-tokens"].flatMap { Int($0) }
        resetTokens = headers["x-ratelimit-reset-tokens"].flatMap(RateLimitHeaders.parseDuration)
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
    static func parseDuration(_ text: String) -> Double? {
        let text = text.trimmedWhitespace()
        if let seconds = Double(text) { return seconds }
        var total = 0.0
        var number = ""
        var index = text.startIndex
        var sawUnit = false
        while index < text.endIndex {
            let c = text[index]
            if c.isNumber || c == "." {
                number.append(c)
                index = text.index(after: index)
                continue
            }
            guard let value = Double(number) else { return nil }
            let rest = text[index...]
            let unit: Double
            if rest.hasPrefix("ms") {
                unit = 0.001
                index = text.index(index, offsetBy: 2)
            } else {
                switch c {
                case "h": unit = 3600
                case "m": unit = 60
                case "s": unit = 1
                default: return nil
                }
                index = text.index(after: index)
            }
            total += value * unit
            number = ""
            sawUnit = true
        }
        return sawUnit && number.isEmpty ? total : nil
    }
}
