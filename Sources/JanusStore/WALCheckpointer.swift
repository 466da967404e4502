import CSQLite
import Foundation
import JanusSupport

/// Copies the write-ahead log back into the store file on a connection and thread of its own,
/// so that the connection every store write goes through only appends to the log.
///
/// With SQLite's automatic checkpoint the committing connection, after the commit that takes
/// the log past its threshold, reads every page of the log, writes it into the file and syncs
/// the file, while every writer waits for the commit to return. A generation run's commits all
/// go through one connection, and at 100k instructions a checkpoint every 16 MB of log took a
/// third of that connection's time, most of it the sync.
///
/// Here the writing connection's WAL hook, after each commit, wakes this checkpointer once the
/// log holds `threshold` pages; it runs a passive checkpoint (copies what no reader still needs,
/// never waits for a lock) while the writer goes on appending. When the log has been copied
/// whole, the next commit starts it again from the beginning. Should the log still reach
/// `limit` pages (a reader held old pages, or copying fell behind), the writer checkpoints
/// itself as SQLite would, so the log stays bounded. A kill at any instant is safe either way:
/// a checkpoint only copies pages that are already committed in the log.
final class WALCheckpointer: @unchecked Sendable {
    /// Log pages after a commit that wake the checkpointer.
    let threshold: Int32
    /// Log pages after a commit at which the writer checkpoints itself.
    let limit: Int32
    private let connection: SQLiteDatabase
    private let queue = DispatchQueue(label: "janus-store.checkpoint")
    /// Whether a checkpoint is scheduled or running; whether `stop` has run.
    private let state = Locked<(busy: Bool, stopped: Bool)>((false, false))
    private weak var writer: SQLiteDatabase?

    /// Opens the checkpointer's connection to the store at `path` and installs the hook on
    /// `writer`, the connection that commits.
    init(path: String, writer: SQLiteDatabase, threshold: Int32 = 4096, limit: Int32 = 32768) throws {
        self.threshold = threshold
        self.limit = limit
        connection = try SQLiteDatabase(.path(path))
        // A connection learns that the file is in WAL mode when it first reads it; until then a
        // checkpoint on it does nothing.
        try connection.execute("SELECT count(*) FROM sqlite_master")
        self.writer = writer
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_wal_hook(
            writer.pointer,
            { context, db, name, pages in
                guard let context else { return SQLITE_OK }
                Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(db: db, name: name, pages: pages)
                return SQLITE_OK
            }, context)
    }

    /// Called by SQLite on the writing connection after each commit, with the log's length.
    private func committed(db: OpaquePointer?, name: UnsafePointer<CChar>?, pages: Int32) {
        if pages >= limit {
            // As SQLite's own automatic checkpoint; passive, so a busy checkpointer is not waited for.
            sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        } else if pages >= threshold {
            wake()
        }
    }

    private func wake() {
        let start = state.withLock { state in
            guard !state.busy, !state.stopped else { return false }
            state.busy = true
            return true
        }
        guard start else { return }
        queue.async { [self] in
            sqlite3_wal_checkpoint_v2(connection.pointer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            state.withLock { $0.busy = false }
        }
    }

    /// Returns once no checkpoint is queued or running.
    func waitUntilIdle() {
        queue.sync {}
    }

    /// Removes the hook and waits for a checkpoint under way; called before the writing
    /// connection closes (which checkpoints what is left and removes the log).
    func stop() {
        state.withLock { $0.stopped = true }
        if let writer { sqlite3_wal_hook(writer.pointer, nil, nil) }
        waitUntilIdle()
    }

    /// The hook holds this object unretained: one released without `stop` must not leave it
    /// on a writer that goes on committing. (A checkpoint queued or running retains it.)
    deinit {
        if let writer { sqlite3_wal_hook(writer.pointer, nil, nil) }
    }
}
