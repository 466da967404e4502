import JanusHTTP
import JanusSupport
/// Suspended tasks for the async semaphores (`ConcurrencyGate`, `EndpointPool`), served by
/// rank, lower first, and in arrival order within a rank (every waiter of rank 0: first come,
/// first served). `heap` orders (rank, id); `waiting` holds the live ones (a cancelled waiter
/// leaves its entry behind, skipped when reached). O(log n) per operation. Not thread-safe: the
/// owner keeps it under its lock.
///
/// A waiter is never resumed under that lock. Resuming a continuation takes the Swift runtime's
/// lock on the waiting task, and cancelling a task (a task group cancelling its children) holds
/// that runtime lock while it runs the cancellation handler, which takes the owner's lock to
/// leave the queue: resuming under the owner's lock is a lock-order inversion, and a build
/// whose task group was cancelled while slots were being handed out hung for ever. So the owner
/// collects whom to wake in `Wakeups` under its lock and calls `resume()` after releasing it.
struct WaiterQueue<Value: Sendable> {
    private struct Entry {
        var rank: Int
        var id: UInt64

        func precedes(_ other: Entry) -> Bool {
            rank != other.rank ? rank < other.rank : id < other.id
        }
    }

    private var waiting: [UInt64: CheckedContinuation<Value, Never>] = [:]
    private var heap: [Entry] = []
    private var nextID: UInt64 = 0

    var isEmpty: Bool { waiting.isEmpty }
    var count: Int { waiting.count }

    /// A fresh id for a waiter about to enqueue (taken before it suspends, so that a
    /// cancellation handler can name it).
    mutating func makeID() -> UInt64 {
        defer { nextID += 1 }
        return nextID
    }

    mutating func enqueue(_ id: UInt64, rank: Int = 0, _ continuation: CheckedContinuation<Value, Never>) {
        waiting[id] = continuation
        heap.append(Entry(rank: rank, id: id))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Takes a waiter out of the queue (it was cancelled); nil when it was already resumed.
    mutating func remove(_ id: UInt64) -> CheckedContinuation<Value, Never>? {
        let continuation = waiting.removeValue(forKey: id)
        if waiting.isEmpty { heap.removeAll(keepingCapacity: true) }
        return continuation
    }

    /// The first live waiter (lowest rank, then longest waiting), taken out of the queue; nil
    /// when none waits.
    private mutating func popFirst() -> CheckedContinuation<Value, Never>? {
        while let first = heap.first {
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                siftDown()
            }
            if let continuation = waiting.removeValue(forKey: first.id) { return continuation }
        }
        return nil
    }

    private mutating func siftDown() {
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < heap.count, heap[left].precedes(heap[first]) { first = left }
            if right < heap.count, heap[right].precedes(heap[first]) { first = right }
            guard first != parent else { return }
            heap.swapAt(parent, first)
            parent = first
        }
    }

    /// The first live waiter, taken out of the queue and added to `wakeups` with `value`;
    /// false when none waits.
    mutating func admitFirst(_ value: Value, into wakeups: inout Wakeups<Value>) -> Bool {
        guard let continuation = popFirst() else { return false }
        wakeups.add(continuation, value)
        return true
    }

    /// Every live waiter, taken out of the queue and added to `wakeups` with `value`.
    mutating func admitAll(_ value: Value, into wakeups: inout Wakeups<Value>) {
        while admitFirst(value, into: &wakeups) {}
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
    /// Waits in the queue at `queue` with `rank` (lower served first; first come, first served
    /// within a rank): takes `take(&state)` at once when nobody waits and it gives a value, else
    /// suspends until the owner resumes this waiter (with `WaiterQueue.admitFirst`). Returns
    /// `cancelled` when the task is cancelled first.
    func wait<T: Sendable>(
        in queue: any WritableKeyPath<Value, WaiterQueue<T>> & Sendable, rank: Int = 0, cancelled: T, take: (inout Value) -> T?
    ) async -> T {
        // The common case, a free place and nobody waiting, taken without a continuation.
        let immediate: T? = withLock { state in
            if Task.isCancelled { return cancelled }
            return state[keyPath: queue].isEmpty ? take(&state) : nil
        }
        if let immediate { return immediate }
        let id = withLock { $0[keyPath: queue].makeID() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
                // Decided under the lock, resumed after it (see `WaiterQueue`).
                let now: T? = withLock { state in
                    if Task.isCancelled { return cancelled }
                    if state[keyPath: queue].isEmpty, let value = take(&state) { return value }
                    state[keyPath: queue].enqueue(id, rank: rank, continuation)
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            withLock { $0[keyPath: queue].remove(id) }?.resume(returning: cancelled)
        }
    }
}
