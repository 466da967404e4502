import Foundation
@testable import JanusCore
@testable import JanusIngest
@testable import JanusSupport
import Testing

/// Streaming readers: JSONL, JSON arrays and CSV, plain and gzip; bad records and line numbers.
@Suite(.removesTemporaryDirectories) struct IngestReaderTests {
    func records(_ name: String, _ content: String, gzip: Bool = false, maxLineBytes: Int = 1 << 20) throws -> [RawRecord] {
        let dir = try TestPaths.temporaryDirectory()
        let url = dir.appendingPathComponent(gzip ? name + ".gz" : name)
        let bytes = Array(content.utf8)
        try Data(gzip ? GzipCompressor.compress(bytes) : bytes).write(to: url)
        var out: [RawRecord] = []
        try RecordReader.forEachRecord(path: url.path, maxLineBytes: maxLineBytes) { out.append($0) }
        return out
    }

    func reasons(_ records: [RawRecord]) -> [Int: String] {
        var out: [Int: String] = [:]
        for r in records { if case let .failure(bad) = r.value { out[r.line] = bad.kind.rawValue } }
        return out
    }

    @Test(arguments: [false, true]) func jsonlSkipsBlankLinesAndLongLinesKeepingLineNumbers(gzip: Bool) throws {
        let long = "{\"prompt\": \"" + String(repeating: "x", count: 300) + "\"}"
        let text = "{\"prompt\": \"a\"}\r\n\n   \n\(long)\n{\"prompt\": \"b\"}\n{\"prompt\": \"c\"}"
        let got = try records("f.jsonl", text, gzip: gzip, maxLineBytes: 100)
        #expect(got.map(\.line) == [1, 4, 5, 6])
        #expect(reasons(got) == [4: "too_long"])
        #expect(try got[0].value.get()["prompt"] == "a")
        #expect(try got[3].value.get()["prompt"] == "c")
    }

    @Test(arguments: [("f.jsonl", false), ("f.json", false), ("f.csv", false), ("f.jsonl", true), ("f.csv", true)])
    func byteOrderMarkAtTheStartIsSkipped(name: String, gzip: Bool) throws {
        // Files saved on Windows begin with EF BB BF.
        let body = name.hasSuffix(".csv") ? "prompt,n\nhello,1\nworld,2\n"
            : name.hasSuffix(".jsonl") ? "{\"prompt\": \"hello\"}\n{\"prompt\": \"world\"}\n" : "[{\"prompt\": \"hello\"}, {\"prompt\": \"world\"}]"
        let got = try records(name, "\u{FEFF}" + body, gzip: gzip)
        #expect(reasons(got).isEmpty)
        #expect(try got.map { try $0.value.get()["prompt"] } == ["hello", "world"])
        if !name.hasSuffix(".json") { #expect(got.map(\.line) == [name.hasSuffix(".csv") ? 2 : 1, name.hasSuffix(".csv") ? 3 : 2]) }
        // A BOM anywhere else is part of the text.
        let later = try records("g.jsonl", "{\"prompt\": \"a\"}\n\u{FEFF}{\"prompt\": \"b\"}\n")
        #expect(reasons(later) == [2: "invalid_json"])
    }

    @Test func longLinesAreSkippedWithoutBeingHeldWhole() throws {
        // A line much larger than the read chunk and the limit: still one bad record, and the
        // next line is read.
        let long = String(repeating: "y", count: 3 << 20)
        let got = try records("big.jsonl", "{\"prompt\": \"\(long)\"}\n{\"prompt\": \"after\"}\n", maxLineBytes: 1000)
        #expect(got.map(\.line) == [1, 2])
        #expect(reasons(got) == [1: "too_long"])
    }

    @Test(arguments: [false, true]) func jsonArrayElementsAreNumberedAndBadOnesStayLocal(gzip: Bool) throws {
        let text = "[{\"prompt\": \"a, [b]\"}, {\"prompt\": [1 2]}, 5,\n {\"prompt\": \"c \\\" ] d\"} ]\n"
        let got = try records("a.json", text, gzip: gzip)
        #expect(got.map(\.line) == [1, 2, 3, 4])
        #expect(reasons(got) == [2: "invalid_json"])
        #expect(try got[0].value.get()["prompt"] == "a, [b]")
        #expect(try got[3].value.get()["prompt"] == "c \" ] d")
        #expect(try records("empty.json", " [ ] ").isEmpty)
    }

    /// Worker threads cut a plain JSON Lines file in byte ranges (each owns the lines that start
    /// in it): for every range size, the same records with the same line numbers as reading
    /// it front to back, whatever falls on a boundary (CRLF, blank lines, a byte-order mark,
    /// lines over the limit or longer than a range, no final line end, multi-byte scalars).
    @Test func rangesCutTheSameRecordsAsReadingFrontToBack() throws {
        let dir = try TestPaths.temporaryDirectory()
        let long = "{\"prompt\": \"" + String(repeating: "z", count: 150) + "\"}"
        let body = "{\"prompt\": \"a\"}\r\n\n   \n\(long)\n{\"prompt\": \"b\"}\n\n\(long)\r\n{\"prompt\": \"\u{00E9}\u{4E2D}\"}\n \t \n"
            + "{\"prompt\": [1 2]}\n\r\n{\"prompt\": \"c\"}"
        // The second set: a limit far above the range size and a line longer than the first read.
        let wide = "{\"prompt\": \"" + String(repeating: "w", count: 70_000) + "\"}"
        let cases: [(text: String, maxBytes: Int)] = [
            (body, 100), ("\u{FEFF}" + body + "\n", 100), (body + "\n\n" + long, 100), ("\n\n", 100), ("\u{FEFF}", 100),
            (body + "\n" + wide + "\n" + body, 100_000), (wide, 100_000), (wide + "\n" + wide, 50_000),
        ]
        for (number, (text, maxBytes)) in cases.enumerated() {
            let url = dir.appendingPathComponent("r\(number).jsonl")
            try Data(text.utf8).write(to: url)
            var expected: [String] = []
            try RecordReader.forEachRecord(path: url.path, maxLineBytes: maxBytes) { expected.append("\($0.line): \($0.value)") }
            for size in [1, 2, 3, 5, 8, 13, 40, 100, 1000, 40_000, 1 << 20] {
                var source = try RecordSource(path: url.path, maxBytes: maxBytes, inRanges: true)
                var got: [String] = []
                var base = 0
                while let batch = try source.nextBatch(targetBytes: size) {
                    let file = try #require(batch.file)
                    let cut = try file.lines(in: try #require(batch.range))
                    for span in cut.spans { got.append("\(span.line + base): \(source.decoder.decode(span, in: cut.bytes))") }
                    base += try #require(cut.newlines)
                }
                #expect(got == expected, "case \(number), ranges of \(size) bytes")
            }
        }
    }

    /// A named pipe (`--source jsonl=<(zcat big.jsonl.gz)`) cannot be read at offsets: it is
    /// read front to back even where regular files are cut into ranges.
    @Test func aNamedPipeIsReadFrontToBack() throws {
        let dir = try TestPaths.temporaryDirectory()
        let path = dir.appendingPathComponent("pipe.jsonl").path
        try #require(mkfifo(path, 0o600) == 0)
        let writer = Thread {
            let fd = open(path, O_WRONLY)
            guard fd >= 0 else { return }
            let text = Array("{\"prompt\": \"a\"}\n\n{\"prompt\": \"b\"}\n".utf8)
            _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        writer.start()
        var source = try RecordSource(path: path, maxBytes: 100, inRanges: true)
        var got: [String] = []
        while let batch = try source.nextBatch(targetBytes: 1 << 20) {
            #expect(batch.range == nil)
            for span in batch.spans {
                got.append("\(span.line): \((try? source.decoder.decode(span, in: batch.bytes).get()["prompt"]?.stringValue) ?? "?")")
            }
        }
        #expect(got == ["1: a", "3: b"])
    }

    @Test func aBrokenJSONArrayIsFatal() throws {
        #expect(throws: IngestError.self) { try records("cut.json", "[{\"prompt\": \"a\"}, {\"prompt\": ") }
        #expect(throws: IngestError.self) { try records("after.json", "[1] x") }
    }

    /// `Dataset.to_json("x.json")` writes JSON Lines under a `.json` name: a `.json` file is an
    /// array only when its first non-space byte (after a byte-order mark) is `[`.
    @Test(arguments: [false, true]) func aJSONFileIsReadByContent(gzip: Bool) throws {
        let lines = "\u{FEFF}\n  {\"prompt\": \"a\"}\n{\"prompt\": [1 2]}\n\n{\"prompt\": \"c\"}\n"
        let got = try records("to_json.json", lines, gzip: gzip)
        #expect(got.map(\.line) == [2, 3, 5])
        #expect(reasons(got) == [3: "invalid_json"])
        #expect(try got[2].value.get()["prompt"] == "c")
        let array = try records("array.json", "\u{FEFF} \r\n\t[{\"prompt\": \"a\"},\n{\"prompt\": \"b\"}]", gzip: gzip)
        #expect(try array.map { try $0.value.get()["prompt"] } == ["a", "b"])
        #expect(array.map(\.line) == [1, 2])
        #expect(try records("blank.json", " \n ", gzip: gzip).isEmpty)
        // A single object, as a `.json` file often holds, is one JSON Lines record.
        #expect(try records("o.json", "{\"prompt\": \"a\"}").map { try $0.value.get()["prompt"] } == ["a"])
    }

    @Test(arguments: [false, true]) func csvRowsKeepTheLineTheyStartOn(gzip: Bool) throws {
        let text = "\u{FEFF}query,b\r\n\"multi\r\nline, \"\"quoted\"\"\",x\r\n\r\nplain,y\nshort\n\"caf\u{00E9}\",z\n\"open,w\n"
        let got = try records("d.csv", text, gzip: gzip)
        #expect(got.map(\.line) == [2, 5, 6, 7, 8])
        #expect(try got[0].value.get()["query"] == "multi\r\nline, \"quoted\"")
        #expect(try got[1].value.get()["b"] == "y")
        #expect(reasons(got) == [6: "malformed_row", 8: "malformed_row"])
        #expect(try got[3].value.get()["query"] == "café")
    }

    @Test func invalidUTF8IsItsOwnReason() throws {
        let dir = try TestPaths.temporaryDirectory()
        let url = dir.appendingPathComponent("u.csv")
        try Data([0x71, 0x0A, 0xFF, 0x0A]).write(to: url)
        var got: [RawRecord] = []
        try RecordReader.forEachRecord(path: url.path, maxLineBytes: 100) { got.append($0) }
        #expect(reasons(got) == [2: "invalid_utf8"])
    }

    @Test func gzipMembersAreReadOneAfterAnotherAndCorruptionIsAnError() throws {
        let dir = try TestPaths.temporaryDirectory()
        let url = dir.appendingPathComponent("two.jsonl.gz")
        let first = GzipCompressor.compress(Array("{\"prompt\": \"one\"}\n".utf8))
        let second = GzipCompressor.compress(Array("{\"prompt\": \"two\"}\n".utf8))
        try Data(first + second).write(to: url)
        var got: [String] = []
        try RecordReader.forEachRecord(path: url.path, maxLineBytes: 100) { got.append((try? $0.value.get()["prompt"]?.stringValue) ?? "?") }
        #expect(got == ["one", "two"])
        let cut = dir.appendingPathComponent("cut.jsonl.gz")
        try Data(first.prefix(first.count - 6)).write(to: cut)
        #expect(throws: IngestError.self) { try RecordReader.forEachRecord(path: cut.path, maxLineBytes: 100) { _ in } }
        let notGzip = dir.appendingPathComponent("plain.jsonl.gz")
        try Data("{\"prompt\": \"x\"}\n".utf8).write(to: notGzip)
        #expect(throws: IngestError.self) { try RecordReader.forEachRecord(path: notGzip.path, maxLineBytes: 100) { _ in } }
    }

    @Test func formatsAreNamedByExtensionThroughGz() throws {
        #expect(try RecordReader.format(of: "a.JSONL.gz") == .jsonl)
        #expect(try RecordReader.format(of: "a.json.gz") == .jsonArray)
        #expect(try RecordReader.format(of: "a.csv.gz") == .csv)
        #expect(try RecordReader.format(of: "a.Parquet") == .parquet)
        #expect(throws: IngestError.self) { try RecordReader.format(of: "a.parquet.gz") }
        #expect(throws: IngestError.self) { try RecordReader.format(of: "a.txt") }
    }

    @Test func keepingFieldsFailsExactlyWhereAFullParseFails() {
        let lines = [
            #"{"prompt": "a", "answers": [{"text": "long", "n": -1.5e3}, null, true], "source": ["x"]}"#,
            #"{"answers": "\u00e9\ud83d\ude00 \" ok", "prompt": "b", "prompt": "again"}"#,
            #"{"answers": [1 2], "prompt": "c"}"#, #"{"answers": {"a" 1}, "prompt": "c"}"#,
            #"{"answers": "bad \q escape", "prompt": "c"}"#, #"{"answers": "\ud800\u0041", "prompt": "c"}"#,
            #"{"answers": tru, "prompt": "c"}"#, #"{"answers": 01, "prompt": "c"}"#, #"{"answers": "x"} trailing"#,
            #"{"answers": ["unterminated], "prompt": "c"}"#, #"{"prompt": "d",}"#, #"[1, 2]"#, #"7"#, "{\"answers\": \"tab\there\"}",
            String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
            "{\"answers\": " + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}",
        ]
        let withBadUTF8 = Array(#"{"answers": "x"#.utf8) + [0xFF] + Array(#"", "prompt": "e"}"#.utf8)
        for bytes in lines.map({ Array($0.utf8) }) + [withBadUTF8] {
            let full = bytes.withUnsafeBufferPointer { b in Result { () throws(JSONParseError) in try JSONParser.parse(bytes: b) } }
            let kept = bytes.withUnsafeBufferPointer { b in Result { () throws(JSONParseError) in try JSONParser.parse(bytes: b, keeping: ["prompt"]) } }
            switch (full, kept) {
            case let (.failure(a), .failure(b)): #expect(a == b, "\(String(decoding: bytes, as: UTF8.self))")
            case let (.success(a), .success(b)):
                if case let .object(pairs) = a {
                    #expect(b == .object(pairs.filter { $0.0 == "prompt" }))
                } else {
                    #expect(a == b)
                }
            default: Issue.record("one parse failed and the other did not: \(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }

    @Test(arguments: [false, true]) func lineReaderStreamsPlainAndGzip(gzip: Bool) throws {
        let dir = try TestPaths.temporaryDirectory()
        let url = dir.appendingPathComponent(gzip ? "l.txt.gz" : "l.txt")
        let bytes = Array("one\r\ntwo\n\nthree".utf8)
        try Data(gzip ? GzipCompressor.compress(bytes) : bytes).write(to: url)
        var lines: [String] = []
        let reader = try LineReader(path: url.path, chunkSize: 4)
        try reader.forEachLine { line, number in lines.append("\(number):\(String(decoding: line, as: UTF8.self))") }
        #expect(lines == ["1:one", "2:two", "3:", "4:three"])
    }
}
