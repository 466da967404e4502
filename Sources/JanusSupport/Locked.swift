import Foundation

/// A value behind a lock: the one way shared mutable state crosses threads in JanusCore.
///
/// Keep a closure in a struct's field, not as `Value` itself: a bare function type is stored
/// at the generic abstraction and wrapped in a reabstraction thunk by every `withLock`, in and
/// on the write-back, so the chain of thunks grows with each access.
package final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    package init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access to the value.
    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
