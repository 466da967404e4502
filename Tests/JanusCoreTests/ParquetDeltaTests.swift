import Foundation
@testable import JanusCore
@testable import JanusExport
@testable import JanusHTTP
@testable import JanusIngest
@testable import JanusLLM
@testable import JanusStore
@testable import JanusSupport
import Testing

/// DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY pages, written by pyarrow
/// (`column_encoding=` with dictionaries off): read back, every value equals what was written.
@Suite(.removesTemporaryDirectories) struct ParquetDeltaTests {
    /// Writes `rows` rows with pyarrow: integers with negative values, wide jumps and wrap-around
    /// deltas, strings that share prefixes (and not), empty strings, all scripts, nulls, a
    /// list of strings; each encoding across many small pages, data page v1 or v2, a codec. The
    /// same rows go to a JSON Lines file.
    func write(rows: Int, pageVersion: String, codec: String, in dir: URL) throws -> (parquet: String, jsonl: String) {
        let parquet = dir.appendingPathComponent("delta-\(pageVersion)-\(codec).parquet").path
        let jsonl = dir.appendingPathComponent("delta-\(pageVersion)-\(codec).jsonl").path
        let script = """
            import json, sys
            import pyarrow as pa, pyarrow.parquet as pq
            n, out, lines, version, codec = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
            words = ["", "a", "ab", "abc", "abd", "Résumé", "résumé tips", "数学の問題", "数学の答え", "اشرح", "😀👍🏽", "e\\u0301", "tab\\tquote\\"back\\\\slash"]
            rows = []
            for i in range(n):
                small = None if i % 9 == 4 else ((i * 7919) % 2001 - 1000) * (1 if i % 3 else 100000)
                if i % 50 == 10: small = 2**31 - 1
                if i % 50 == 11: small = -2**31
                big = None if i % 13 == 6 else (i * 1234567891011) % (2**62) - 2**61
                if i % 40 == 20: big = 2**63 - 1
                if i % 40 == 21: big = -2**63 + 1
                prefixed = None if i % 11 == 3 else "prompt number %05d %s" % (i // 3, words[i % len(words)])
                loose = None if i % 17 == 8 else words[(i * 5) % len(words)] * (i % 4)
                items = None if i % 23 == 2 else [words[(i + k) % len(words)] for k in range(i % 5)]
                rows.append({"small": small, "big": big, "prefixed": prefixed, "loose": loose, "items": items})
            schema = pa.schema([("small", pa.int32()), ("big", pa.int64()), ("prefixed", pa.string()), ("loose", pa.string()),
                                ("items", pa.list_(pa.string()))])
            encodings = {"small": "DELTA_BINARY_PACKED", "big": "DELTA_BINARY_PACKED", "prefixed": "DELTA_BYTE_ARRAY",
                         "loose": "DELTA_LENGTH_BYTE_ARRAY", "items.list.element": "DELTA_BYTE_ARRAY"}
            pq.write_table(pa.Table.from_pylist(rows, schema=schema), out, use_dictionary=False, column_encoding=encodings,
                           compression=codec, data_page_size=700, write_batch_size=37, row_group_size=n // 2 + 1,
                           data_page_version=version)
            kinds = {c.path_in_schema: set(c.encodings) for g in range(pq.ParquetFile(out).metadata.num_row_groups)
                     for c in [pq.ParquetFile(out).metadata.row_group(g).column(k) for k in range(5)]}
            for path, name in encodings.items():
                assert name in kinds[path], (path, kinds[path])
            with open(lines, "w", encoding="utf-8") as f:
                for row in rows: f.write(json.dumps(row, ensure_ascii=False) + "\\n")
            """
        try #require(TestPaths.hasPythonEnvironment, "the test Python environment is missing: run `make setup-test`")
        let result = try runProgram(TestPaths.python.path, ["-c", script, "\(rows)", parquet, jsonl, pageVersion, codec], in: dir)
        try #require(result.status == 0, "pyarrow failed: \(result.stderr)")
        return (parquet, jsonl)
    }

    @Test(arguments: [("1.0", "snappy"), ("2.0", "zstd"), ("1.0", "none")])
    func deltaPagesReadAsWritten(pageVersion: String, codec: String) throws {
        let dir = try TestPaths.temporaryDirectory()
        let (parquet, jsonl) = try write(rows: 1500, pageVersion: pageVersion, codec: codec, in: dir)
        var got: [RawRecord] = []
        try RecordReader.forEachRecord(path: parquet, maxLineBytes: 1 << 20) { got.append($0) }
        var expected: [RawRecord] = []
        try RecordReader.forEachRecord(path: jsonl, maxLineBytes: 1 << 20) { expected.append($0) }
        #expect(got.count == 1500)
        #expect(got.map(\.line) == expected.map(\.line))
        var differing = 0
        for (a, b) in zip(got, expected) {
            let parquetValue = try a.value.get()
            let jsonValue = try b.value.get()
            if parquetValue != jsonValue {
                differing += 1
                if differing <= 3 { Issue.record("row \(a.line): \(parquetValue.serialized()) != \(jsonValue.serialized())") }
            }
        }
        #expect(differing == 0)
    }

    @Test func everyPresetIngestsDeltaPagesLikeJSONLines() throws {
        let dir = try TestPaths.temporaryDirectory()
        let records = ParquetFixtures.records(count: 200)
        let encodings: [String: [String: String]] = [
            "nectar": ["prompt": "DELTA_BYTE_ARRAY", "source.list.element": "DELTA_LENGTH_BYTE_ARRAY", "turns": "DELTA_BINARY_PACKED"],
            "openhermes": ["prompt": "DELTA_LENGTH_BYTE_ARRAY", "source": "DELTA_BYTE_ARRAY"],
            "ultrafeedback": ["prompt": "DELTA_BYTE_ARRAY", "source": "DELTA_BYTE_ARRAY"],
            "arena": ["conversation_a.list.element.content": "DELTA_BYTE_ARRAY", "conversation_a.list.element.role": "DELTA_LENGTH_BYTE_ARRAY"],
        ]
        for (preset, columns) in encodings {
            let layout = ParquetFixtures.Layout(codec: "snappy", rowGroupSize: 70, pageSize: 900, writeBatchSize: 16, plainColumns: columns)
            let folder = dir.appendingPathComponent(preset)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let written = try ParquetFixtures.write([preset: try #require(records[preset])], layouts: [layout], in: folder)
            let file = try #require(written[preset]?.first)
            let expected = try IngestFixtureTests.ingest([SourceSpec(preset: preset, path: folder.appendingPathComponent("\(preset).jsonl").path)])
            let got = try IngestFixtureTests.ingest([SourceSpec(preset: preset, path: file.path)])
            #expect(expected.1.count > 50, "\(preset)")
            #expect(got.1.map(\.text) == expected.1.map(\.text), "\(preset)")
            #expect(got.0.sources.map { $0.json(got.0.recipe) } == expected.0.sources.map { $0.json(expected.0.recipe) }, "\(preset)")
        }
    }
}
