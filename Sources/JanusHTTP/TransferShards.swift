/// Which of the transport's multi handles a new transfer joins.
///
/// libcurl 7.88 walks its connection pool in a list: each new transfer looks through every
/// connection to its host for an idle one, and each finished transfer is looked up again,
/// connection by connection, when its easy handle leaves the multi handle. With 1,000 HTTP/1.1
/// requests in flight (1,000 connections to one server) those two walks were about 7% of a
/// server build's CPU. Spread over multi handles of at most `capacity` transfers each, a walk
/// covers one handle's connections.
///
/// A transfer goes to the first multi handle with room, so a light load stays on the first and
/// keeps reusing its connections. Requests that may use HTTP/2 (https) all go to the first:
/// there a handful of connections carry every stream, the walks are short, and more pools would
/// only open more connections.
struct TransferShards {
    /// Transfers a multi handle is given before the next one is used.
    static let capacity = 128

    private(set) var active: [Int]

    init(count: Int) {
        active = Array(repeating: 0, count: max(1, count))
    }

    /// How many multi handles `expectedConcurrency` transfers at once call for.
    static func count(forConcurrency expectedConcurrency: Int) -> Int {
        max(1, min(256, (expectedConcurrency + capacity - 1) / capacity))
    }

    /// The multi handle for a transfer to `url`, counted as active there until `release`.
    mutating func take(url: String) -> Int {
        var shard = 0
        if active.count > 1, Self.isPlainHTTP(url) {
            if let first = active.firstIndex(where: { $0 < Self.capacity }) {
                shard = first
            } else if let least = active.indices.min(by: { active[$0] < active[$1] }) {
                shard = least
            }
        }
        active[shard] += 1
        return shard
    }

    mutating func release(_ shard: Int) {
        active[shard] -= 1
    }

    /// Whether `url` is plain `http://`, which libcurl speaks as HTTP/1.1 (HTTP/2 only over TLS).
    static func isPlainHTTP(_ url: String) -> Bool {
        // `| 0x20` lowercases the letters and leaves ':' and '/' as they are.
        url.utf8.prefix(7).elementsEqual("http://".utf8) { $0 | 0x20 == $1 }
    }
}
