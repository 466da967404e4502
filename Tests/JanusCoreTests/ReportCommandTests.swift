import Foundation
@testable import JanusCore
@testable import JanusSupport
import Testing

/// `report` on the sample, opened in a real browser: headless Chromium renders the page and
/// takes a screenshot (Tests/python/check_report.py); the page must not be blank, must hold
/// its charts and headings, and its figures must be those of `stats --json`.
@Suite(.tags(.endToEnd), .serialized, .removesTemporaryDirectories) struct ReportCommandTests {
    static let headings = [
        "Instructions per source (Table 5)", "Subdimensions and preference keywords (Table 7)",
        "Diversity of preferences: ROUGE-L between descriptions (Figure 4)", "Lengths of system messages and responses",
        "Tokens and cost per stage", "Failures",
    ]

    /// A new directory holding s.db: the sample built with the offline provider.
    static func sampleStore() throws -> URL {
        let dir = try TestPaths.temporaryDirectory()
        let config = TestPaths.sample.appendingPathComponent("janus.yaml").path
        let build = try runJanus(["build", "--config", config, "--provider", "offline", "--db", "s.db", "--no-export"], in: dir)
        #expect(build.status == 0, "\(build.stderr)")
        return dir
    }

    @Test func reportOfTheSampleRendersInChromiumWithTheFiguresOfStats() throws {
        let dir = try ReportCommandTests.sampleStore()
        let written = try runJanus(["report", "--db", "s.db", "--out", "r.html"], in: dir)
        #expect(written.status == 0, "\(written.stderr)")
        let path = dir.appendingPathComponent("r.html").standardizedFileURL.path
        #expect(written.stdout == path + "\n")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!html.contains("<script"), "no script")
        let links = html.components(separatedBy: "http").count - html.components(separatedBy: "http://www.w3.org/2000/svg").count
        #expect(links == 0 && !html.contains("src=") && !html.contains("href="), "nothing fetched from the network")
        // The same store, the same page.
        #expect(try runJanus(["report", "--db", "s.db", "--out", "again.html"], in: dir).status == 0)
        #expect(try String(contentsOf: dir.appendingPathComponent("again.html"), encoding: .utf8) == html)

        try #require(TestPaths.hasPythonEnvironment, "run `make setup-test` (Python environment with Pillow, and chromium)")
        let check = try runProgram(
            TestPaths.python.path,
            [TestPaths.packageRoot.appendingPathComponent("Tests/python/check_report.py").path, "r.html", "r.png"], in: dir)
        try #require(check.status == 0, "\(check.stdout)\(check.stderr)")
        let page = try JSONParser.parse(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines))

        // Not blank: plenty of ink, and more than a handful of colours (bars, markers, text).
        #expect((page["non_white_fraction"]?.doubleValue ?? 0) > 0.03, "\(page)")
        #expect((page["colours"]?.intValue ?? 0) > 20, "\(page)")
        // The charts: sources, four ROUGE-L histograms, two lengths, tokens (no failures here).
        #expect(page["svg_count"]?.intValue == 8, "\(page)")
        #expect(page["headings"]?.arrayValue?.compactMap(\.stringValue) == Self.headings)

        // The figures as the browser shows them, against stats --json on the same store.
        let stats = try JSONParser.parse(try runJanus(["stats", "--db", "s.db", "--json"], in: dir).stdout)
        let values = page["values"]
        #expect(values?["stat:instructions"]?.stringValue == stats["instructions"].map { "\($0.intValue ?? -1)" })
        #expect(values?["stat:complete_variants"]?.stringValue == "\(stats["complete_variants"]?.intValue ?? -1)")
        #expect(values?["stat:unique_preference_descriptions"]?.stringValue == "\(stats["unique_preference_descriptions"]?.intValue ?? -1)")
        let sources = stats["by_source"]?.objectValue ?? []
        #expect(sources.count == 5)
        for (source, count) in sources {
            #expect(values?["source:\(source)"]?.stringValue == "\(count.intValue ?? -1)", "\(source)")
        }
        for dimension in Dimension.allCases.map(\.rawValue) {
            #expect(values?["unique-subdimensions:\(dimension)"]?.stringValue == "\(stats["unique_subdimensions"]?[dimension]?.intValue ?? -1)")
            let rouge = try #require(stats["rouge_l_within_instruction"]?[dimension]?.doubleValue)
            #expect(values?["rouge:\(dimension)"]?.stringValue == String(format: "%.3f", rouge), "\(dimension)")
        }
    }
}
