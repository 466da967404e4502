import JanusStore

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

    /// A heap node: the rank and where the instruction is kept (so sifting moves 24 bytes).
    private struct Node {
        var rank: UInt64
        var tiebreak: UInt64
        var slot: Int

        func precedes(_ other: Node) -> Bool {
            (rank, tiebreak) < (other.rank, other.tiebreak)
        }
    }

    let capacity: Int
    private var heap: [Node] = []
    private var kept: [StoredInstruction] = []
    /// How many candidates it keeps now.
    var count: Int { heap.count }
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
            heap.append(Node(rank: rank, tiebreak: tiebreak, slot: kept.count))
            kept.append(make())
            siftUp(heap.count - 1)
        } else if let top = heap.first, (rank, tiebreak) < (top.rank, top.tiebreak) {
            kept[top.slot] = make()
            heap[0] = Node(rank: rank, tiebreak: tiebreak, slot: top.slot)
            siftDown(0)
        }
    }

    /// The kept candidates, lowest rank first.
    func sorted() -> [Entry] {
        heap.sorted { $0.precedes($1) }.map { Entry(rank: $0.rank, tiebreak: $0.tiebreak, instruction: kept[$0.slot]) }
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
        let count = heap.count
        while true {
            var largest = parent
            let left = 2 * parent + 1
            let right = left + 1
            if left < count, heap[largest].precedes(heap[left]) { largest = left }
            if right < count, heap[largest].precedes(heap[right]) { largest = right }
            if largest == parent { return }
            heap.swapAt(parent, largest)
            parent = largest
        }
    }
}
