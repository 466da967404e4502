/// The candidates of one source with the lowest sampling ranks, at most `capacity` of them: a
/// max-heap on the rank, so a million candidates never sit in memory when a quota keeps 12,000.
/// Which candidates it ends with depends only on their ranks, never on the order they came in.
final class SampleReservoir {
    struct Entry {
        var rank: UInt64
        var tiebreak: UInt64
        var instruction: StoredInstruction

        func precedes(_ other: Entry) -> Bool {
            (rank, tiebreak) < (other.rank, other.tiebreak)
        }
    }

    let capacity: Int
    private var heap: [Entry] = []
    /// Every candidate offered, kept or not.
    private(set) var offered = 0

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// Offers a candidate; `make` builds it only when it is kept.
    func offer(rank: UInt64, tiebreak: UInt64, _ make: () -> StoredInstruction) {
        offered += 1
        guard capacity > 0 else { return }
        if heap.count < capacity {
            heap.append(Entry(rank: rank, tiebreak: tiebreak, instruction: make()))
            siftUp(heap.count - 1)
        } else if let top = heap.first, (rank, tiebreak) < (top.rank, top.tiebreak) {
            heap[0] = Entry(rank: rank, tiebreak: tiebreak, instruction: make())
            siftDown(0)
        }
    }

    /// The kept candidates, lowest rank first.
    func sorted() -> [Entry] {
        heap.sorted { $0.precedes($1) }
    }

    private func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[parent].precedes(heap[child]) else { return }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private func siftDown(_ start: Int) {
        var parent = start
        while true {
            var largest = parent
            for child in [2 * parent + 1, 2 * parent + 2] where child < heap.count && heap[largest].precedes(heap[child]) {
                largest = child
            }
            if largest == parent { return }
            heap.swapAt(parent, largest)
            parent = largest
        }
    }
}
