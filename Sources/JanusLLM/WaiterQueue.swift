import JanusHTTP
import JanusSupport
/// Suspended tasks in arrival order, for the async semaphores (`ConcurrencyGate`,
/// `EndpointPool`): `order[head...]` are ids, `waiting` holds the live ones (a cancelled waiter
/// leaves its id behind, skipped when reached). O(1) per operation. Not thread-safe: the owner
/// keeps it under its lock.
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
    mutating func popFirst() -> CheckedContinuation<Value, Never>? {
        defer { compact() }
        while head < order.count {
            let id = order[head]
            head += 1
            if let continuation = waiting.removeValue(forKey: id) { return continuation }
        }
        return nil
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
                withLock { state in
                    if Task.isCancelled {
                        continuation.resume(returning: cancelled)
                    } else if state[keyPath: queue].isEmpty, let value = take(&state) {
                        continuation.resume(returning: value)
                    } else {
                        state[keyPath: queue].enqueue(id, continuation)
                    }
                }
            }
        } onCancel: {
            withLock { $0[keyPath: queue].remove(id)?.resume(returning: cancelled) }
        }
    }
}
