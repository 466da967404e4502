@testable import JanusCore
import Testing

/// The listing a systems prompt shows, built in one sized string: it must read exactly as one
/// interpolated line per preference joined by newlines, whatever the text holds.
@Suite struct PreferenceListingTests {
    @Test func theListingIsOneLinePerPreference() {
        let preferences = Dimension.allCases.enumerated().map { index, dimension in
            Preference(
                dimension: dimension, subdimension: index == 0 ? "" : "Sub \(index) é中",
                preference: "🙂 pref\u{301} \(index)", description: String(repeating: "long description ", count: index * 20))
        }
        for count in 0...preferences.count {
            let set = PreferenceSet(preferences: Array(preferences.prefix(count)))
            let expected = set.preferences.map { "- \($0.dimension.rawValue) / \($0.subdimension) / \($0.preference): \($0.description)" }
                .joined(separator: "\n")
            #expect(set.listing == expected, "\(count) preferences")
        }
    }
}
