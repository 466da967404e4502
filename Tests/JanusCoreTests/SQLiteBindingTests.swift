import Foundation
@testable import JanusStore
import Testing

/// `run` and `query` bind text in place (SQLITE_STATIC) for the length of the call: what goes
/// in must come back byte for byte, and nothing may still point at the strings afterwards.
@Suite struct SQLiteBindingTests {
    func database() throws -> SQLiteDatabase {
        let db = try SQLiteDatabase(.memory)
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b TEXT, n INTEGER, x REAL, z BLOB)")
        return db
    }

    @Test func textComesBackAsBound() throws {
        let db = try database()
        let texts = [
            "", "short", String(repeating: "long text ", count: 300), "é中🙂 e\u{301} ﷺ", "nul\u{0}inside", "\u{FEFF}bom",
        ]
        for (id, text) in texts.enumerated() {
            // A bridged string as well as a native one.
            let bridged = NSString(string: text) as String
            try db.run(
                "INSERT INTO t(id, a, b, n, x, z) VALUES (?,?,?,?,?,?)",
                [.int(id), .text(text), .text(bridged), .int(id * 7), .double(0.5), .blob(Data([1, 2, 3]))])
        }
        let rows = try db.query("SELECT a, b, typeof(a), length(CAST(a AS BLOB)) FROM t ORDER BY id")
        #expect(rows.map { $0.string(0) } == texts)
        #expect(rows.map { $0.string(1) } == texts)
        #expect(rows.map { $0.string(2) } == Array(repeating: "text", count: texts.count), "an empty string is '', not NULL")
        #expect(rows.map { $0.int(3) } == texts.map { $0.utf8.count }, "every byte stored, a NUL included")
    }

    @Test func aQueryFindsByBoundTextAndLeavesNothingBound() throws {
        let db = try database()
        try db.run("INSERT INTO t(id, a) VALUES (1, ?), (2, ?)", [.text("alpha"), .text("βeta")])
        var key = "βe"
        key += "ta"
        #expect(try db.query("SELECT id FROM t WHERE a = ?", [.text(key)]).map { $0.int(0) } == [2])
        // SELECT ? returns the parameter itself; the row is read while the text is bound.
        #expect(try db.query("SELECT ?", [.text(key)]).first?.string(0) == "βeta")
        // The statement is reused; with nothing bound its parameter reads as NULL.
        let statement = try db.prepare("SELECT ?")
        _ = try statement.withBindings([.text("gone")]) { try statement.step() }
        #expect(try statement.step()?.string(0) == nil)
    }

    @Test func aBindingErrorNamesTheStatement() throws {
        let db = try database()
        #expect(throws: SQLiteError.self) { try db.run("INSERT INTO t(id, a) VALUES (?, ?)", [.int(1), .text("a"), .text("one too many")]) }
        // The statement is usable afterwards.
        try db.run("INSERT INTO t(id, a) VALUES (?, ?)", [.int(1), .text("a")])
        #expect(try db.query("SELECT a FROM t").first?.string(0) == "a")
    }
}
