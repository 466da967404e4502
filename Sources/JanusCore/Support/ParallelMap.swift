import Dispatch
import Foundation

/// Maps an array on every core, keeping the order of the results.
enum ParallelMap {
    static func map<T: Sendable, R: Sendable>(_ items: [T], chunk: Int = 32, _ transform: @Sendable (T) throws -> R) throws -> [R] {
        if items.count <= chunk { return try items.map(transform) }
        let results = Slots<R>(count: items.count)
        let chunks = (items.count + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            for i in (c * chunk)..<min(items.count, (c + 1) * chunk) {
                results.set(i, Result { try transform(items[i]) })
            }
        }
        return try results.values()
    }
}

/// Slots that several threads fill, each at its own indices, read once all are done.
private final class Slots<R: Sendable>: @unchecked Sendable {
    private var slots: [Result<R, any Error>?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Result<R, any Error>) {
        slots.withUnsafeMutableBufferPointer { $0[index] = value }
    }
    func values() throws -> [R] {
        try slots.map { slot in
            guard let slot else { throw CocoaError(.featureUnsupported) }
            return try slot.get()
        }
    }
}
