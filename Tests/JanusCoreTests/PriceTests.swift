import Foundation
@testable import JanusCore
@testable import JanusLLM
@testable import JanusStore
import Testing

/// One price lookup for the plan, the status, the run summary, the stored cost and max_cost:
/// a dated model name is priced as the name it starts with; a model with no price is said so.
@Suite(.tags(.endToEnd), .serialized, .removesTemporaryDirectories) struct PriceTests {
    @Test func longestPrefixWins() {
        let prices = ModelPrice.defaults
        #expect(ModelPrice.lookup("gpt-4o-2024-08-06", in: prices) == prices["gpt-4o"])
        #expect(ModelPrice.lookup("gpt-4o-mini-2024-07-18", in: prices) == prices["gpt-4o-mini"])
        #expect(ModelPrice.lookup("gpt-4o", in: prices) == prices["gpt-4o"])
        #expect(ModelPrice.lookup("llama3", in: prices) == nil)
    }

    func common(_ server: TestChatServer, db: String) -> [String] {
        ["--db", db, "--provider", "openai", "--base-url", server.baseURL, "--api-key-env", ClientFixture.keyEnv]
    }

    func ingest(_ db: String, in dir: URL) throws {
        let result = try runJanus(["ingest", "--db", db, "--source", "dsp=\(TestPaths.sample.path)/dsp.csv"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func datedModelIsPricedInPlanStatusSummaryAndMaxCost() async throws {
        let server = try await TestChatServer.start(["--content", "janus"])
        let dir = try TestPaths.temporaryDirectory()
        let env = ClientFixture.environment
        try ingest("p.db", in: dir)
        let dated = try runJanus(["plan", "--json", "--model", "gpt-4o-2024-08-06"] + common(server, db: "p.db"), in: dir)
        let plain = try runJanus(["plan", "--json", "--model", "gpt-4o"] + common(server, db: "p.db"), in: dir)
        #expect(dated.status == 0, "\(dated.stderr)")
        let datedCost = try #require(try ReadCommandTests.json(dated)["total_cost_usd"]?.doubleValue)
        #expect(datedCost > 0)
        #expect(datedCost == (try ReadCommandTests.json(plain)["total_cost_usd"]?.doubleValue))

        let build = try runJanus(["build", "--json", "--no-export", "--model", "gpt-4o-2024-08-06"] + common(server, db: "p.db"), in: dir, environment: env)
        #expect(build.status == 0, "\(build.stderr)")
        let summary = try ReadCommandTests.json(build)
        var cost = 0.0
        var prompt = 0
        var completion = 0
        for stage in Stage.allCases {
            let s = summary["stages"]?[stage.rawValue]
            cost += s?["cost_usd"]?.doubleValue ?? 0
            prompt += s?["prompt_tokens"]?.intValue ?? 0
            completion += s?["completion_tokens"]?.intValue ?? 0
        }
        let atListPrice = (Double(prompt) * 2.5 + Double(completion) * 10) / 1_000_000
        #expect(cost > 0)
        #expect(abs(cost - atListPrice) < 1e-9)
        #expect(build.stderr.contains("cost this run: $\(String(format: "%.4f", cost))"), "\(build.stderr)")
        let status = try runJanus(["status", "--db", "p.db", "--json"], in: dir)
        #expect(abs((try ReadCommandTests.json(status)["cost_usd"]?.doubleValue ?? 0) - atListPrice) < 1e-9)

        // max_cost spends at the same rates: a budget below one request's cost stops the run.
        try ingest("m.db", in: dir)
        let capped = try runJanus(
            ["build", "--no-export", "--model", "gpt-4o-2024-08-06", "--max-cost", "0.0001", "--concurrency", "1"] + common(server, db: "m.db"),
            in: dir, environment: env)
        #expect(capped.status == 3, "\(capped.stderr)")
        #expect(capped.stderr.contains("max_cost reached"), "\(capped.stderr)")
    }

    @Test func modelWithoutAPriceIsSaidOnceNotShownAsFree() async throws {
        let server = try await TestChatServer.start(["--content", "janus"])
        let dir = try TestPaths.temporaryDirectory()
        let env = ClientFixture.environment
        try ingest("u.db", in: dir)
        let note = ModelPrice.unknownNote("llama-local")
        let plan = try runJanus(["plan", "--model", "llama-local"] + common(server, db: "u.db"), in: dir)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stderr.components(separatedBy: note).count == 2, "\(plan.stderr)")
        #expect(!plan.stderr.contains("$"), "\(plan.stderr)")
        let planJSON = try runJanus(["plan", "--json", "--model", "llama-local"] + common(server, db: "u.db"), in: dir)
        #expect(try ReadCommandTests.json(planJSON)["total_cost_usd"] == .null)

        let refused = try runJanus(["build", "--model", "llama-local", "--max-cost", "5"] + common(server, db: "u.db"), in: dir, environment: env)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("max_cost is set but no price is known for model llama-local"), "\(refused.stderr)")
        #expect(try await server.requestCount() == 0)

        let build = try runJanus(["build", "--no-export", "--model", "llama-local"] + common(server, db: "u.db"), in: dir, environment: env)
        #expect(build.status == 0, "\(build.stderr)")
        #expect(build.stderr.components(separatedBy: note).count == 2, "\(build.stderr)")
        #expect(!build.stderr.contains("cost this run"))
        let status = try runJanus(["status", "--db", "u.db"], in: dir)
        #expect(status.stdout.contains("cost so far: unknown (no price is known for model llama-local"), "\(status.stdout)")
        #expect(status.stdout.components(separatedBy: note).count == 2)
    }
}
