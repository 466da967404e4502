import Foundation
@testable import JanusCore
@testable import JanusSupport
import Testing

/// ROUGE-L as the paper computed it: the `rouge-score` package (Appendix B.1), compared with it.
@Suite(.removesTemporaryDirectories) struct RougeTests {
    static let fixed: [(String, String)] = [
        ("Prefers concise, to-the-point answers.", "prefers CONCISE answers that get to the point"),
        ("Uses vivid imagery", "Uses vivid imagery"),
        ("Café crème, naïve résumé", "cafe creme naive resume"),  // accented letters are not tokens
        ("Explains step_by_step with 3 examples", "explains step by step with 3 examples"),
        ("don't over-explain", "do not over explain"),
        ("Ünïcödé only: 日本語 и русский", "日本語 и русский"),  // no tokens at all: 0
        ("İstanbul and the Kelvin sign K", "istanbul and the kelvin sign k"),  // lower-cased first
        ("e\u{301}te\u{301} vs été", "ete vs ete"),  // NFD and NFC
        ("", "anything"),
        ("emoji 😀 between 👍🏽 words", "emoji between words"),
        ("a a a b b", "b a b a"),
        ("tabs\tand\nnew\r\nlines", "tabs and new lines"),
    ]

    /// Seeded random texts from pieces that exercise the tokenizer.
    static func random(_ count: Int) -> [(String, String)] {
        let pieces = ["the", "The", "THE", "answer", "concise", "vivid", "step-by-step", "3", "42x", "naïve", "café", "ß", "ﬁne",
                      "K", "İ", "x_y", "'", "’", ",", ".", "😀", "日本", "  ", "\n", "e\u{301}", "ÀB", "ǅ", "Ⅻ", "ｆｕｌｌ"]
        var generator = SeededGenerator(seed: 21)
        func text() -> String {
            (0..<Int(generator.next() % 14)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }
                .joined(separator: generator.next() % 4 == 0 ? "" : " ")
        }
        return (0..<count).map { _ in (text(), text()) }
    }

    @Test(.needsDatasets) func scoresMatchTheRougeScorePackage() throws {
        let pairs = Self.fixed + Self.random(400)
        let dir = try TestPaths.temporaryDirectory()
        let file = dir.appendingPathComponent("pairs.json")
        let json = JSONValue.array(pairs.map { .array([.string($0.0), .string($0.1)]) })
        try Data(json.serialized().utf8).write(to: file)
        let result = try runPythonScript("rouge_reference.py", [file.path], in: dir)
        try #require(result.status == 0, "\(result.stdout)\(result.stderr)")
        let reference = try #require(try JSONParser.parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValue)
        try #require(reference.count == pairs.count)
        var nonZero = 0
        for (pair, expected) in zip(pairs, reference) {
            let want = try #require(expected.doubleValue)
            let got = RougeL.f1(pair.0, pair.1)
            #expect(abs(got - want) < 1e-12, "\(pair.0.debugDescription) vs \(pair.1.debugDescription): \(got), rouge-score \(want)")
            if want > 0 { nonZero += 1 }
        }
        #expect(nonZero > pairs.count / 4)  // the comparison is not all zeros
    }

    @Test func tokensAreLowerCaseASCIILettersAndDigits() {
        #expect(RougeL.tokens("Don't STOP—café 42x") == ["don", "t", "stop", "caf", "42x"])
        #expect(RougeL.f1("Uses vivid imagery", "uses VIVID imagery!") == 1)
    }

    @Test func statsPrintThePapersFiguresBesideOurs() throws {
        let dir = try TestPaths.temporaryDirectory()
        let stats = try DatasetStats.compute(ExportGoldenTests.fixedWorkspace(in: dir))
        #expect(stats.rougeMean > 0)
        #expect(stats.rougeMax >= stats.rougeMean)
        let lines = stats.table.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("paper (B.1, Figure 4)") && $0.hasSuffix("0.21   0.25") })
        #expect(lines.contains { $0.hasPrefix("ours") && $0.contains(String(format: "%.3f", stats.rougeMean)) })
        #expect(stats.json["paper_rouge_l"]?["mean"] == .number(0.21))
    }
}
