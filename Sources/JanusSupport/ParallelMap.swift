import Dispatch
import Foundation

/// Maps an array on every core, keeping the order of the results.
package enum ParallelMap {
    package static func map<T: Sendable, R: Sendable>(_ items: [T], chunk: Int = 32, _ transform: @escaping @Sendable (T) throws -> R) throws -> [R] {
        try start(items, chunk: chunk, transform).wait()
    }

    /// Starts mapping in the background and returns at once; `wait()` gives the results. Lets
    /// the caller read the next batch or write the previous one while this one is computed.
    package static func start<T: Sendable, R: Sendable>(
        _ items: [T], chunk: Int = 32, _ transform: @escaping @Sendable (T) throws -> R
    ) -> PendingMap<R> {
        let chunk = max(1, chunk)
        let chunks = (items.count + chunk - 1) / chunk
        let pending = PendingMap<R>(chunks: chunks)
        pending.group.enter()
        DispatchQueue.global().async {
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                // Each worker builds its chunk in an array of its own and hands it over whole.
                let results = items[(c * chunk)..<min(items.count, (c + 1) * chunk)].map { item in
                    Result { try transform(item) }
                }
                pending.deliver(chunk: c, results)
            }
            pending.group.leave()
        }
        return pending
    }
}

/// Results that worker threads hand over one chunk at a time, read once all are in. A chunk
/// crosses threads only through the lock: no two threads ever touch the same array.
package final class PendingMap<R: Sendable>: Sendable {
    package let group = DispatchGroup()
    private let chunks: Locked<[[Result<R, any Error>]?]>

    package init(chunks count: Int) { chunks = Locked(Array(repeating: nil, count: count)) }

    package func deliver(chunk index: Int, _ results: [Result<R, any Error>]) {
        chunks.withLock { $0[index] = results }
    }

    /// Blocks until every result is in; rethrows the first error.
    package func wait() throws -> [R] {
        group.wait()
        let delivered = chunks.withLock { slots in
            defer { slots = [] }
            return slots
        }
        var values: [R] = []
        for slot in delivered {
            guard let slot else { throw CocoaError(.featureUnsupported) }
            for result in slot { values.append(try result.get()) }
        }
        return values
    }
}
