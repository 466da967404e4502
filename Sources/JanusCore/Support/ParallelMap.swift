import Dispatch
import Foundation

/// Maps an array on every core, keeping the order of the results.
enum ParallelMap {
    static func map<T: Sendable, R: Sendable>(_ items: [T], chunk: Int = 32, _ transform: @escaping @Sendable (T) throws -> R) throws -> [R] {
        try start(items, chunk: chunk, transform).wait()
    }

    /// Starts mapping in the background and returns at once; `wait()` gives the results. Lets
    /// the caller read the next batch or write the previous one while this one is computed.
    static func start<T: Sendable, R: Sendable>(
        _ items: [T], chunk: Int = 32, _ transform: @escaping @Sendable (T) throws -> R
    ) -> PendingMap<R> {
        let pending = PendingMap<R>(count: items.count)
        let chunks = (items.count + chunk - 1) / chunk
        pending.group.enter()
        DispatchQueue.global().async {
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                for i in (c * chunk)..<min(items.count, (c + 1) * chunk) {
                    pending.set(i, Result { try transform(items[i]) })
                }
            }
            pending.group.leave()
        }
        return pending
    }
}

/// Results that worker threads fill, each at its own indices, read once all are done.
final class PendingMap<R: Sendable>: @unchecked Sendable {
    let group = DispatchGroup()
    private var slots: [Result<R, any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<R, any Error>) {
        slots.withUnsafeMutableBufferPointer { $0[index] = value }
    }

    /// Blocks until every result is in; rethrows the first error.
    func wait() throws -> [R] {
        group.wait()
        return try slots.map { slot in
            guard let slot else { throw CocoaError(.featureUnsupported) }
            return try slot.get()
        }
    }
}
