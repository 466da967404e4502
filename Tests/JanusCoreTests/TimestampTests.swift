import Foundation
@testable import JanusStore
import Testing

/// Store timestamps: ISO-8601 UTC to the second, the current second's text reused.
@Suite struct TimestampTests {
    @Test func secondsAreFormattedInUTC() {
        #expect(Timestamp.format(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(951_782_400) == "2000-02-29T00:00:00Z")
        #expect(Timestamp.format(1_764_562_509) == "2025-12-01T04:15:09Z")
    }

    @Test func nowIsTheCurrentSecond() {
        let before = time_t(Date().timeIntervalSince1970)
        let stamp = Timestamp.now()
        let after = time_t(Date().timeIntervalSince1970)
        #expect((before...after).map(Timestamp.format).contains(stamp))
    }
}
