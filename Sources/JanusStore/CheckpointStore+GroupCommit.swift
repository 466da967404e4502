import Foundation

extension CheckpointStore {
    /// Runs `write` (statements on the connection, no transaction of its own) in the next group
    /// commit (see `GroupCommit`) and returns once it is committed.
    func grouped(_ write: @escaping GroupCommit.Write) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            schedule(GroupCommit.Entry(write: write, done: done))
        }
    }

    /// Runs `write` in the next group commit without waiting for it; a failure is dropped (for
    /// the attempt log, which is not allowed to fail the request it describes).
    func groupedLater(_ write: @escaping GroupCommit.Write) {
        schedule(GroupCommit.Entry(write: write, done: nil))
    }

    private func schedule(_ entry: GroupCommit.Entry) {
        switch group.add(entry) {
        case .none: break
        case .later: group.queue.asyncAfter(deadline: .now() + group.window) { self.commitWaiting() }
        case .now: group.queue.async { self.commitWaiting() }
        }
    }

    /// Commits every write waiting for a group commit, on the calling thread, with the answered
    /// attempts whose answers never came logged as rows of their own (see `AnsweredAttempt`).
    /// Called when a run ends or is stopped, and before reading the attempt log.
    public func flush() {
        logHeldAttempts()
        commitWaiting()
    }

    /// Commits every write waiting for a group commit, on the calling thread.
    func commitWaiting() {
        group.ordering.lock()
        defer { group.ordering.unlock() }
        let batch = group.take()
        guard !batch.isEmpty else { return }
        let outcome = locked {
            Result { try db.transaction { for entry in batch { try entry.write() } } }
        }
        guard case .failure = outcome, batch.count > 1 else {
            for entry in batch { entry.done?.resume(with: outcome) }
            return
        }
        // One failed write does not sink the others: each is tried again in a commit of its own.
        for entry in batch {
            let single = locked { Result { try db.transaction { try entry.write() } } }
            entry.done?.resume(with: single)
        }
    }
}
