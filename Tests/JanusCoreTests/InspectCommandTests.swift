import Foundation
@testable import JanusCore
@testable import JanusSupport
import Testing

/// `show` and `failures` on a store built against the test server with bad answers: a first
/// request answered 500 with no retry (a failed item) and half-cut preference-set JSON by the
/// body's hash (refused, re-asked, some three times over: quarantined).
@Suite(.tags(.endToEnd), .serialized, .removesTemporaryDirectories) struct InspectCommandTests {
    static let instructions = 8

    /// Builds the store in a new directory; returns it with the counts `status --json` gives.
    static func buildWithFaults() async throws -> (dir: URL, failed: Int, quarantined: Int, server: TestChatServer) {
        let server = try await TestChatServer.start(["--content", "janus", "--content-faults", "broken_json=0.55", "--script", "500"])
        let dir = try TestPaths.temporaryDirectory()
        let lines = (0..<instructions).map { i in
            JSONValue.object([("prompt", .string("Describe step \(i) of brewing tea, for a café menu 🍵 (\(i)).")), ("origin", .string(i % 2 == 0 ? "alpha" : "beta"))]).serialized()
        }
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("in.jsonl"), atomically: true, encoding: .utf8)
        let yaml = """
            seed: 5
            db: f.db
            provider:
              name: openai
              base_url: \(server.baseURL)
              model: m
              api_key_env: \(ClientFixture.keyEnv)
              max_attempts: 1
              concurrency: 2
            sources: [jsonl=in.jsonl]
            ingest:
              prompt_field: prompt
              origin_field: origin

            """
        try yaml.write(to: dir.appendingPathComponent("janus.yaml"), atomically: true, encoding: .utf8)
        let build = try runJanus(["build", "--no-export"], in: dir, environment: ClientFixture.environment)
        #expect(build.status == 3, "\(build.stderr)")
        let status = try json(try runJanus(["status", "--json"], in: dir))
        var failed = 0, quarantined = 0
        for stage in ["expand", "systems", "respond"] {
            failed += status["stages"]?[stage]?["failed"]?.intValue ?? 0
            quarantined += status["stages"]?[stage]?["quarantined"]?.intValue ?? 0
        }
        return (dir, failed, quarantined, server)
    }

    static func json(_ result: CommandResult) throws -> JSONValue {
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONParser.parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func failuresAndShowDescribeWhatWentWrong() async throws {
        let (dir, failed, quarantined, server) = try await Self.buildWithFaults()
        defer { withExtendedLifetime(server) {} }
        try #require(failed == 1, "the scripted 500 fails exactly one item")
        try #require(quarantined >= 1, "no item was quarantined; raise broken_json")

        // failures --json: the same counts as status, grouped by reason.
        let report = try Self.json(try runJanus(["failures", "--json"], in: dir))
        #expect(report["failed"]?.intValue == failed)
        #expect(report["quarantined"]?.intValue == quarantined)
        let groups = report["groups"]?.arrayValue ?? []
        #expect(groups.reduce(0) { $0 + ($1["count"]?.intValue ?? 0) } == failed + quarantined)
        let counts = groups.compactMap { $0["count"]?.intValue }
        #expect(counts == counts.sorted(by: >), "largest group first")
        let items = groups.flatMap { $0["items"]?.arrayValue ?? [] }
        let failedItem = try #require(items.first { $0["kind"]?.stringValue == "failed" })
        #expect(failedItem["reason"]?.stringValue?.contains("HTTP 500") == true, "\(failedItem)")
        #expect(failedItem["raw"]?.stringValue == "")
        let quarantinedItem = try #require(items.first { $0["kind"]?.stringValue == "quarantined" })
        #expect(quarantinedItem["stage"]?.stringValue == "expand")
        #expect(quarantinedItem["raw"]?.stringValue?.hasPrefix("[{\"dimension\"") == true, "\(quarantinedItem)")
        #expect(report["retry"]?.stringValue?.contains("--retry-quarantined") == true)

        // Filters.
        let onlyQuarantined = try Self.json(try runJanus(["failures", "--json", "--reason", "test server says"], in: dir))
        #expect(onlyQuarantined["failed"]?.intValue == 1)
        #expect(onlyQuarantined["quarantined"]?.intValue == 0)
        let systems = try Self.json(try runJanus(["failures", "--json", "--stage", "systems"], in: dir))
        #expect((systems["failed"]?.intValue ?? -1) + (systems["quarantined"]?.intValue ?? -1) == 0)
        #expect(try runJanus(["failures", "--stage", "polish"], in: dir).status == 2)

        // The text form: a heading per reason with its count, the start of the answer, how to retry.
        let text = try runJanus(["failures"], in: dir)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("1 failed and \(quarantined) quarantined items, in \(groups.count) reason(s)"), "\(text.stdout)")
        for group in groups {
            #expect(text.stdout.contains("\(group["count"]?.intValue ?? 0) × \(group["reason"]?.stringValue ?? "?")"), "\(text.stdout)")
        }
        #expect(text.stdout.contains("answer: [{\"dimension\""))
        #expect(text.stdout.contains("--retry-quarantined"))
        for listed in items { #expect(text.stdout.contains("\((listed["id"]?.stringValue ?? "?").prefix(12)) variant \(listed["variant"]?.intValue ?? -1)")) }
        #expect(!text.stdout.contains("\u{1B}"), "no colour when not a terminal")

        // The report's failure section lists the same groups, with a chart of them.
        let written = try runJanus(["report", "--out", "r.html"], in: dir)
        #expect(written.status == 0, "\(written.stderr)")
        let html = try String(contentsOf: dir.appendingPathComponent("r.html"), encoding: .utf8)
        #expect(html.contains("<span data-stat=\"failed\">1</span> failed and <span data-stat=\"quarantined\">\(quarantined)</span> quarantined"))
        for group in groups {
            #expect(html.contains("<tr><td>\(HTML.escape(group["reason"]?.stringValue ?? "?"))</td><td class=\"n\">\(group["count"]?.intValue ?? -1)</td>"))
        }
        #expect(html.components(separatedBy: "<svg ").count - 1 == 9)

        // show --json of the quarantined item: three refused requests with their answers.
        let qid = try #require(quarantinedItem["id"]?.stringValue)
        let qvariant = try #require(quarantinedItem["variant"]?.intValue)
        let shown = try Self.json(try runJanus(["show", String(qid.prefix(10)), "--json"], in: dir))
        let item = try #require(shown["items"]?.arrayValue?.first)
        #expect(item["id"]?.stringValue == qid)
        #expect(item["provenance"]?["file"]?.stringValue == "in.jsonl")
        #expect(item["original_source"]?.stringValue == "alpha" || item["original_source"]?.stringValue == "beta")
        let variant = try #require(item["variants"]?.arrayValue?.first { $0["variant"]?.intValue == qvariant })
        let expand = try #require(variant["stages"]?.arrayValue?.first)
        #expect(expand["state"]?.stringValue == "quarantined")
        let requests = expand["requests"]?.arrayValue ?? []
        #expect(requests.count == 3, "\(expand)")
        #expect(requests.allSatisfy { $0["verdict"]?.stringValue == "refused" && $0["answer"]?.stringValue?.isEmpty == false })
        #expect(Set(requests.compactMap { $0["key"]?.stringValue }).count == 3)
        #expect(requests.allSatisfy { ($0["attempts"]?.arrayValue?.count ?? 0) == 1 }, "each request was sent once")
        #expect(variant["seed_preference_set"]?["set"]?.arrayValue?.count == 4)
        #expect(variant["preference_set"]?.isNull == true)
        #expect(variant["stages"]?.arrayValue?.dropFirst().allSatisfy { $0["state"]?.stringValue == "waiting" } == true)

        // show --json of the failed item: the attempt log holds the 500.
        let fid = try #require(failedItem["id"]?.stringValue)
        let fshown = try Self.json(try runJanus(["show", fid, "--json"], in: dir))
        let fvariant = try #require(fshown["items"]?.arrayValue?.first?["variants"]?.arrayValue?.first { $0["variant"]?.intValue == failedItem["variant"]?.intValue })
        let fstage = try #require(fvariant["stages"]?.arrayValue?.first { $0["stage"]?.stringValue == failedItem["stage"]?.stringValue })
        #expect(fstage["state"]?.stringValue == "failed")
        #expect(fstage["requests"]?.arrayValue?.first?["verdict"]?.stringValue == "failed")
        #expect(fstage["requests"]?.arrayValue?.first?["attempts"]?.arrayValue?.first?["http_status"]?.intValue == 500)

        // A complete variant: every stage done, each accepted request with its tokens, the
        // three examples shown, the response stored.
        let all = try Self.json(try runJanus(["show", "--match", "brewing tea", "--limit", "\(Self.instructions)", "--json"], in: dir))
        #expect(all["items"]?.arrayValue?.count == Self.instructions)
        let complete = try #require(all["items"]?.arrayValue?.flatMap { $0["variants"]?.arrayValue ?? [] }.first { $0["response"]?.stringValue != nil })
        #expect(complete["example_system_messages"]?.arrayValue?.count == 3)
        #expect(complete["system_message"]?.stringValue?.hasPrefix("You are an assistant") == true)
        for stage in complete["stages"]?.arrayValue ?? [] {
            #expect(stage["state"]?.stringValue == "done")
            let last = stage["requests"]?.arrayValue?.last
            #expect(last?["verdict"]?.stringValue == "accepted", "\(stage)")
            #expect((last?["completion_tokens"]?.intValue ?? 0) > 0)
            #expect(last?["attempts"]?.arrayValue?.first?["outcome"]?.stringValue == "ok")
        }

        // The text form of the quarantined item.
        let qtext = try runJanus(["show", qid], in: dir)
        #expect(qtext.status == 0, "\(qtext.stderr)")
        #expect(qtext.stdout.hasPrefix("══ instruction at position "), "\(qtext.stdout)")
        #expect(qtext.stdout.contains("\n  id: \(qid)\n"))
        #expect(qtext.stdout.contains("─ variant \(qvariant) of 3"))
        #expect(qtext.stdout.contains("expand   quarantined"))
        #expect(qtext.stdout.components(separatedBy: "refused because:").count - 1 >= 3)
        #expect(qtext.stdout.contains("seed preference set (seed set #"))
        #expect(qtext.stdout.split(separator: "\n").allSatisfy { $0.count <= 100 }, "wrapped to 100 columns off a terminal")
        #expect(!qtext.stdout.contains("\u{1B}"))
    }

    @Test func showPicksAtRandomOrByTextAndRefusesWhatIsNotThere() throws {
        let dir = try ReportCommandTests.sampleStore()
        let first = try runJanus(["show", "--db", "s.db", "--random", "2"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.components(separatedBy: "══ instruction ").count - 1 == 2)
        #expect(first.stdout.contains("response:"))
        #expect(first.stderr.isEmpty, "read with the stored run's settings: \(first.stderr)")

        let none = try runJanus(["show", "--db", "s.db", "--match", "no instruction says this zqxj"], in: dir)
        #expect(none.status == 1)
        #expect(none.stderr.contains("no instruction in s.db holds"), "\(none.stderr)")
        #expect(try runJanus(["show", "--db", "s.db"], in: dir).status == 2)
        #expect(try runJanus(["show", "--db", "s.db", "ffffffffffffffffffffff"], in: dir).status == 1)

        // Colour on a terminal, never with NO_COLOR.
        let binary = TestPaths.binary.path
        let tty = try runProgram(
            "/usr/bin/script", ["-qec", "\(binary) show --db s.db --random 1", "/dev/null"], in: dir, environment: ["TERM": "xterm", "NO_COLOR": ""])
        #expect(tty.stdout.contains("\u{1B}["), "colour on a terminal")
        let plain = try runProgram(
            "/usr/bin/script", ["-qec", "\(binary) show --db s.db --random 1", "/dev/null"], in: dir, environment: ["TERM": "xterm", "NO_COLOR": "1"])
        #expect(plain.status == 0)
        #expect(!plain.stdout.contains("\u{1B}["), "NO_COLOR")

        let nothing = try runJanus(["failures", "--db", "s.db"], in: dir)
        #expect(nothing.stdout == "no failed or quarantined items\n")
    }
}
