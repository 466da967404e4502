import JanusHTTP
import JanusSupport
/// Suspended tasks in arrival order, for the async semaphores (`ConcurrencyGate`,
/// `EndpointPool`): `order[head...]` are ids, `waiting` holds the live ones (a cancelled waiter
/// leaves its id behind, skipped when reached). O(1) per operation. Not thread-safe: the owner
/// keeps it under its lock.
///
/// A waiter is never resumed under that lock. Resuming a continuation takes the Swift runtime's
/// lock on the waiting task, and cancelling a task (a task group cancelling its children) holds
/// that runtime lock while it runs the cancellation handler, which takes the owner's lock to
/// leave the queue: resuming under the owner's lock is a lock-order inversion, and a build
/// whose task group was cancelled while slots were being handed out hung for ever. So the owner
/// collects whom to wake in `Wakeups` under its lock and calls `resume()` after releasing it.
struct WaiterQueue<Value: Sendable> {
    private var waiting: [UInt64: CheckedContinuation<Value, Never>] = [:]
    private var order: [UInt64] = []
    private var head = 0
    private var nextID: UInt64 = 0

    var isEmpty: Bool { waiting.isEmpty }

    /// A fresh id for a waiter about to enqueue (taken before it suspends, so that a
    /// cancellation handler can name it).
    mutating func makeID() -> UInt64 {
        defer { nextID += 1 }
        return nextID
    }

    mutating func enqueue(_ id: UInt64, _ continuation: CheckedContinuation<Value, Never>) {
        waiting[id] = continuation
        order.append(id)
    }

    /// Takes a waiter out of the queue (it was cancelled); nil when it was already resumed.
    mutating func remove(_ id: UInt64) -> CheckedContinuation<Value, Never>? {
        waiting.removeValue(forKey: id)
    }

    /// The longest-waiting live waiter, taken out of the queue; nil when none waits.
    private mutating func popFirst() -> CheckedContinuation<Value, Never>? {
        defer { compact() }
        while head < order.count {
            let id = order[head]
            head += 1
            if let continuation = waiting.removeValue(forKey: id) { return continuation }
        }
        return nil
    }

    /// The longest-waiting live waiter, taken out of the queue and added to `wakeups` with
    /// `value`; false when none waits.
    mutating func admitFirst(_ value: Value, into wakeups: inout Wakeups<Value>) -> Bool {
        guard let continuation = popFirst() else { return false }
        wakeups.add(continuation, value)
        return true
    }

    /// Every live waiter, taken out of the queue and added to `wakeups` with `value`.
    mutating func admitAll(_ value: Value, into wakeups: inout Wakeups<Value>) {
        while admitFirst(value, into: &wakeups) {}
    }

    private mutating func compact() {
        if head == order.count {
            order.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}

/// Waiters taken out of a `WaiterQueue` under its owner's lock, to be resumed once it is released.
struct Wakeups<Value: Sendable>: Sendable {
    private var pending: [(CheckedContinuation<Value, Never>, Value)] = []

    mutating func add(_ continuation: CheckedContinuation<Value, Never>, _ value: Value) {
        pending.append((continuation, value))
    }

    /// Resumes every waiter collected. Call with no lock held.
    func resume() {
        for (continuation, value) in pending { continuation.resume(returning: value) }
    }
}

extension Locked {
    /// Waits in the queue at `queue`, first come first served: takes `take(&state)` at once when
    /// nobody waits and it gives a value, else suspends until the owner resumes this waiter
    /// (with `WaiterQueue.popFirst`). Returns `cancelled` when the task is cancelled first.
    func wait<T: Sendable>(
        in queue: any WritableKeyPath<Value, WaiterQueue<T>> & Sendable, cancelled: T, take: (inout Value) -> T?
    ) async -> T {
        let id = withLock { $0[keyPath: queue].makeID() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
                // Decided under the lock, resumed after it (see `WaiterQueue`).
                let now: T? = withLock { state in
                    if Task.isCancelled { return cancelled }
                    if state[keyPath: queue].isEmpty, let value = take(&state) { return value }
                    state[keyPath: queue].enqueue(id, continuation)
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            withLock { $0[keyPath: queue].remove(id) }?.resume(returning: cancelled)
        }
    }
}
