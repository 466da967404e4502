import Foundation
@testable import JanusSupport
import Testing

/// `firstUTF8Range` against Foundation's literal search, on texts in many scripts.
@Suite struct ByteSearchTests {
    static let texts = [
        "", "```", "no fence here", "a ``` b ``` c", "``", "x``y```z", "日本語```json\n[1]\n```",
        "Voila\u{301} ```", "🙂🙂```🙂", "Спасибо, ``` ok", "\u{FEFF}```", "تم ``` شكرا", "````",
    ]

    @Test(arguments: texts)
    func findsWhatFoundationFinds(_ text: String) {
        let needle = Array("```".utf8)
        let expected = text.range(of: "```", options: .literal)
        #expect(text.firstUTF8Range(of: needle) == expected)
        // In a substring that starts past the text's first scalar.
        let tail = text.unicodeScalars.isEmpty ? text[...] : text[text.unicodeScalars.index(after: text.startIndex)...]
        #expect(tail.firstUTF8Range(of: needle) == tail.range(of: "```", options: .literal))
    }

    @Test func aBridgedTextIsSearchedToo() {
        let bridged = NSString(string: "prefix ``` suffix") as String
        let range = bridged.firstUTF8Range(of: Array("```".utf8))
        #expect(range.map { String(bridged[$0]) } == "```")
        #expect(range.map { bridged.utf8.distance(from: bridged.startIndex, to: $0.lowerBound) } == 7)
    }
}
