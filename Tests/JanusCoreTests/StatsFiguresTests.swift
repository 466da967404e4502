import Foundation
@testable import JanusCore
@testable import JanusSupport
import Testing

/// The shortcuts `stats` takes for ROUGE-L (numeric token keys, the bit-vector LCS) give
/// exactly what the plain forms give.
@Suite struct StatsFiguresTests {
    @Test func theBitVectorLCSIsTheTables() {
        var generator = SeededGenerator(seed: 7)
        var nonZero = 0
        for round in 0..<3000 {
            let alphabet = UInt64(2 + round % 9)
            let a = (0..<Int(generator.next() % 80)).map { _ in generator.next() % alphabet }
            // Up to 64 tokens, the most one word holds, and the edges around it.
            let b = (0..<Int(round % 3 == 0 ? 64 : generator.next() % 65)).map { _ in generator.next() % alphabet }
            let table = RougeL.lcsLengthTable(a, b)
            #expect(RougeL.lcsLengthBitParallel(a, b) == table, "\(a) vs \(b)")
            if table > 0 { nonZero += 1 }
        }
        #expect(nonZero > 1000)
    }

    @Test func tokenKeysScoreAsTheTokensDo() {
        let pairs = RougeTests.fixed + RougeTests.random(600) + [
            ("precisely the trustworthiness of a trustworthy answer", "TRUSTWORTHINESS, precisely: an answer"),
            ("abcdefgh abcdefghi abcdefghij", "abcdefghij abcdefgh abcdefghi abcdefgh"),
            ("Ünïcödé trustworthiness 日本", "trustworthiness precisely"),
        ]
        var nonZero = 0
        for (x, y) in pairs {
            var keys = TokenKeys()
            let got = RougeL.f1(keys.keys(x), keys.keys(y))
            let want = RougeL.f1(x, y)
            #expect(got == want, "\(x.debugDescription) vs \(y.debugDescription)")
            if want > 0 { nonZero += 1 }
        }
        #expect(nonZero > pairs.count / 4)
    }
}
