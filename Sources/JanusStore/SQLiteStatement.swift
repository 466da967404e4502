import CSQLite
import Foundation

/// A prepared statement, finalized when released.
///
/// It keeps no reference to its `SQLiteDatabase`: the database caches its statements, and a
/// reference back would make a cycle that never closes the connection. SQLite itself keeps a
/// connection closed with statements still open until the last one is finalized
/// (`sqlite3_close_v2`), so a statement outliving its database object is safe.
public final class SQLiteStatement {
    private var handle: OpaquePointer?
    private let sql: String

    init(database: SQLiteDatabase, sql: String) throws {
        self.sql = sql
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(database.pointer, sql, -1, &statement, nil)
        guard rc == SQLITE_OK else {
            throw SQLiteError(code: rc, message: database.lastErrorMessage, context: String(sql.prefix(80)))
        }
        handle = statement
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// The connection's last error, read through the statement.
    private var lastErrorMessage: String {
        guard let connection = sqlite3_db_handle(handle), let text = sqlite3_errmsg(connection) else { return "unknown error" }
        return String(cString: text)
    }

    /// Resets the statement and binds `values` to its parameters in order.
    public func bind(_ values: [SQLiteValue]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    /// Binds `values` to the parameters in order and runs `body`, then resets the statement and
    /// clears the bindings. Text is bound in place (`SQLITE_STATIC`), not copied: each string's
    /// bytes stay put while the closures below hold them, and SQLite lets go of them when the
    /// bindings are cleared, before the closures return. A store write binds a dozen strings,
    /// and each copy was an allocation and a free.
    public func withBindings<T>(_ values: [SQLiteValue], _ body: () throws -> T) throws -> T {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        defer { reset() }
        return try bindInPlace(values, from: 0, body)
    }

    private func bindInPlace<T>(_ values: [SQLiteValue], from offset: Int, _ body: () throws -> T) throws -> T {
        guard offset < values.count else { return try body() }
        let index = Int32(offset + 1)
        guard case var .text(text) = values[offset] else {
            try bind(values[offset], at: index)
            return try bindInPlace(values, from: offset + 1, body)
        }
        return try text.withUTF8 { utf8 in
            let rc = sqlite3_bind_text(handle, index, Self.characters(utf8), Int32(utf8.count), janus_sqlite_static())
            try check(rc, binding: index)
            return try bindInPlace(values, from: offset + 1, body)
        }
    }

    /// One value, copied by SQLite (`SQLITE_TRANSIENT`).
    private func bind(_ value: SQLiteValue, at index: Int32) throws {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case let .integer(n): rc = sqlite3_bind_int64(handle, index, n)
        case let .double(d): rc = sqlite3_bind_double(handle, index, d)
        case var .text(s):
            rc = s.withUTF8 { utf8 in
                sqlite3_bind_text(handle, index, Self.characters(utf8), Int32(utf8.count), janus_sqlite_transient())
            }
        case let .blob(data):
            rc = data.withUnsafeBytes { raw in
                sqlite3_bind_blob(handle, index, raw.baseAddress, Int32(raw.count), janus_sqlite_transient())
            }
        }
        try check(rc, binding: index)
    }

    private func check(_ rc: Int32, binding index: Int32) throws {
        guard rc == SQLITE_OK else {
            throw SQLiteError(code: rc, message: lastErrorMessage, context: "binding \(index) of \(sql.prefix(60))")
        }
    }

    /// The bytes as SQLite's text pointer; an empty string still gets a pointer (a null one
    /// would bind NULL, not '').
    private static func characters(_ utf8: UnsafeBufferPointer<UInt8>) -> UnsafePointer<CChar> {
        let base = utf8.baseAddress ?? emptyText.utf8Start
        return UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
    }

    private static let emptyText: StaticString = ""

    /// The next row, or nil when done.
    public func step() throws -> SQLiteRow? {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW:
            let count = sqlite3_column_count(handle)
            var values: [SQLiteValue] = []
            values.reserveCapacity(Int(count))
            for i in 0..<count {
                switch sqlite3_column_type(handle, i) {
                case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(handle, i)))
                case SQLITE_FLOAT: values.append(.double(sqlite3_column_double(handle, i)))
                case SQLITE_TEXT:
                    if let text = sqlite3_column_text(handle, i) {
                        // Read to the stored length (no scan for a terminator; a NUL is kept).
                        let bytes = UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, i)))
                        values.append(.text(String(decoding: bytes, as: UTF8.self)))
                    } else {
                        values.append(.null)
                    }
                case SQLITE_BLOB:
                    let bytes = Int(sqlite3_column_bytes(handle, i))
                    if let pointer = sqlite3_column_blob(handle, i) {
                        values.append(.blob(Data(bytes: pointer, count: bytes)))
                    } else {
                        values.append(.blob(Data()))
                    }
                default: values.append(.null)
                }
            }
            return SQLiteRow(values: values)
        case SQLITE_DONE:
            return nil
        default:
            throw SQLiteError(code: rc, message: lastErrorMessage, context: String(sql.prefix(80)))
        }
    }

    /// Ends the current run, releasing what it holds, and drops the bound values.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Steps until done, discarding rows.
    public func runToCompletion() throws {
        while try step() != nil {}
    }
}
