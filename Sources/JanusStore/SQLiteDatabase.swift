import CSQLite
import Foundation

/// A failure reported by SQLite, with the statement or file it concerned.
public struct SQLiteError: Error, Sendable, CustomStringConvertible, LocalizedError {
    public var code: Int32
    public var message: String
    public var context: String

    public var description: String { "\(context): \(message) (SQLite code \(code))" }

    /// For a full disk or a failed write, what happened and what to do; otherwise the details.
    public var errorDescription: String? {
        switch code & 0xFF {
        case 13, 10:  // SQLITE_FULL, SQLITE_IOERR
            return "cannot write to the store (\(message), SQLite code \(code)): the disk may be full or the file "
                + "too large; everything stored before this is kept, free some space and run again"
        default:
            return description
        }
    }
}

/// One SQLite connection. Not thread-safe on its own: the checkpoint store serialises access.
public final class SQLiteDatabase {
    /// Where the database lives.
    public enum Location: Sendable {
        case path(String)
        case memory
    }

    private var handle: OpaquePointer?
    public let location: Location
    /// Statements of `run` and `query` by their SQL, prepared once: the generation stages run
    /// the same few statements for every request, and preparing one costs more than running it.
    private var statements: [String: SQLiteStatement] = [:]

    public init(_ location: Location, readOnly: Bool = false, busyTimeoutMS: Int32 = 5000) throws {
        self.location = location
        let path: String
        switch location {
        case let .path(p): path = p
        case .memory: path = ":memory:"
        }
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw SQLiteError(code: rc, message: message, context: "opening \(path)")
        }
        handle = db
        sqlite3_busy_timeout(db, busyTimeoutMS)
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    var pointer: OpaquePointer? { handle }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: message, context: String(sql.prefix(80)))
        }
    }

    public func prepare(_ sql: String) throws -> SQLiteStatement {
        try SQLiteStatement(database: self, sql: sql)
    }

    /// The prepared statement for `sql`, from the cache.
    private func cached(_ sql: String) throws -> SQLiteStatement {
        if let statement = statements[sql] { return statement }
        let statement = try prepare(sql)
        statements[sql] = statement
        return statement
    }

    /// Runs `sql` with `bindings`, returning no rows.
    public func run(_ sql: String, _ bindings: [SQLiteValue] = []) throws {
        let statement = try cached(sql)
        try statement.withBindings(bindings) { try statement.runToCompletion() }
    }

    /// All rows of a query.
    public func query(_ sql: String, _ bindings: [SQLiteValue] = []) throws -> [SQLiteRow] {
        let statement = try cached(sql)
        return try statement.withBindings(bindings) {
            var rows: [SQLiteRow] = []
            while let row = try statement.step() { rows.append(row) }
            return rows
        }
    }

    /// Runs `body` in one transaction; rolls back if it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    public var changes: Int { Int(sqlite3_changes(handle)) }

    var lastErrorMessage: String {
        handle.map { String(cString: sqlite3_errmsg($0)) } ?? "no database"
    }
}

/// A value bound to or read from a statement.
public enum SQLiteValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case double(Double)
    case text(String)
    case blob(Data)

    public static func int(_ v: Int) -> SQLiteValue { .integer(Int64(v)) }
    public static func optionalText(_ v: String?) -> SQLiteValue { v.map { .text($0) } ?? .null }
    public static func optionalInt(_ v: Int?) -> SQLiteValue { v.map { .integer(Int64($0)) } ?? .null }
}

/// One result row, read by column index.
public struct SQLiteRow: Sendable {
    public var values: [SQLiteValue]

    public func string(_ i: Int) -> String? {
        switch values[i] {
        case let .text(s): return s
        case let .integer(n): return String(n)
        case let .double(d): return String(d)
        case let .blob(b): return String(decoding: b, as: UTF8.self)
        case .null: return nil
        }
    }

    public func int(_ i: Int) -> Int? {
        switch values[i] {
        case let .integer(n): return Int(n)
        case let .double(d): return Int(d)
        case let .text(s): return Int(s)
        default: return nil
        }
    }

    public func double(_ i: Int) -> Double? {
        switch values[i] {
        case let .integer(n): return Double(n)
        case let .double(d): return d
        case let .text(s): return Double(s)
        default: return nil
        }
    }
}
