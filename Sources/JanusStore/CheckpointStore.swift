import Foundation
import JanusSupport

/// The checkpoint store: one SQLite file holding instructions, every stage's results, the
/// request cache, the attempt log, failures and runs. All access goes through one connection
/// behind a lock. A generation run's answers and results are committed within a few
/// milliseconds of arriving, those that arrive together in one transaction (`GroupCommit`; WAL,
/// synchronous=NORMAL: a commit costs no fsync), so a kill loses at most the last few
/// milliseconds of answers, and SIGINT/SIGTERM none.
public final class CheckpointStore: @unchecked Sendable {
    let db: SQLiteDatabase
    let lock = NSLock()
    let group = GroupCommit()
    /// A second connection for reads that should not wait for a group commit holding the first
    /// (`readCommitted`); opened on first use.
    let reader = Locked<SQLiteDatabase?>(nil)
    /// The keys of the answers saved, once `ownAnswers` is called (see `AnswerKeys`).
    let answerKeys = Locked(AnswerKeys())
    /// Answered attempts waiting for their answers (see `AnsweredAttemptStash`).
    let answeredAttempts = Locked(AnsweredAttemptStash())
    public let path: String
    /// Makes the records of the expand results this store saves (see `PreferenceRecords`);
    /// behind a lock of its own, so that a save does not wait for the connection to read it.
    let preferenceRecordMaker = Locked<PreferenceRecords.MakerBox?>(nil)
    /// Copies the log back into the file off the writing connection (see `WALCheckpointer`);
    /// nil for a scratch store in memory.
    private var checkpointer: WALCheckpointer?

    /// Opens (creating if needed) and migrates the store at `path` (":memory:" for a scratch store).
    public init(path: String) throws {
        self.path = path
        if path != ":memory:" {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) {
                throw StoreError.cannotOpen(path: path, reason: "directory \(dir) does not exist")
            }
        }
        do {
            db = try SQLiteDatabase(path == ":memory:" ? .memory : .path(path))
            // An 8 MB page cache (2,048 pages). Each commit walks the whole cache: a B-tree
            // split that reorders its new pages moves one through page 262,145 (the page after
            // SQLite's lock byte), and the commit then drops every cached page above the end of
            // the file by visiting each slot of the cache's hash table. At 32 MB that walk cost
            // about 8% of a server build's CPU (20k answers, ~3,000 commits); the 100k
            // offline build ran no slower with the smaller cache.
            try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-8192;")
        } catch let error as SQLiteError {
            throw StoreError.cannotOpen(path: path, reason: error.message)
        }
        try migrate()
        guard path != ":memory:" else { return }
        do {
            // A checkpoint every 16 MB of WAL rather than every 4 MB copies a page rewritten by
            // many commits once.
            checkpointer = try WALCheckpointer(path: path, writer: db, threshold: 4096)
        } catch let error as SQLiteError {
            throw StoreError.cannotOpen(path: path, reason: error.message)
        }
    }

    deinit {
        checkpointer?.stop()
    }

    /// Runs `body` with the connection held.
    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Runs `body` on the reading connection: in WAL mode it sees every committed transaction
    /// and is not held up by a commit in progress on the main connection, nor holds it up. A
    /// scratch store in memory has one connection, used for both.
    func readCommitted<T>(_ body: (SQLiteDatabase) throws -> T) throws -> T {
        guard path != ":memory:" else { return try locked { try body(db) } }
        return try reader.withLock { reader in
            if let connection = reader { return try body(connection) }
            let connection = try SQLiteDatabase(.path(path))
            try connection.execute("PRAGMA query_only=1; PRAGMA cache_size=-8192;")
            reader = connection
            return try body(connection)
        }
    }

    /// The schema versions applied to this store, in order.
    public func appliedVersions() throws -> [Int] {
        try locked {
            try db.query("SELECT version FROM schema_migrations ORDER BY version").compactMap { $0.int(0) }
        }
    }

    private func migrate() throws {
        try locked {
            try db.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations(
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)
                """)
            let applied = Set(try db.query("SELECT version FROM schema_migrations").compactMap { $0.int(0) })
            if let newest = applied.max(), newest > Migrations.latest {
                throw StoreError.newerSchema(path: path, found: newest, supported: Migrations.latest)
            }
            for migration in Migrations.all where !applied.contains(migration.version) {
                try db.transaction {
                    try db.execute(migration.sql)
                    try db.run(
                        "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                        [.int(migration.version), .text(migration.name), .text(Timestamp.now())])
                }
            }
        }
    }

    /// `PRAGMA integrity_check`: "ok" for a sound file.
    public func integrityCheck() throws -> String {
        try locked { try db.query("PRAGMA integrity_check").first?.string(0) ?? "no answer" }
    }
}

/// ISO-8601 timestamps for the store (UTC, second precision), without a date formatter per call.
enum Timestamp {
    /// The last second formatted: a build stamps thousands of rows a second, and handing out
    /// the same string (a reference to its storage) allocates nothing.
    private static let last = Locked<(seconds: time_t, text: String)>((-1, ""))

    static func now() -> String {
        let seconds = time_t(Date().timeIntervalSince1970)
        if let text = last.withLock({ $0.seconds == seconds ? $0.text : nil }) { return text }
        let text = format(seconds)
        last.withLock { $0 = (seconds, text) }
        return text
    }

    static func format(_ time: time_t) -> String {
        var seconds = time
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
