import JanusSupport

/// Streams items through `transform` on every core a batch at a time and hands the results to
/// `visit` in the order `produce` gave the items: batch N is computed on the worker threads
/// while the calling thread produces batch N+1 and visits batch N-1, so memory stays at about
/// three batches however many items there are.
func orderedBatches<Item: Sendable, Result: Sendable>(
    size: Int = 512, transform: @escaping @Sendable (Item) throws -> Result, visit: (Result) throws -> Void,
    produce: (_ add: (Item) throws -> Void) throws -> Void
) throws {
    // `visit` runs only within this call; it is marked escaping so that the closure handed to
    // `produce` may call it.
    try withoutActuallyEscaping(visit) { visit in
        var batch: [Item] = []
        var inFlight: PendingMap<Result>?
        func finishInFlight() throws {
            guard let pending = inFlight else { return }
            inFlight = nil
            for value in try pending.wait() { try visit(value) }
        }
        func submit() throws {
            let next = ParallelMap.start(batch, transform)
            batch.removeAll(keepingCapacity: true)
            try finishInFlight()
            inFlight = next
        }
        try produce { item in
            batch.append(item)
            if batch.count >= size { try submit() }
        }
        if !batch.isEmpty { try submit() }
        try finishInFlight()
    }
}
