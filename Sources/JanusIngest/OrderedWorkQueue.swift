import Foundation

/// Runs one transform over a stream of inputs on a few worker threads and gives the outputs
/// back in input order, whatever order the workers finish in: the caller reads and merges on
/// its own thread, so everything order-dependent stays sequential and deterministic.
final class OrderedWorkQueue<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    // Every stored property below is guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [(Int, Input)] = []
    private var results: [Int: Output] = [:]
    private var closed = false
    private var running = 0
    private let transform: @Sendable (Input) -> Output

    private init(transform: @escaping @Sendable (Input) -> Output) {
        self.transform = transform
    }

    /// Pulls inputs from `next` (on the calling thread), transforms them on `workers` threads
    /// with at most `inFlight` waiting or in progress, and calls `consume` (on the calling
    /// thread) with each output in input order. With one worker or fewer, runs inline.
    static func run(
        workers: Int, inFlight: Int, next: () throws -> Input?,
        transform: @escaping @Sendable (Input) -> Output, consume: (Output) throws -> Void
    ) throws {
        if workers <= 1 {
            while let input = try next() { try consume(transform(input)) }
            return
        }
        let queue = OrderedWorkQueue(transform: transform)
        queue.start(workers)
        defer { queue.shutDown() }
        var submitted = 0
        var consumed = 0
        var exhausted = false
        while true {
            while !exhausted, submitted - consumed < max(inFlight, workers) {
                if let input = try next() {
                    queue.submit(submitted, input)
                    submitted += 1
                } else {
                    exhausted = true
                }
            }
            if consumed == submitted { return }
            let output = queue.take(consumed)
            consumed += 1
            try consume(output)
        }
    }

    private func start(_ workers: Int) {
        condition.lock()
        running = workers
        condition.unlock()
        for i in 0..<workers {
            let thread = Thread { [self] in work() }
            thread.name = "janus-ingest-\(i)"
            // JSON nesting may go 512 deep; give the recursive parser room.
            thread.stackSize = 16 << 20
            thread.start()
        }
    }

    private func work() {
        while true {
            condition.lock()
            while pending.isEmpty, !closed { condition.wait() }
            if pending.isEmpty {
                running -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let (sequence, input) = pending.removeFirst()
            condition.unlock()
            let output = transform(input)
            condition.lock()
            results[sequence] = output
            condition.broadcast()
            condition.unlock()
        }
    }

    private func submit(_ sequence: Int, _ input: Input) {
        condition.lock()
        pending.append((sequence, input))
        condition.broadcast()
        condition.unlock()
    }

    private func take(_ sequence: Int) -> Output {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let output = results.removeValue(forKey: sequence) { return output }
            condition.wait()
        }
    }

    /// Drops what is still pending and waits until every worker has left.
    private func shutDown() {
        condition.lock()
        closed = true
        pending.removeAll()
        condition.broadcast()
        while running > 0 { condition.wait() }
        results.removeAll()
        condition.unlock()
    }
}
