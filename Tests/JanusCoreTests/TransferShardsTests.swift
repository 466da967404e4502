@testable import JanusHTTP
import Testing

/// Which multi handle a transfer joins (see `TransferShards`).
struct TransferShardsTests {
    @Test func handlesFollowTheExpectedConcurrency() {
        #expect(TransferShards.count(forConcurrency: 1) == 1)
        #expect(TransferShards.count(forConcurrency: 128) == 1)
        #expect(TransferShards.count(forConcurrency: 129) == 2)
        #expect(TransferShards.count(forConcurrency: 1000) == 8)
        #expect(TransferShards.count(forConcurrency: 1_000_000) == 256)
    }

    @Test func plainHTTPFillsTheFirstHandleWithRoomThenTheLeastBusy() {
        var shards = TransferShards(count: 3)
        let url = "http://127.0.0.1:8000/v1/chat/completions"
        let taken = (0..<(3 * TransferShards.capacity)).map { _ in shards.take(url: url) }
        #expect(taken == (0..<3).flatMap { Array(repeating: $0, count: TransferShards.capacity) })
        // All full: the least busy one, the first of those tied.
        shards.release(2)
        shards.release(1)
        shards.release(1)
        #expect(shards.take(url: url) == 1)
        #expect(shards.take(url: url) == 1)
        #expect(shards.take(url: url) == 2)
        #expect(shards.take(url: url) == 0)
        #expect(shards.active == [TransferShards.capacity + 1, TransferShards.capacity, TransferShards.capacity])
    }

    @Test func aLightLoadStaysOnTheFirstHandle() {
        var shards = TransferShards(count: 8)
        for _ in 0..<1000 {
            #expect(shards.take(url: "http://localhost/v1") == 0)
            shards.release(0)
        }
        #expect(shards.active == Array(repeating: 0, count: 8))
    }

    @Test func requestsThatMayUseHTTP2StayOnTheFirstHandle() {
        var shards = TransferShards(count: 8)
        for url in ["https://api.openai.com/v1/chat/completions", "HTTPS://example.com", "ftp://x", "http:/x", "http"] {
            for _ in 0..<200 { #expect(shards.take(url: url) == 0, "\(url)") }
        }
        #expect(TransferShards.isPlainHTTP("HTTP://Example.com/v1"))
        #expect(!TransferShards.isPlainHTTP("https://example.com"))
    }
}
