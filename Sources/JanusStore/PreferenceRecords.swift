import Foundation

/// The schema of store version 10: `preference_records` keeps, beside each expand result, what
/// `stats` needs of its preference set (the subdimension and description of each dimension, in
/// dimension order), so that `stats` does not parse the stored JSON again.
///
/// Triggers on `stage_results` delete the record of the (instruction, variant) whose expand
/// result a statement inserts, replaces, changes the output of or deletes, inside that
/// statement; the store writes the new record after the result, in the same transaction. So a
/// record, when there is one, was made from the expand output stored now, after a kill at any
/// instant and whichever code path (or tool) wrote the result. A result without a record (one
/// written by a tool that does not make them, or before the upgrade pass) is parsed by its
/// reader as before. `format` names the encoding and the parser's rules: records of another
/// format are not used.
public enum PreferenceRecords {
    /// The format of the records this janus-data writes and reads.
    public static let format = 1
    /// The fields of a record: the subdimension and the description of each of the four
    /// dimensions, in dimension order.
    public static let fieldCount = 8

    /// Makes the record of an expand output: its `fieldCount` fields, or nil when the output is
    /// not a preference set (what its reader's parse would throw for).
    public typealias Maker = @Sendable (String) -> [String]?

    /// A `Maker` as a struct's field, which is how the store keeps it behind a lock. A bare
    /// function type in `Locked` is stored at the generic abstraction and handed to `withLock`'s
    /// body at its own: every access wraps it in a reabstraction thunk on the way in and another
    /// on the write-back, so after n saves each call ran through 2n thunks (quadratic time, and
    /// a stack as deep as the store has expand results). A struct's field keeps one abstraction.
    struct MakerBox: Sendable {
        let make: Maker
    }

    static func forget(_ key: String) -> String {
        "DELETE FROM preference_records WHERE instruction_id = \(key).instruction_id AND variant = \(key).variant;"
    }

    static let migration = """
        CREATE TABLE preference_records(
            instruction_id TEXT NOT NULL,
            variant INTEGER NOT NULL,
            format INTEGER NOT NULL,
            fields BLOB,
            PRIMARY KEY(instruction_id, variant)
        ) WITHOUT ROWID;
        \(triggers)
        CREATE TABLE pending_upgrades(name TEXT PRIMARY KEY);
        INSERT INTO pending_upgrades(name) VALUES ('\(upgradeName)');
        """

    /// The triggers that delete a result's record (see the type's comment).
    static let triggers = """
        CREATE TRIGGER preference_records_insert AFTER INSERT ON stage_results WHEN NEW.stage = 'expand'
        BEGIN
            \(forget("NEW"))
        END;
        CREATE TRIGGER preference_records_update AFTER UPDATE OF stage, instruction_id, variant, output ON stage_results
            WHEN NEW.stage = 'expand' OR OLD.stage = 'expand'
        BEGIN
            \(forget("OLD"))
            \(forget("NEW"))
        END;
        CREATE TRIGGER preference_records_delete AFTER DELETE ON stage_results WHEN OLD.stage = 'expand'
        BEGIN
            \(forget("OLD"))
        END;
        """

    /// Store version 12: the records move to a table with row ids, found through an index on
    /// (instruction, variant). Version 10 kept them in a table without row ids, ordered by
    /// instruction id: a digest, so each new record (some 400 bytes) went into a random page of
    /// a large tree, and every commit rewrote a page per record. Now a record is appended, and
    /// only its small index entry lands in a random page. The triggers name the table, so they
    /// are dropped while it is swapped and made again.
    static let withRowIDs = """
        DROP TRIGGER IF EXISTS preference_records_insert; DROP TRIGGER IF EXISTS preference_records_update; DROP TRIGGER IF EXISTS preference_records_delete;
        CREATE TABLE preference_records_v12(
            instruction_id TEXT NOT NULL,
            variant INTEGER NOT NULL,
            format INTEGER NOT NULL,
            fields BLOB
        );
        INSERT INTO preference_records_v12(instruction_id, variant, format, fields)
            SELECT instruction_id, variant, format, fields FROM preference_records;
        DROP TABLE preference_records;
        ALTER TABLE preference_records_v12 RENAME TO preference_records;
        CREATE UNIQUE INDEX preference_records_by_item ON preference_records(instruction_id, variant);
        \(triggers)
        """

    /// The row of `pending_upgrades` that stays until every expand result stored before version
    /// 10 has its record (see `CheckpointStore.fillPreferenceRecords`).
    static let upgradeName = "preference records"

    /// The fields, each as its UTF-8 length (4 bytes, little-endian) and bytes.
    public static func encode(_ fields: [String]) -> Data {
        var out = Data()
        for field in fields {
            let bytes = Array(field.utf8)
            withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: bytes)
        }
        return out
    }

    /// The fields of `encode`; nil when the bytes are not such a list.
    public static func decode(_ data: Data) -> [String]? {
        var fields: [String] = []
        fields.reserveCapacity(fieldCount)
        let complete = walk(data) { fields.append(String(decoding: $0, as: UTF8.self)) }
        return complete ? fields : nil
    }

    /// How many fields `data` holds; nil when it is not a list `encode` makes.
    static func count(_ data: Data) -> Int? {
        var count = 0
        return walk(data) { _ in count += 1 } ? count : nil
    }

    /// Calls `field` with the bytes of each field in turn; false when the bytes end inside one.
    private static func walk(_ data: Data, _ field: (UnsafeRawBufferPointer) -> Void) -> Bool {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Bool in
            var at = 0
            while at < raw.count {
                guard raw.count - at >= 4 else { return false }
                var length: UInt32 = 0
                withUnsafeMutableBytes(of: &length) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[at..<(at + 4)])) }
                let count = Int(UInt32(littleEndian: length))
                at += 4
                guard raw.count - at >= count else { return false }
                field(UnsafeRawBufferPointer(rebasing: raw[at..<(at + count)]))
                at += count
            }
            return true
        }
    }
}

/// What a reader finds for one expand result: its record (`fieldCount` fields, see
/// `PreferenceRecords.decode`), a record saying the output is not a preference set, or no
/// usable record (the output itself, to parse).
public enum ExpandContent: Sendable {
    case record(Data)
    case notASet
    case output(String)
}

extension CheckpointStore {
    /// Makes the records of expand results this store saves from now on (see `PreferenceRecords`).
    public func makePreferenceRecords(with maker: @escaping PreferenceRecords.Maker) {
        preferenceRecordMaker.withLock { $0 = PreferenceRecords.MakerBox(make: maker) }
    }

    /// The record to store with a result (made before the connection is taken: it parses the
    /// output, unless the result brings its fields); nil for a result of another stage, or when
    /// this store makes no records.
    func preferenceRecord(stage: Stage, result: StageResult) -> SQLiteValue? {
        guard stage == .expand, let maker = preferenceRecordMaker.withLock({ $0 }) else { return nil }
        return (result.preferenceFields ?? maker.make(result.output)).map { .blob(PreferenceRecords.encode($0)) } ?? .null
    }

    /// Writes the record of an expand output just stored, the connection held, in the
    /// transaction that stored it (after it: the store's trigger deleted the old record).
    func insertPreferenceRecord(item: ItemKey, fields: SQLiteValue) throws {
        try db.run(
            "INSERT OR REPLACE INTO preference_records(instruction_id, variant, format, fields) VALUES (?,?,?,?)",
            [.text(item.instructionID), .int(item.variant), .int(PreferenceRecords.format), fields])
    }

    /// Whether expand results stored before store version 10 may still lack their records.
    public func preferenceRecordsPending() throws -> Bool {
        try locked {
            try !db.query("SELECT 1 FROM pending_upgrades WHERE name = ?", [.text(PreferenceRecords.upgradeName)]).isEmpty
        }
    }

    /// The upgrade pass of store version 10: makes the record of every expand result that has
    /// none, `batch` results at a time (in key order) and one transaction each, then clears the
    /// pending mark. Each record is written only if the output it was made from is still the
    /// stored one (checked in the same statement), so a result replaced meanwhile keeps no
    /// record; a kill loses at most the batch in progress, and the next pass goes on from there.
    /// Returns the records written.
    @discardableResult
    public func fillPreferenceRecords(batch: Int = 2000, _ maker: PreferenceRecords.Maker) throws -> Int {
        var written = 0
        var after: (id: String, variant: Int) = ("", Int.min)
        while true {
            let rows = try locked {
                try db.query("""
                    SELECT r.instruction_id, r.variant, r.output FROM stage_results r
                    WHERE r.stage = 'expand' AND (r.instruction_id, r.variant) > (?, ?) AND NOT EXISTS (
                        SELECT 1 FROM preference_records p WHERE p.instruction_id = r.instruction_id AND p.variant = r.variant)
                    ORDER BY r.instruction_id, r.variant LIMIT ?
                    """, [.text(after.id), .int(after.variant), .int(batch)])
            }
            let records = rows.map { row -> (id: String, variant: Int, output: String, fields: SQLiteValue) in
                let output = row.string(2) ?? ""
                return (row.string(0) ?? "", row.int(1) ?? 0, output, maker(output).map { .blob(PreferenceRecords.encode($0)) } ?? .null)
            }
            try locked {
                try db.transaction {
                    for record in records {
                        try db.run("""
                            INSERT OR IGNORE INTO preference_records(instruction_id, variant, format, fields)
                            SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (
                                SELECT 1 FROM stage_results WHERE stage = 'expand' AND instruction_id = ?1 AND variant = ?2 AND output = ?5)
                            """, [.text(record.id), .int(record.variant), .int(PreferenceRecords.format), record.fields, .text(record.output)])
                        written += db.changes
                    }
                    if records.count < batch {
                        try db.run("DELETE FROM pending_upgrades WHERE name = ?", [.text(PreferenceRecords.upgradeName)])
                    }
                }
            }
            guard let last = records.last, records.count == batch else { return written }
            after = (last.id, last.variant)
        }
    }
}
