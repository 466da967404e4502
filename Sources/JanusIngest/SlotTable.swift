import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A zero-filled array of 32-bit slots for the near-duplicate tables, mapped directly from the
/// kernel and marked for transparent huge pages: the tables are probed at random, one probe
/// per band per instruction, and with 4 KiB pages nearly every probe would also miss the TLB.
/// Pages become resident only when touched.
final class SlotTable {
    let base: UnsafeMutablePointer<UInt32>
    let count: Int
    private let mapped: Bool

    init(count: Int) {
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<UInt32>.stride
        let address = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        if let address, address != MAP_FAILED {
            if bytes >= 1 << 21 { _ = madvise(address, bytes, 14 /* MADV_HUGEPAGE */) }
            base = address.bindMemory(to: UInt32.self, capacity: max(count, 1))
            mapped = true
        } else {
            base = UnsafeMutablePointer<UInt32>.allocate(capacity: max(count, 1))
            base.initialize(repeating: 0, count: max(count, 1))
            mapped = false
        }
    }

    deinit {
        if mapped {
            munmap(base, max(count, 1) * MemoryLayout<UInt32>.stride)
        } else {
            base.deallocate()
        }
    }

    /// A separate table with the same slots (copy on write for `SketchIndex`).
    func copy() -> SlotTable {
        let other = SlotTable(count: count)
        other.base.update(from: base, count: count)
        return other
    }
}
