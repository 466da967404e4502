import Foundation
@testable import JanusCore
@testable import JanusHTTP
@testable import JanusSupport
import Testing

/// The byte-level replacements for Foundation string work: the NFC quick check, the copy check
/// on system messages, header names. Foundation serves as the oracle.
@Suite struct UTF8HotPathTests {
    func quickCheck(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { NFC.quickCheck($0) }
    }

    /// Every scalar of the Basic Multilingual Plane, alone and after a letter, a Hangul leading
    /// consonant and a vowel sign that composes: whenever the quick check passes, NFC (the
    /// standard library's) leaves the text as it is. Foundation agrees except where it composes
    /// a leading consonant with an archaic vowel (U+1176 and later), which Unicode does not.
    @Test func quickCheckNeverPassesTextThatNormalizationChanges() {
        var passed = 0
        for v in UInt32(0x80)..<0x10000 {
            guard let scalar = Unicode.Scalar(v) else { continue }
            for prefix in ["", "a", "\u{1100}", "\u{0B47}", "\u{0627}"] {
                let text = prefix + String(scalar)
                let nfc = text._nfcCodeUnits
                if quickCheck(text) {
                    passed += 1
                    #expect(nfc == Array(text.utf8), "U+\(String(v, radix: 16)) after \(prefix.debugDescription)")
                }
                let archaicJamo = prefix == "\u{1100}" && (0x1176...0x11FF).contains(v)
                if !archaicJamo {
                    #expect(nfc == Array(text.precomposedStringWithCanonicalMapping.utf8), "U+\(String(v, radix: 16))")
                }
            }
        }
        // Most text passes: letters of every script, CJK, punctuation.
        #expect(passed > 250_000)
        for text in ["Привет мир", "数据和データ", "مرحبا", "데이터", "👩\u{200D}💻 👍🏽 🇫🇷", "“quoted” — naïve café"] {
            #expect(quickCheck(text), "\(text)")
        }
        for text in ["e\u{0301}", "\u{212B}", "\u{1100}\u{1161}", "\u{0627}\u{064E}", "\u{1D15E}"] {
            #expect(!quickCheck(text), "\(text.debugDescription)")
        }
    }

    @Test func copyCheckFindsExactlyWhatContainsFinds() {
        var generator = SeededGenerator(seed: 11)
        let words = ["you", "are", "a", "guide", "who", "writes", "clearly", "é", "数据", "—", "and", "with", "care"]
        func text(_ n: Int) -> String {
            (0..<n).map { _ in words[Int(generator.next() % UInt64(words.count))] }.joined(separator: " ")
        }
        // Long examples (hash path), short ones (direct search), one that is a prefix of another.
        var examples = (0..<20).map { _ in text(8 + Int(generator.next() % 30)) }
        examples += ["are a", "clearly é", examples[0] + " and more"]
        let check = ExampleCopyCheck(examples: examples.map { Array($0.utf8) })
        var found = 0
        for round in 0..<3000 {
            var candidate = text(Int(generator.next() % 60))
            if round % 3 == 0 {
                let example = examples[Int(generator.next() % UInt64(examples.count))]
                let cut = round % 2 == 0 ? example : String(example.dropLast())
                candidate = text(Int(generator.next() % 10)) + " " + cut + " " + text(Int(generator.next() % 10))
            }
            let expected = examples.contains { Array(candidate.utf8).firstRange(of: Array($0.utf8)) != nil }
            var copy = candidate
            #expect(copy.withUTF8 { check.foundIn($0) } == expected, "\(candidate)")
            if expected { found += 1 }
        }
        #expect(found > 500)
    }

    @Test func systemMessagesThatCopyAnExampleAreRefused() throws {
        let example = "You are a patient tutor who explains every step of the reasoning in plain words for a beginner."
        let validator = OutputValidator(exampleSystemMessages: [example])
        let filler = Array(repeating: "Keep the answers short and kind.", count: 6).joined(separator: " ")
        // Case, white space and composition do not hide a copy.
        let copied = filler + " " + example.uppercased().replacingOccurrences(of: " ", with: "\n  ") + " " + filler
        #expect(throws: InvalidOutput.self) { try validator.systemMessage(copied) }
        let fresh = filler + " You are a careful editor who explains each change to the writer. " + filler
        #expect(try validator.systemMessage(fresh) == fresh)
    }

    @Test func headerNamesCompareWithoutASCIICase() {
        let headers = HTTPHeaders([("Retry-After", "2"), ("X-RateLimit-Remaining-Requests", "7")])
        #expect(headers["retry-after"] == "2")
        #expect(headers["x-ratelimit-remaining-requests"] == "7")
        #expect(headers["retry-aftex"] == nil)
        #expect(headers["retry_after"] == nil)
        #expect(!HTTPHeaders.sameName("[", "{"))  // 0x5B and 0x7B differ only in bit 0x20, but are not letters
    }

    /// Headers are kept as the bytes that came: fields in order, the first of a repeated name
    /// found, empty values kept, and bytes that are not UTF-8 repaired only in the strings made.
    @Test func headersKeepTheirBytesAndOrder() {
        var headers = HTTPHeaders()
        func add(_ name: String, _ value: [UInt8]) {
            Array(name.utf8).withUnsafeBufferPointer { name in value.withUnsafeBufferPointer { headers.append(name: name, value: $0) } }
        }
        add("Set-Cookie", Array("a=1".utf8))
        add("X-Empty", [])
        add("set-cookie", Array("b=2".utf8))
        add("X-Bytes", [0x63, 0xFF, 0x61, 0xC3, 0xA9])
        add("X-Long", Array(String(repeating: "v", count: 3000).utf8))
        #expect(headers.fields.map(\.name) == ["Set-Cookie", "X-Empty", "set-cookie", "X-Bytes", "X-Long"])
        #expect(headers["SET-COOKIE"] == "a=1")
        #expect(headers["x-empty"] == "")
        #expect(headers["x-bytes"] == "c\u{FFFD}aé")
        #expect(headers["x-long"]?.count == 3000)
        #expect(headers == HTTPHeaders(headers.fields.map { ($0.name, $0.value) }))
        #expect(headers != HTTPHeaders([("Set-Cookie", "a=1")]))
    }

    func characterWords(_ text: String) -> Int {
        text.split(whereSeparator: { $0.isWhitespace }).count
    }

    /// The report's word count on bytes against the count on characters: every scalar of the
    /// Basic Multilingual Plane and of U+10000-U+1FFFF beside spaces, tabs and letters, and
    /// seeded random texts from a palette of joiners, marks, prepended scalars and white space.
    @Test func wordsOnBytesCountWhatCharactersCount() {
        var contexts = 0
        for v in UInt32(0x80)..<0x20000 {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let x = String(scalar)
            for text in ["a " + x + "b", "a" + x + " b", x + " ", " " + x, "a\t" + x, x + "\u{3000}a"] {
                contexts += 1
                #expect(CollectionReport.words(text) == characterWords(text), "U+\(String(v, radix: 16)) in \(text.debugDescription)")
            }
        }
        #expect(contexts > 700_000)
        let palette = [
            "a", "Я", "数", "ب", "한", " ", " ", "\t", "\n", "\r\n", "\u{00A0}", "\u{3000}", "\u{2028}", "\u{0085}", "\u{0301}", "\u{0903}",
            "\u{200D}", "\u{200C}", "\u{FE0F}", "\u{1F3FD}", "\u{1F469}", "\u{0600}", "\u{0D4E}", "\u{111C2}", "\u{1100}", "\u{1161}", "\u{1F1EB}",
        ]
        var rng = SeededGenerator(seed: 12)
        for _ in 0..<20_000 {
            let text = (0...rng.below(12)).map { _ in palette[rng.below(palette.count)] }.joined()
            #expect(CollectionReport.words(text) == characterWords(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        // Real text takes the byte path: no character breaking.
        for text in ["Привет, мир", "数据 和 データ", "مرحبا بالعالم", "데이터 과학", "👩\u{200D}💻 works 👍🏽 🇫🇷", "“quoted” — naïve café"] {
            var copy = text
            #expect(copy.withUTF8 { UTF8Bytes.wordCount($0) } == characterWords(text), "\(text)")
        }
    }
}
