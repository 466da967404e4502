import Foundation
@testable import JanusCore
@testable import JanusIngest
@testable import JanusStore
@testable import JanusSupport
import Testing

/// Parquet sources, written by pyarrow in each source's published schema: ingest gives what it
/// gives for the same records as JSON Lines, in every codec, encoding and page layout.
@Suite(.removesTemporaryDirectories) struct ParquetIngestTests {
    static let presets = ["arena", "nectar", "openhermes", "ultrafeedback"]

    /// One ingest of one source, with file names taken out of the messages.
    func ingest(_ preset: String, _ path: String) throws -> (counts: JSONValue, stored: [StoredInstruction], examples: [String: [String]]) {
        let (summary, stored) = try IngestFixtureTests.ingest([SourceSpec(preset: preset, path: path)], workers: 2, batchBytes: 700)
        let name = (path as NSString).lastPathComponent
        let examples = summary.examples.mapValues { $0.map { $0.replacingOccurrences(of: name, with: "FILE") } }
        let anonymous = stored.map { s -> StoredInstruction in
            var s = s
            s.sourceFile = ""
            return s
        }
        return (summary.sources.map { $0.json(summary.recipe) }.first ?? .null, anonymous, examples)
    }

    @Test func everyLayoutIngestsLikeTheSameRecordsAsJSONLines() throws {
        let dir = try TestPaths.temporaryDirectory()
        let written = try ParquetFixtures.write(ParquetFixtures.records(count: 260), layouts: ParquetFixtures.layouts, in: dir)
        for preset in Self.presets {
            let expected = try ingest(preset, dir.appendingPathComponent("\(preset).jsonl").path)
            // The records hold every case the preset handles: kept, bad, filtered, repeated.
            #expect(expected.stored.count > 100, "\(preset)")
            #expect(expected.counts["bad"]?.intValue ?? 0 > 0 || preset == "ultrafeedback", "\(preset)")
            for (layout, file) in zip(ParquetFixtures.layouts, try #require(written[preset])) {
                if layout.rowGroupSize < 260 { #expect(file.rowGroups > 1, "\(preset) \(layout)") }
                let got = try ingest(preset, file.path)
                #expect(got.counts == expected.counts, "\(preset) \(layout)")
                #expect(got.stored == expected.stored, "\(preset) \(layout)")
                #expect(got.examples == expected.examples, "\(preset) \(layout)")
            }
        }
    }

    @Test func recordsCarryTheProjectedColumnsAsJSONLinesHasThem() throws {
        let dir = try TestPaths.temporaryDirectory()
        let records = ParquetFixtures.records(count: 60)
        let written = try ParquetFixtures.write(records, layouts: [ParquetFixtures.Layout(codec: "zstd", rowGroupSize: 7)], in: dir)
        for preset in Self.presets {
            let fields = try SourcePreset.named(preset, settings: IngestSettings(), path: "x").fields
            var got: [RawRecord] = []
            try RecordReader.forEachRecord(path: try #require(written[preset]?.first).path, maxLineBytes: 1 << 20, fields: fields) { got.append($0) }
            let lines = try #require(records[preset])
            #expect(got.map(\.line) == Array(1...lines.count))
            for (record, line) in zip(got, lines) {
                let parquet = try record.value.get()
                let original = try JSONParser.parse(line)
                #expect(parquet.objectValue?.map(\.0).sorted() == fields.sorted(), "\(preset)")
                for field in fields { #expect(parquet[field] == (original[field] ?? .null), "\(preset):\(record.line) \(field)") }
            }
        }
    }

    @Test func onlyTheColumnsThePresetUsesAreRead() throws {
        // The answers' ranks are written in an encoding this reader does not decode: reading
        // every column fails there, reading the preset's columns never touches them.
        let dir = try TestPaths.temporaryDirectory()
        let layout = ParquetFixtures.Layout(codec: "snappy", plainColumns: ["answers.list.element.rank": "BYTE_STREAM_SPLIT"])
        let nectar = try #require(ParquetFixtures.records(count: 40)["nectar"])
        let written = try ParquetFixtures.write(["nectar": nectar], layouts: [layout], in: dir)
        let file = try #require(written["nectar"]?.first)
        let expected = try ingest("nectar", dir.appendingPathComponent("nectar.jsonl").path)
        let got = try ingest("nectar", file.path)
        #expect(got.stored == expected.stored)
        #expect(got.stored.count > 20)
        let error = #expect(throws: IngestError.self) {
            try RecordReader.forEachRecord(path: file.path, maxLineBytes: 1 << 20) { _ in }
        }
        #expect(error?.localizedDescription.contains("row group 1 of 1, column `answers.list.element.rank`: unsupported encoding BYTE_STREAM_SPLIT") == true)
    }

    @Test func aCorruptPageIsAnErrorNamingTheFileRowGroupAndColumn() throws {
        let dir = try TestPaths.temporaryDirectory()
        let records = try #require(ParquetFixtures.records(count: 90)["openhermes"])
        let written = try ParquetFixtures.write(["openhermes": records], layouts: [ParquetFixtures.Layout(codec: "snappy", rowGroupSize: 40)], in: dir)
        let file = try #require(written["openhermes"]?.first)
        #expect(file.promptOffsets.count == 3)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file.path)))
        // Garbage where row group 2's first prompt page header starts.
        let at = file.promptOffsets[1]
        for i in at..<(at + 6) { bytes[i] = 0xFF }
        try Data(bytes).write(to: URL(fileURLWithPath: file.path))
        let error = #expect(throws: IngestError.self) { try ingest("openhermes", file.path) }
        let message = error?.localizedDescription ?? ""
        #expect(message.contains(file.path))
        #expect(message.contains("row group 2 of 3, column `prompt`"), "\(message)")

        let cut = dir.appendingPathComponent("cut.parquet")
        try Data(bytes.prefix(bytes.count / 2)).write(to: cut)
        let cutError = #expect(throws: IngestError.self) { try ingest("openhermes", cut.path) }
        #expect(cutError?.localizedDescription.contains("cut.parquet: not a Parquet file") == true)
    }

    @Test(.tags(.endToEnd)) func theCommandIngestsParquetSourcesLikeJSONLines() throws {
        let dir = try TestPaths.temporaryDirectory()
        let written = try ParquetFixtures.write(ParquetFixtures.records(count: 80), layouts: [ParquetFixtures.Layout(rowGroupSize: 30)], in: dir)
        func run(_ sources: [String]) throws -> JSONValue {
            let db = dir.appendingPathComponent("\(UUID().uuidString).db").path
            let result = try runJanus(["ingest", "--db", db, "--json"] + sources.flatMap { ["--source", $0] }, in: dir)
            #expect(result.status == 0, "\(result.stderr)")
            var json = try JSONParser.parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            json = .object((json.objectValue ?? []).filter { $0.0 != "examples" })
            return json
        }
        let parquet = try run(Self.presets.map { "\($0)=\(written[$0]?.first?.path ?? "")" })
        let jsonl = try run(Self.presets.map { "\($0)=\(dir.appendingPathComponent("\($0).jsonl").path)" })
        #expect(parquet == jsonl)
        #expect((parquet["added"]?.intValue ?? 0) > 40)
    }
}
