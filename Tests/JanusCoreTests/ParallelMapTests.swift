@testable import JanusCore
@testable import JanusSupport
import Testing

/// `ParallelMap` runs `transform` on every core; `make sanitize` runs these under ThreadSanitizer.
@Suite struct ParallelMapTests {
    struct Refused: Error, Equatable { let item: Int }

    @Test func resultsKeepTheOrderOfTheItems() throws {
        for (count, chunk) in [(0, 32), (1, 32), (1000, 7), (1000, 1), (4096, 32)] {
            let items = (0..<count).map { $0 * 3 + 1 }
            let mapped = try ParallelMap.map(items, chunk: chunk) { "\($0)" }
            #expect(mapped == items.map { "\($0)" }, "\(count) items in chunks of \(chunk)")
        }
    }

    @Test func theFirstErrorInItemOrderIsRethrown() {
        #expect(throws: Refused(item: 40)) {
            try ParallelMap.map(Array(0..<500), chunk: 8) { item in
                if item == 40 || item == 41 || item == 499 { throw Refused(item: item) }
                return item
            }
        }
    }

    @Test func batchesInFlightTogetherEachGetTheirOwnResults() throws {
        let pending = (0..<8).map { batch in ParallelMap.start(Array(0..<300)) { $0 + batch * 1000 } }
        for (batch, map) in pending.enumerated() {
            #expect(try map.wait() == (0..<300).map { $0 + batch * 1000 })
        }
    }
}
