import Foundation

/// Writes waiting for the store's next group commit.
///
/// A generation run stores hundreds to thousands of answers a second, each with the result
/// accepted from it. Committed one by one, every write costs a WAL commit: the
/// B-tree pages it touched written again (a 4 KB page for a 100-byte row), file locks taken and
/// released. Here writes that arrive within `window` seconds of each other (or `batchLimit` of
/// them, whichever comes first) are committed together in one transaction, after which each
/// waiting writer is told. A writer that waits (`CheckpointStore.grouped`) is stored when it
/// resumes, so what a run has been told is stored is committed; what a kill can lose is only
/// what arrived in the last `window` seconds and was still waiting (a flush on SIGINT/SIGTERM
/// commits that too).
///
/// The window is 1 ms. A request keeps its send slot until its answer is committed, so the
/// window is time every slot spends idle: at 1,000 slots and 0.5 s answers (20k requests),
/// 5 ms held the build at 11.08-11.17 s and 1 ms at 10.95-10.98 s, four alternated runs each.
/// It commits about 2.5 times as often (3,146 commits against 1,262), which cost about 0.4 s of
/// the build's 5 s of CPU in a longer comparison (BENCHMARKS.md): the slots, not this process's
/// CPU, are what a build against a real endpoint waits on. Giving the slot back once the answer
/// is in (and committing every 5-15 ms) took 0.1-0.3 s more CPU off with no wall-time cost, but
/// doubles what a kill can make the next run ask again (up to the concurrency answered and not yet
/// stored, on top of the concurrency in flight): left out. When the writer is busy (an offline
/// build) the window does not set the batch: the writes that arrive during one commit make up
/// the next.
final class GroupCommit: @unchecked Sendable {
    typealias Write = @Sendable () throws -> Void

    struct Entry {
        var write: Write
        /// Resumed once the write is committed (or failed); nil for a write nobody waits for.
        var done: CheckedContinuation<Void, any Error>?
    }

    /// What `add` asks of its caller.
    enum Schedule {
        /// A commit is already due.
        case none
        /// Schedule a commit `window` seconds from now: this is the first write waiting.
        case later
        /// Commit now: `batchLimit` writes are waiting.
        case now
    }

    /// Seconds a write may wait for others to join its commit.
    let window: Double
    /// Writes committed together at most before a commit is started at once.
    let batchLimit: Int
    /// Where the commits run.
    let queue = DispatchQueue(label: "janus-store.group-commit")
    /// Held while a batch is taken and committed, so batches commit in the order they were taken.
    let ordering = NSLock()
    private let mutex = NSLock()
    private var pending: [Entry] = []

    init(window: Double = 0.001, batchLimit: Int = 256) {
        self.window = window
        self.batchLimit = batchLimit
    }

    func add(_ entry: Entry) -> Schedule {
        mutex.withLock {
            pending.append(entry)
            if pending.count == 1 { return .later }
            return pending.count == batchLimit ? .now : .none
        }
    }

    /// Every write waiting, in the order they came; none are left waiting.
    func take() -> [Entry] {
        mutex.withLock {
            let batch = pending
            pending = []
            return batch
        }
    }

    var isEmpty: Bool { mutex.withLock { pending.isEmpty } }
}
