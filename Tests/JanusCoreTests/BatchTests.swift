import Foundation
@testable import JanusCore
@testable import JanusExport
@testable import JanusHTTP
@testable import JanusIngest
@testable import JanusLLM
@testable import JanusStore
@testable import JanusSupport
import Testing

/// `janus-data batch ...` as a script runs it, one process per command, against the test
/// server's /v1/files and /v1/batches.
@Suite(.tags(.endToEnd), .serialized, .removesTemporaryDirectories, .needsPython3) struct BatchTests {
    static let env = ClientFixture.environment

    func llm(_ server: TestChatServer) -> [String] {
        ["--provider", "openai", "--base-url", server.baseURL, "--model", "test-model", "--api-key-env", ClientFixture.keyEnv, "--seed", "5"]
    }

    func janus(_ arguments: [String], _ dir: URL, expect status: Int32 = 0) throws -> CommandResult {
        let result = try runJanus(arguments, in: dir, environment: Self.env)
        #expect(result.status == status, "janus-data \(arguments.prefix(3).joined(separator: " ")): \(result.stderr)")
        return result
    }

    func ingest(_ db: String, _ dir: URL) throws {
        _ = try janus(["ingest", "--db", db, "--seed", "5", "--source", "dsp=\(TestPaths.sample.path)/dsp.csv"], dir)
    }

    /// Submits the stage's pending requests; returns how many went into batches.
    func submit(_ stage: String, _ db: String, _ server: TestChatServer, _ dir: URL) throws -> Int {
        let out = try janus(["batch", "submit", "--db", db, "--stage", stage, "--json"] + llm(server), dir)
        let batches = try JSONParser.parse(out.stdout).arrayValue ?? []
        return batches.reduce(0) { $0 + ($1["lines"]?.intValue ?? 0) }
    }

    func collect(_ db: String, _ server: TestChatServer, _ dir: URL, expect status: Int32 = 0) throws -> JSONValue {
        let out = try janus(["batch", "collect", "--db", db, "--poll", "0.02", "--max-poll", "0.1", "--json"] + llm(server), dir, expect: status)
        return try JSONParser.parse(out.stdout)
    }

    func stageDone(_ db: String, _ stage: String, _ dir: URL) throws -> Int {
        let out = try janus(["status", "--db", db, "--json"], dir)
        return try JSONParser.parse(out.stdout)["stages"]?[stage]?["done"]?.intValue ?? -1
    }

    /// Every exported file: shards, manifests and dataset cards (the model has no price, so
    /// the batch price changes nothing in them).
    func exported(_ out: URL) throws -> [String: Data] {
        try ResumeAfterKillTests().exportedFiles(out)
    }

    @Test func batchBuildExportsWhatAnOnlineBuildDoes() async throws {
        let dir = try TestPaths.temporaryDirectory()
        let online = try await TestChatServer.start(["--content", "janus", "--content-faults", "broken_json=0.1"])
        _ = try janus(["build", "--db", "online.db", "--out", "online", "--source", "dsp=\(TestPaths.sample.path)/dsp.csv"] + llm(online), dir)
        let onlineRequests = try await online.requestCount()

        let server = try await TestChatServer.start(["--content", "janus", "--content-faults", "broken_json=0.1"])
        try ingest("batch.db", dir)
        var batched = 0
        for stage in ["expand", "systems", "respond"] {
            // Re-asks of refused answers go into the next round's batch.
            for _ in 0..<4 {
                let sent = try submit(stage, "batch.db", server, dir)
                if sent == 0 { break }
                batched += sent
                _ = try collect("batch.db", server, dir)
            }
        }
        #expect(try submit("respond", "batch.db", server, dir) == 0)
        _ = try janus(["export", "--db", "batch.db", "--out", "batch"], dir)
        let files = try exported(dir.appendingPathComponent("batch"))
        #expect(files.count >= 15)
        #expect(files == (try exported(dir.appendingPathComponent("online"))))
        #expect(batched == onlineRequests, "the batches asked \(batched) requests, the online build \(onlineRequests)")
        #expect(try await server.stats()["answered_again"]?.intValue == 0)
        // Under a priced model everything would be asked again: plan shows both prices.
        let plan = try JSONParser.parse(try janus(["plan", "--db", "batch.db", "--json", "--model", "gpt-4o"], dir).stdout)
        let onlineCost = try #require(plan["total_cost_usd"]?.doubleValue)
        #expect(onlineCost > 0)
        #expect(plan["batch_cost_usd"]?.doubleValue == onlineCost * BatchPricing.discount)
    }

    @Test func expiredBatchKeepsItsHalfAndSendsTheRestNext() async throws {
        let dir = try TestPaths.temporaryDirectory()
        let server = try await TestChatServer.start(["--content", "janus"])
        try ingest("j.db", dir)
        try await server.control(#"{"batch_expire": true}"#)
        let first = try submit("expand", "j.db", server, dir)
        #expect(first > 10)
        let imported = try collect("j.db", server, dir)
        let answered = imported["total"]?["answers"]?.intValue ?? -1
        #expect(answered == first / 2)
        #expect(try stageDone("j.db", "expand", dir) == answered)
        // Stages advance per item: the items with a preference set are ready for systems.
        let systems = try janus(["batch", "prepare", "--db", "j.db", "--stage", "systems", "--out", "sys", "--json"] + llm(server), dir)
        #expect(try JSONParser.parse(systems.stdout)["requests"]?.intValue == answered)

        try await server.control(#"{"batch_expire": false}"#)
        #expect(try submit("expand", "j.db", server, dir) == first - answered)
        _ = try collect("j.db", server, dir)
        #expect(try stageDone("j.db", "expand", dir) == first)
        #expect(try submit("expand", "j.db", server, dir) == 0)
        #expect(try await server.stats()["answered_again"]?.intValue == 0)
    }

    @Test func killedCollectResumesAndLiveBatchesAreNotSentOnline() async throws {
        let dir = try TestPaths.temporaryDirectory()
        let server = try await TestChatServer.start(["--content", "janus", "--batch-polls", "15"])
        try ingest("j.db", dir)
        let sent = try submit("expand", "j.db", server, dir)
        #expect(sent > 10)
        // Requests in a live batch are not sent online.
        let online = try janus(["expand", "--db", "j.db"] + llm(server), dir)
        #expect(online.stderr.contains("\(sent) requests sit in live provider batches"))
        #expect(try await server.requestCount() == 0)

        let process = Process()
        process.executableURL = TestPaths.binary
        process.arguments = ["batch", "collect", "--db", "j.db", "--poll", "0.05", "--max-poll", "0.05"] + llm(server)
        process.currentDirectoryURL = dir
        process.environment = ProcessInfo.processInfo.environment.merging(Self.env) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(400_000)  // a blocking sleep: polling has begun, the batch is far from done
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(try stageDone("j.db", "expand", dir) == 0)

        _ = try collect("j.db", server, dir)
        #expect(try stageDone("j.db", "expand", dir) == sent)
        #expect(try await server.requestCount() == 0)
        #expect(try await server.stats()["batch"]?["batches"]?.objectValue?.count == 1)
    }

    @Test func partlyFailedAndCancelledBatchesKeepWhatTheyAnswered() async throws {
        let dir = try TestPaths.temporaryDirectory()
        let server = try await TestChatServer.start(["--content", "janus", "--rates", "500=0.3", "--seed", "3", "--batch-polls", "3"])
        try ingest("j.db", dir)
        let all = try submit("expand", "j.db", server, dir)
        let first = try collect("j.db", server, dir)
        let errors = first["total"]?["errors"]?.intValue ?? -1
        #expect(errors > 0 && errors < all)
        #expect(first["total"]?["answers"]?.intValue == all - errors)
        #expect(try stageDone("j.db", "expand", dir) == all - errors)

        // The failed requests go into the next batch, which is cancelled: half of them answered.
        try await server.control(#"{"rates": {}}"#)
        #expect(try submit("expand", "j.db", server, dir) == errors)
        let cancel = try janus(["batch", "cancel", "--db", "j.db"] + llm(server), dir)
        #expect(cancel.stderr.contains("cancelling"))
        let second = try collect("j.db", server, dir)
        #expect(second["total"]?["answers"]?.intValue == errors / 2)
        #expect(try stageDone("j.db", "expand", dir) == all - errors + errors / 2)

        let rest = try submit("expand", "j.db", server, dir)
        #expect(rest == errors - errors / 2)
        _ = try janus(["batch", "collect", "--db", "j.db", "--poll", "0.02", "--cleanup"] + llm(server), dir)
        let status = try JSONParser.parse(try janus(["status", "--db", "j.db", "--json"], dir).stdout)["stages"]?["expand"]
        #expect(status?["done"]?.intValue == all)
        #expect(status?["failed"]?.intValue == 0)
        // The last batch's input and output files are deleted at the provider.
        #expect(try await server.stats()["batch"]?["deleted_files"]?.intValue == 2)
        #expect(try await server.requestCount() == 0)
    }

    @Test func releasedRequestsGoOnlineAndTheBatchAnswersChangeNothing() async throws {
        let dir = try TestPaths.temporaryDirectory()
        let server = try await TestChatServer.start(["--content", "janus"])
        try ingest("j.db", dir)
        let sent = try submit("expand", "j.db", server, dir)
        _ = try janus(["expand", "--db", "j.db", "--release"] + llm(server), dir)
        #expect(try await server.requestCount() == sent)
        #expect(try stageDone("j.db", "expand", dir) == sent)
        let imported = try collect("j.db", server, dir)
        #expect(imported["total"]?["answers"]?.intValue == 0)
        #expect(imported["total"]?["already_imported"]?.intValue == sent)
        #expect(try stageDone("j.db", "expand", dir) == sent)
    }

    /// A preference set answer for a request line, as a vLLM server might write it.
    static func preferenceSet(_ id: String, valid: Bool) -> String {
        let dims = ["style", "background_knowledge", "informativeness", "harmlessness"].prefix(valid ? 4 : 2)
        let items: [JSONValue] = dims.enumerated().map { n, d in
            .object([
                ("dimension", .string(d)), ("subdimension", .string("sub \(id.prefix(6)) \(n)")),
                ("preference", .string("preference \(id.prefix(8)) \(n)")),
                ("description", .string("A response that keeps \(id.prefix(10)) in view, number \(n).")),
            ])
        }
        return JSONValue.array(items).serialized()
    }

    @Test func runBatchOutputImportsOnceAndRefusesUnknownKeys() async throws {
        let dir = try TestPaths.temporaryDirectory()
        let server = try await TestChatServer.start(["--content", "janus"])
        try ingest("j.db", dir)
        _ = try janus(["batch", "prepare", "--db", "j.db", "--stage", "expand", "--out", "in", "--max-lines", "25"] + llm(server), dir)
        let manifest = try JSONParser.parse(Data(contentsOf: dir.appendingPathComponent("in/manifest.json")))
        let files = manifest["files"]?.arrayValue ?? []
        #expect(files.count >= 2)
        var output = ""
        var invalid = ""
        var lines = 0
        for file in files {
            let data = try Data(contentsOf: dir.appendingPathComponent("in").appendingPathComponent(file["name"]?.stringValue ?? ""))
            #expect(Hashing.sha256Hex(data) == file["sha256"]?.stringValue)
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                let request = try JSONParser.parse(String(line))
                let id = try #require(request["custom_id"]?.stringValue)
                #expect(BatchRequestLine.isValidCustomID(id))
                #expect(request["body"]?["messages"]?.arrayValue?.isEmpty == false)
                let valid = lines != 3
                if !valid { invalid = id }
                let body = JSONValue.object([
                    ("id", .string("cmpl-\(lines)")), ("object", "chat.completion"), ("model", "test-model"),
                    ("choices", .array([.object([
                        ("index", .integer(0)),
                        ("message", .object([("role", "assistant"), ("content", .string(Self.preferenceSet(id, valid: valid)))])),
                        ("finish_reason", "stop"),
                    ])])),
                    ("usage", .object([("prompt_tokens", .integer(100)), ("completion_tokens", .integer(60))])),
                ])
                let out = JSONValue.object([
                    ("id", .string("vllm-\(lines)")), ("custom_id", .string(id)),
                    ("response", .object([("status_code", .integer(200)), ("request_id", .string("vllm-batch-\(lines)")), ("body", body)])),
                    ("error", .null),
                ])
                output += out.serialized() + "\n"
                lines += 1
            }
        }
        #expect(lines == manifest["requests"]?.intValue)
        output += #"{"id":"vllm-x","custom_id":"\#(String(repeating: "ab", count: 32))","response":{"status_code":200,"body":{}},"error":null}"# + "\n"
        output += "not json at all\n"
        try Data(output.utf8).write(to: dir.appendingPathComponent("results.jsonl"))

        let first = try janus(["batch", "import", "--db", "j.db", "--json", "results.jsonl"], dir, expect: 3)
        let counts = try JSONParser.parse(first.stdout)["total"]
        #expect(counts?["answers"]?.intValue == lines)
        #expect(counts?["unknown_keys"]?.intValue == 1)
        #expect(counts?["unreadable"]?.intValue == 1)
        #expect(first.stderr.contains("results.jsonl:\(lines + 2):"))
        #expect(try stageDone("j.db", "expand", dir) == lines - 1)

        let store = try CheckpointStore(path: dir.appendingPathComponent("j.db").path)
        let before = (try store.usageTotals()["expand"]?.requests, try store.attemptCounts(), try store.stageResults(stage: .expand))
        // The same file compressed, as providers hand them out: read as it is inflated, all already in.
        try Data(GzipCompressor.compress(Array(output.utf8))).write(to: dir.appendingPathComponent("results.jsonl.gz"))
        let second = try janus(["batch", "import", "--db", "j.db", "--json", "results.jsonl.gz"], dir, expect: 3)
        #expect(try JSONParser.parse(second.stdout)["total"]?["already_imported"]?.intValue == lines)
        #expect(try JSONParser.parse(second.stdout)["total"]?["unreadable"]?.intValue == 1)
        #expect(try JSONParser.parse(second.stdout)["total"]?["answers"]?.intValue == 0)
        let after = (try store.usageTotals()["expand"]?.requests, try store.attemptCounts(), try store.stageResults(stage: .expand))
        #expect(before.0 == after.0 && before.1 == after.1 && before.2 == after.2)

        // The refused answer is re-asked: the next prepare holds one request, not the first one.
        let next = try janus(["batch", "prepare", "--db", "j.db", "--stage", "expand", "--out", "again", "--json"] + llm(server), dir)
        #expect(try JSONParser.parse(next.stdout)["requests"]?.intValue == 1)
        let reask = try String(contentsOf: dir.appendingPathComponent("again/expand-00000.jsonl"), encoding: .utf8)
        #expect(!reask.contains(invalid))
        #expect(reask.contains("\"role\":\"assistant\""))
        #expect(try await server.requestCount() == 0)
    }
}
