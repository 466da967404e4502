import Foundation
@testable import JanusCore
@testable import JanusExport
@testable import JanusHTTP
@testable import JanusIngest
@testable import JanusLLM
@testable import JanusStore
@testable import JanusSupport
import Testing

/// The bench commands with the offline provider, as a script runs them: build, export, review,
/// answers from a file, judge, report.
@Suite(.tags(.endToEnd), .removesTemporaryDirectories) struct BenchCommandTests {
    static let sources = ["alpaca_eval=alpaca_eval.json", "mt_bench=mt_bench.jsonl", "koala=koala.jsonl", "flask=flask.jsonl", "self_instruct=self_instruct.jsonl"]
        .flatMap { ["--source", $0.replacingOccurrences(of: "=", with: "=\(TestPaths.sample.path)/bench/")] }

    /// A store with the sample's Nectar collection and a bench of `count` instructions, all offline.
    func benchStore(in dir: URL, count: Int = 6) throws {
        let collection = try runJanus(
            ["build", "--db", "j.db", "--provider", "offline", "--no-export", "--source", "nectar=\(TestPaths.sample.path)/nectar.jsonl"], in: dir)
        #expect(collection.status == 0, "\(collection.stderr)")
        let bench = try runJanus(["bench", "build", "--db", "j.db", "--provider", "offline", "--count", "\(count)"] + Self.sources, in: dir)
        #expect(bench.status == 0, "\(bench.stderr)")
        #expect(bench.stderr.contains("alpaca_eval: read 8, bad 0, dropped in_collection 1, candidates 7"), "\(bench.stderr)")
        #expect(bench.stderr.contains("mt_bench: read 7, bad 1, dropped bad 1, repeated 1, candidates 5"), "\(bench.stderr)")
    }

    func records(_ path: URL) throws -> [JSONValue] {
        try String(contentsOf: path, encoding: .utf8).split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }

    @Test func reviewMarksDropItemsFromTheNextExportAndTheScores() throws {
        let dir = try TestPaths.temporaryDirectory()
        try benchStore(in: dir)
        #expect(try runJanus(["bench", "export", "--db", "j.db", "--out", "out"], in: dir).status == 0)
        let bench = dir.appendingPathComponent("out/bench")
        #expect(try records(bench.appendingPathComponent("train-00000-of-00001.jsonl")).count == 18)

        // A person marks two rows; the next export leaves them out and keeps the marks.
        let reviewURL = bench.appendingPathComponent("review.csv")
        var lines = try String(contentsOf: reviewURL, encoding: .utf8).components(separatedBy: "\n")
        // A row starts `"<item id>","<drop>",`; fields with line breaks continue on later lines.
        let starts = lines.indices.filter { lines[$0].range(of: #"^"[0-9a-f]{16}-[0-9]","","#, options: .regularExpression) != nil }
        #expect(starts.count == 18)
        var marked = Set<String>()
        for row in [starts[0], starts[3]] {
            let id = String(lines[row].dropFirst().prefix(18))
            marked.insert(id)
            lines[row] = "\"\(id)\",\"x\"" + lines[row].dropFirst(23)
        }
        try lines.joined(separator: "\n").write(to: reviewURL, atomically: true, encoding: .utf8)
        let again = try runJanus(["bench", "export", "--db", "j.db", "--out", "out"], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("2 dropped in review"), "\(again.stderr)")
        #expect(try records(bench.appendingPathComponent("train-00000-of-00001.jsonl")).count == 16)
        let manifest = try JSONParser.parse(String(contentsOf: bench.appendingPathComponent("manifest.json"), encoding: .utf8))
        #expect(manifest["dropped_in_review"]?.intValue == 2)
        #expect(try BenchReview.dropped(path: reviewURL.path) == marked)

        // Answers brought from a file: by id, by system and prompt, one bad line, one unknown id.
        let first = try records(bench.appendingPathComponent("train-00000-of-00001.jsonl"))
        var answers = first.prefix(3).map { r in
            JSONValue.object([("system", r["system"] ?? .null), ("prompt", r["prompt"] ?? .null), ("response", .string("Un avis réfléchi 🌊"))]).serialized()
        }
        answers.append(#"{"id": "0000000000000000-9", "response": "nobody asked"}"#)
        answers.append(#"{"id": 12}"#)
        try (answers.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("answers.jsonl"), atomically: true, encoding: .utf8)
        let imported = try runJanus(["bench", "answer", "--db", "j.db", "--name", "elsewhere", "--responses", "answers.jsonl"], in: dir)
        #expect(imported.status == 3)
        #expect(imported.stderr.contains("imported 3 answers"), "\(imported.stderr)")
        #expect(imported.stderr.contains("answers.jsonl:5:"), "\(imported.stderr)")

        // The model answers the rest offline; both sets are judged; the report leaves out the marked items.
        #expect(try runJanus(["bench", "answer", "--db", "j.db", "--provider", "offline", "--model", "offline-model"], in: dir).status == 0)
        let judge = try runJanus(["bench", "judge", "--db", "j.db", "--provider", "offline", "--judge-model", "offline-judge", "--runs", "3"], in: dir)
        #expect(judge.status == 0, "\(judge.stderr)")
        let report = try runJanus(["bench", "report", "--db", "j.db", "--json", "--chart", "chart.svg"], in: dir)
        #expect(report.status == 0, "\(report.stderr)")
        let models = try JSONParser.parse(report.stdout.trimmingCharacters(in: .whitespacesAndNewlines))["models"]?.arrayValue ?? []
        #expect(models.compactMap { $0["model"]?.stringValue } == ["elsewhere", "offline-model"])
        #expect(models.compactMap { $0["items"]?.intValue } == [3, 16])
        #expect(models.last?["runs"]?.intValue == 3)
        let svg = try String(contentsOf: dir.appendingPathComponent("chart.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("offline-model: harmlessness"))
        let table = try runJanus(["bench", "report", "--db", "j.db"], in: dir)
        #expect(table.stdout.contains("elsewhere (judge offline-judge)") && table.stdout.contains("source koala"), "\(table.stdout)")
    }

    @Test func benchSystemMessagesAreComparedWithTheCollections() throws {
        let dir = try TestPaths.temporaryDirectory()
        try benchStore(in: dir, count: 3)
        let stats = try runJanus(["bench", "stats", "--db", "j.db", "--json"], in: dir)
        #expect(stats.status == 0, "\(stats.stderr)")
        let root = try JSONParser.parse(stats.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(root["bench_system_messages"]?.intValue == 9)
        #expect((root["collection_system_messages"]?.intValue ?? 0) > 100)
        let mean = root["rouge_l_bench_vs_collection"]?["mean"]?.doubleValue ?? -1
        #expect(mean > 0 && mean < 1)
    }

    @Test func planCountsWhatEachBenchCommandWouldSend() throws {
        let dir = try TestPaths.temporaryDirectory()
        try benchStore(in: dir, count: 3)
        func requests(_ arguments: [String]) throws -> Int? {
            let plan = try runJanus(["bench", "plan"] + arguments + ["--db", "j.db", "--provider", "offline", "--json"], in: dir)
            #expect(plan.status == 0, "\(plan.stderr)")
            return try JSONParser.parse(plan.stdout.trimmingCharacters(in: .whitespacesAndNewlines))["total_requests"]?.intValue
        }
        #expect(try requests(["build"]) == 0)
        #expect(try requests(["build", "--seed", "8"]) == 9 * 4, "another seed draws other examples: every part of every item is asked again")
        #expect(try requests(["answer", "--model", "m"]) == 9)
        #expect(try runJanus(["bench", "answer", "--db", "j.db", "--provider", "offline", "--model", "m"], in: dir).status == 0)
        #expect(try requests(["answer", "--model", "m"]) == 0)
        #expect(try requests(["judge", "--judge-model", "j", "--runs", "2"]) == 9 * 4 * 2)
        #expect(try runJanus(["bench", "judge", "--db", "j.db", "--provider", "offline", "--judge-model", "j", "--runs", "2"], in: dir).status == 0)
        #expect(try requests(["judge", "--judge-model", "j", "--runs", "3"]) == 9 * 4)
    }

    @Test func planBeforeTheFirstBenchBuildCountsWhatItWillChooseAndSend() throws {
        let dir = try TestPaths.temporaryDirectory()
        // A --db with no store yet: planned as empty, and no file is left behind.
        let nothing = try runJanus(["bench", "plan", "build", "--db", "none.db", "--provider", "offline", "--count", "3"] + Self.sources, in: dir)
        #expect(nothing.status == 0, "\(nothing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("none.db").path))
        let collection = try runJanus(
            ["build", "--db", "j.db", "--provider", "offline", "--no-export", "--source", "nectar=\(TestPaths.sample.path)/nectar.jsonl"], in: dir)
        #expect(collection.status == 0, "\(collection.stderr)")
        let bare = try runJanus(["bench", "plan", "build", "--db", "j.db", "--provider", "offline"], in: dir)
        #expect(bare.stderr.contains("no bench instructions are stored yet: give the --source flags"), "\(bare.stderr)")
        // Sources that give nothing: the plan says what became of their lines, not to give sources.
        try "{\"instruction\": \"\"}\n{\"question\": 7}\n".write(to: dir.appendingPathComponent("empty.jsonl"), atomically: true, encoding: .utf8)
        let none = try runJanus(["bench", "plan", "build", "--db", "j.db", "--provider", "offline", "--source", "jsonl=empty.jsonl"], in: dir)
        #expect(none.status == 0, "\(none.stderr)")
        #expect(none.stderr.contains("the --source files give no instruction `bench build` would choose"), "\(none.stderr)")
        #expect(none.stderr.contains("read 2, bad 2"), "\(none.stderr)")
        #expect(!none.stderr.contains("give the --source flags"), "\(none.stderr)")
        let planned = try runJanus(["bench", "plan", "build", "--db", "j.db", "--provider", "offline", "--count", "4", "--json"] + Self.sources, in: dir)
        #expect(planned.status == 0, "\(planned.stderr)")
        let plan = try JSONParser.parse(planned.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let built = try runJanus(["bench", "build", "--db", "j.db", "--provider", "offline", "--count", "4", "--json"] + Self.sources, in: dir)
        #expect(built.status == 0, "\(built.stderr)")
        let summary = try JSONParser.parse(built.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(plan["total_requests"]?.intValue == 4 * 3 * 4, "\(planned.stdout)")
        #expect(plan["total_requests"]?.intValue == summary["requests_sent"]?.intValue, "\(built.stdout)")
    }

    @Test(.needsDatasets) func benchExportLoadsWithDatasets() throws {
        let dir = try TestPaths.temporaryDirectory()
        try benchStore(in: dir)
        #expect(try runJanus(["bench", "export", "--db", "j.db", "--out", "out"], in: dir).status == 0)
        let loaded = try runPythonScript("check_bench.py", ["out/bench"], in: dir)
        #expect(loaded.status == 0, "\(loaded.stdout)\(loaded.stderr)")
        #expect(loaded.stdout.hasPrefix("OK: 18 rows"), "\(loaded.stdout)")
    }
}
