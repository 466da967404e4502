import Foundation
@testable import JanusStore
import Testing

/// The write-ahead log is copied back into the store file by the checkpointer's own connection,
/// not by the connection that commits; and it stays bounded when copying falls behind.
@Suite(.removesTemporaryDirectories) struct WALCheckpointerTests {
    /// A database in WAL mode with SQLite's automatic checkpoint off, as the store's writer.
    static func writer(_ path: String) throws -> SQLiteDatabase {
        let db = try SQLiteDatabase(.path(path))
        try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0;")
        try db.execute("CREATE TABLE rows(n INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        return db
    }

    /// Commits `count` rows of about one page each, one transaction per row.
    static func commit(_ db: SQLiteDatabase, rows range: Range<Int>) throws {
        for n in range {
            try db.transaction { try db.run("INSERT INTO rows(n, body) VALUES (?, zeroblob(3000))", [.int(n)]) }
        }
    }

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    @Test func theLogIsCopiedIntoTheFileByTheCheckpointer() throws {
        let dir = try TestPaths.temporaryDirectory()
        // Without a checkpointer (and with SQLite's own off) the rows stay in the log: the
        // file keeps the size of its first pages.
        let alone = dir.appendingPathComponent("alone.db").path
        let plain = try Self.writer(alone)
        try Self.commit(plain, rows: 0..<300)
        #expect(Self.size(alone) < 20 * 4096)
        #expect(Self.size(alone + "-wal") > 300 * 4096)

        let path = dir.appendingPathComponent("copied.db").path
        let db = try Self.writer(path)
        let checkpointer = try WALCheckpointer(path: path, writer: db, threshold: 32, limit: 1_000_000)
        try Self.commit(db, rows: 0..<300)
        // How far the checkpoints woken so far got depends on the machine's speed; once they
        // are done, the next commit wakes one that copies the whole log.
        checkpointer.waitUntilIdle()
        try Self.commit(db, rows: 300..<301)
        checkpointer.stop()
        // The writer never checkpointed (its limit was not reached), yet every row is in the file.
        #expect(Self.size(path) > 300 * 4096)
        let count = try db.query("SELECT COUNT(*) FROM rows").first?.int(0)
        #expect(count == 301)
    }

    @Test func theLogStaysBoundedWhenTheWriterReachesTheLimit() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("bounded.db").path
        let db = try Self.writer(path)
        // The checkpointer is never woken; the writer checkpoints itself at 64 pages of log,
        // and the next commit starts the log again from the beginning.
        let checkpointer = try WALCheckpointer(path: path, writer: db, threshold: 1_000_000, limit: 64)
        try Self.commit(db, rows: 0..<500)
        #expect(Self.size(path + "-wal") < 80 * 4200)
        #expect(Self.size(path) > 400 * 4096)
        checkpointer.stop()
        #expect(try db.query("PRAGMA integrity_check").first?.string(0) == "ok")
    }

    @Test func aReleasedCheckpointerLeavesNoHookBehind() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("released.db").path
        let db = try Self.writer(path)
        try withExtendedLifetime(try WALCheckpointer(path: path, writer: db, threshold: 1_000_000, limit: 8)) {
            try Self.commit(db, rows: 0..<20)
        }
        #expect(Self.size(path) > 10 * 4096)
        // Commits after it is gone call no hook (a freed one would crash here, or under ASan
        // report a use after free); with SQLite's own checkpoint off, the rows stay in the log.
        let before = Self.size(path)
        try Self.commit(db, rows: 20..<120)
        #expect(Self.size(path) == before)
        #expect(try db.query("SELECT COUNT(*) FROM rows").first?.int(0) == 120)
    }
}
