import Foundation
@testable import JanusCore
@testable import JanusSupport
import Testing

/// Source records in each preset's published schema, written as JSON Lines here and as
/// Parquet by pyarrow (Tests/python/write_parquet.py), so the two can be ingested side by side.
enum ParquetFixtures {
    static let script = TestPaths.packageRoot.appendingPathComponent("Tests/python/write_parquet.py")

    /// One pyarrow write: the layout options a published file may use.
    struct Layout: CustomStringConvertible {
        var codec = "snappy"
        var dictionary = true
        var rowGroupSize = 1 << 20
        var pageSize = 1 << 20
        var writeBatchSize = 1024
        var pageVersion = "1.0"
        var plainColumns: [String: String] = [:]

        var description: String {
            "\(codec) \(dictionary ? "dictionary" : "plain") v\(pageVersion) groups of \(rowGroupSize) pages of \(pageSize)"
        }
    }

    /// The layouts every preset is written in: each codec, dictionary and plain pages, data
    /// pages v1 and v2, one or many row groups, large or tiny pages.
    static let layouts: [Layout] = [
        Layout(codec: "none"),
        Layout(codec: "snappy", rowGroupSize: 50),
        Layout(codec: "gzip", dictionary: false, rowGroupSize: 64, pageVersion: "2.0"),
        Layout(codec: "zstd", rowGroupSize: 100, pageSize: 256, writeBatchSize: 8, pageVersion: "2.0"),
        Layout(codec: "snappy", dictionary: false, pageSize: 512, writeBatchSize: 16),
    ]

    struct Written {
        var path: String
        var rowGroups: Int
        /// Per row group, where the instruction column's first page starts.
        var promptOffsets: [Int]
    }

    /// Writes `records` (JSON Lines) into `dir` as `<preset>.jsonl`, then once per layout as
    /// Parquet; one Python run for all of them.
    static func write(_ records: [String: [String]], layouts: [Layout], in dir: URL) throws -> [String: [Written]] {
        var jobs: [JSONValue] = []
        for (preset, lines) in records.sorted(by: { $0.key < $1.key }) {
            let input = dir.appendingPathComponent("\(preset).jsonl")
            try Data(lines.joined(separator: "\n").utf8 + [0x0A]).write(to: input)
            for (i, layout) in layouts.enumerated() {
                jobs.append(.object([
                    ("input", .string(input.path)), ("output", .string(dir.appendingPathComponent("\(preset)-\(i).parquet").path)),
                    ("schema", .string(preset)), ("codec", .string(layout.codec)), ("dictionary", .bool(layout.dictionary)),
                    ("row_group_size", .integer(layout.rowGroupSize)), ("page_size", .integer(layout.pageSize)),
                    ("write_batch_size", .integer(layout.writeBatchSize)), ("page_version", .string(layout.pageVersion)),
                    ("plain_columns", .object(layout.plainColumns.map { ($0.key, .string($0.value)) })),
                ]))
            }
        }
        let spec = dir.appendingPathComponent("jobs.json")
        try JSONValue.array(jobs).serializedData().write(to: spec)
        try #require(TestPaths.hasPythonEnvironment, "the test Python environment is missing: run `make setup-test`")
        let result = try runProgram(TestPaths.python.path, [script.path, spec.path], in: dir)
        try #require(result.status == 0, "write_parquet.py failed: \(result.stderr)")
        let report = try JSONParser.parse(result.stdout)
        var out: [String: [Written]] = [:]
        for (preset, _) in records.sorted(by: { $0.key < $1.key }) {
            for i in layouts.indices {
                let path = dir.appendingPathComponent("\(preset)-\(i).parquet").path
                let entry = try #require(report.arrayValue?.first { $0["output"]?.stringValue == path })
                out[preset, default: []].append(Written(
                    path: path, rowGroups: entry["row_groups"]?.intValue ?? 0,
                    promptOffsets: entry["prompt_offsets"]?.arrayValue?.compactMap(\.intValue) ?? []))
            }
        }
        return out
    }

    /// Instruction texts with what real data holds: scripts, emoji, NFD, quotes, backslashes,
    /// control characters, CRLF, long texts, filter hits, blanks, and repeats.
    static func text(_ i: Int) -> String {
        let pool = [
            "Write a poem about the sea.", "Résumé tips for a café job?", "Cafe\u{301} au lait, por favor: ¿cómo?",
            "数学の問題を解いてください。", "اشرح لي الجاذبية", "Explain \"quotes\" and back\\slashes.", "Emoji 😀👍🏽 in a line",
            "Line one\r\nline two\ttabbed", "Control \u{1} byte", "You are a pirate. Tell me a story.", "Imagine a city of glass.",
            "   ", String(repeating: "A long instruction about many things. ", count: 120), "Summarise this.\nIf you are unsure, say so.",
        ]
        if i % 17 == 16 { return text(i - 9) }  // an exact repeat of an earlier record
        return "\(pool[i % pool.count]) #\(i / pool.count)"
    }

    static func json(_ value: JSONValue) -> String { value.serialized() }

    /// `count` records per preset, in the columns its published files have; nulls, empty lists
    /// and multi-turn conversations included.
    static func records(count: Int) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for i in 0..<count {
            let t = text(i)
            let transcript = i % 3 == 0 ? "\n\nHuman: \(t)\n\nAssistant: Sure.\n\nHuman: And more?\n\nAssistant:" : "\n\nHuman: \(t)\n\nAssistant:"
            let sources: JSONValue = i % 11 == 0 ? .null : i % 7 == 0 ? .array([]) : .array([.string(i % 2 == 0 ? "anthropic-hh" : "sharegpt"), .string("lmsys")])
            out["nectar", default: []].append(json(.object([
                ("prompt", i % 29 == 5 ? .null : .string(transcript)), ("turns", .integer(i % 3 == 0 ? 2 : 1)), ("source", sources),
                ("good_natured", i % 4 == 0 ? .null : .bool(i % 2 == 0)),
            ])))
            out["openhermes", default: []].append(json(.object([
                ("source", i % 5 == 0 ? .null : .string("glaive-code-assist")), ("category", .string("general")),
                ("prompt", i % 31 == 7 ? .null : .string(t)),
            ])))
            out["ultrafeedback", default: []].append(json(.object([
                ("prompt", .string(t)), ("prompt_id", .string("id\(i)")), ("score_chosen", .number(8.5)),
                ("source", i % 13 == 0 ? .null : .string(i % 2 == 0 ? "evol_instruct" : "ultrachat")),
            ])))
            func turn(_ role: String, _ content: JSONValue) -> JSONValue { .object([("content", content), ("role", .string(role))]) }
            let conversation: JSONValue
            switch i % 19 {
            case 3: conversation = .null
            case 4: conversation = .array([])
            case 5: conversation = .array([turn("assistant", .string("Hello!"))])
            case 6: conversation = .array([turn("user", .null), turn("assistant", .string("?"))])
            case 7: conversation = .array([turn("system", .string("Be brief.")), turn("user", .string(t)), turn("assistant", .string("ok"))])
            default:
                conversation = .array([turn("user", .string(t)), turn("assistant", .string("Answer.")), turn("user", .string("You are wrong.")),
                                       turn("assistant", .string("Sorry."))])
            }
            out["arena", default: []].append(json(.object([
                ("question_id", .string("q\(i)")), ("conversation_a", conversation), ("turn", .integer(2)), ("language", .string("English")),
            ])))
        }
        return out
    }
}
