import Foundation
@testable import JanusCore
@testable import JanusIngest
@testable import JanusSupport
import Testing

/// The fake Hub (`Tests/testserver/fake_hub.py`) on an ephemeral port of 127.0.0.1, serving
/// one folder as one dataset; stopped when this object goes away.
final class FakeHub {
    static let script = TestPaths.packageRoot.appendingPathComponent("Tests/testserver/fake_hub.py").path
    let port: Int
    let log: URL
    private let process: Process
    private let input = Pipe()

    init(root: URL, repo: String, commit: String, flags: [String] = []) throws {
        log = root.deletingLastPathComponent().appendingPathComponent("hub-\(UUID().uuidString).log")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, "--root", root.path, "--repo", repo, "--commit", commit, "--port", "0",
                             "--log", log.path, "--exit-on-stdin-eof"] + flags
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        var bytes: [UInt8] = []
        while let chunk = try output.fileHandleForReading.read(upToCount: 1), let byte = chunk.first, byte != 10 { bytes.append(byte) }
        guard let port = Int(String(decoding: bytes, as: UTF8.self)) else {
            process.terminate()
            throw IngestError.cannotRead(path: Self.script, reason: "the fake Hub did not print a port")
        }
        self.port = port
    }

    deinit {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.waitUntilExit() }
    }

    func requests() -> [String] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func source(home: URL, token: String? = nil, offline: Bool = false) -> HubSource {
        var environment = ["HF_ENDPOINT": "http://127.0.0.1:\(port)", "HF_HOME": home.path, "HF_HUB_OFFLINE": offline ? "1" : "0"]
        environment["HF_TOKEN"] = token
        return HubSource(environment: environment)
    }
}

@Suite(.removesTemporaryDirectories) struct HubSourceTests {
    static let commit = "0123456789abcdef0123456789abcdef01234567"

    /// A dataset folder as the Hub holds Nectar: two Parquet shards under data/ and a card.
    func dataset() throws -> (root: URL, shards: [String: [UInt8]]) {
        let dir = try TestPaths.temporaryDirectory()
        let written = try ParquetFixtures.write(
            ParquetFixtures.records(count: 60).filter { $0.key == "nectar" },
            layouts: [ParquetFixtures.Layout(rowGroupSize: 25), ParquetFixtures.Layout(codec: "zstd")], in: dir)
        let root = dir.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        var shards: [String: [UInt8]] = [:]
        for (i, file) in (written["nectar"] ?? []).enumerated() {
            let name = "data/train-0000\(i)-of-00002.parquet"
            shards[name] = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file.path)))
            try Data(shards[name] ?? []).write(to: root.appendingPathComponent(name))
        }
        try Data("# Nectar\n".utf8).write(to: root.appendingPathComponent("README.md"))
        return (root, shards)
    }

    @Test func locationsNameOwnerRepositoryRevisionAndGlob() throws {
        let plain = try HubLocation("hf://berkeley-nest/Nectar")
        #expect((plain.owner, plain.name, plain.revision, plain.glob) == ("berkeley-nest", "Nectar", "main", "**.parquet"))
        #expect(plain.matches("data/train-00000-of-00001.parquet"))
        #expect(!plain.matches("README.md"))
        let full = try HubLocation("hf://lmsys/chatbot_arena_conversations@refs-convert.1/data/train-*.parquet")
        #expect((full.revision, full.glob) == ("refs-convert.1", "data/train-*.parquet"))
        #expect(full.matches("data/train-00000-of-00001.parquet"))
        #expect(!full.matches("data/sub/train-0.parquet"))
        #expect(!full.matches("data/test-00000.parquet"))
        for bad in ["hf://", "hf://nectar", "hf:///x", "hf://a/b@", "hf://../b", "hf://a/b c"] {
            #expect(throws: IngestError.self, "\(bad)") { try HubLocation(bad) }
        }
    }

    @Test func downloadsResumeAfterACutAndTheCacheServesOffline() throws {
        let (root, shards) = try dataset()
        let home = try TestPaths.temporaryDirectory()
        var hub: FakeHub? = try FakeHub(root: root, repo: "berkeley-nest/Nectar", commit: Self.commit, flags: ["--cut-first", "--token", "secret"])
        let online = try #require(hub).source(home: home, token: "secret")
        let location = try HubLocation("hf://berkeley-nest/Nectar")
        let resolved = try online.resolve(location)
        #expect(resolved.commit == Self.commit)
        #expect(resolved.files.map { ($0 as NSString).lastPathComponent } == ["train-00000-of-00002.parquet", "train-00001-of-00002.parquet"])
        for file in resolved.files {
            #expect(file.contains("/hub/datasets--berkeley-nest--Nectar/snapshots/\(Self.commit)/data/"))
            let name = "data/" + (file as NSString).lastPathComponent
            #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: file))) == shards[name])
        }
        let requests = try #require(hub).requests()
        // Each shard's first transfer was cut half way; the next asked for the rest.
        for name in shards.keys {
            let half = (shards[name]?.count ?? 0) / 2
            #expect(requests.contains { $0.hasPrefix("GET /cdn/\(name) bytes=\(half)-") }, "\(requests)")
        }
        #expect(requests.first?.hasSuffix("Bearer secret") == true)
        let ref = home.appendingPathComponent("hub/datasets--berkeley-nest--Nectar/refs/main")
        #expect(try String(contentsOf: ref, encoding: .utf8) == Self.commit)

        // Ingest reads the shards as one source; what it stores names the commit.
        var ingestor = Ingestor(settings: IngestSettings(), seed: 3)
        ingestor.hub = online
        let store = try memoryStore()
        let summary = try ingestor.run(sources: [SourceSpec(preset: "nectar", path: "hf://berkeley-nest/Nectar")], store: store, runID: 1)
        let (local, localStored) = try IngestFixtureTests.ingest(resolved.files.map { SourceSpec(preset: "nectar", path: $0) })
        #expect(summary.json == local.json)
        let stored = try store.instructions()
        #expect(stored.map(\.text) == localStored.map(\.text))
        #expect(!stored.isEmpty && stored.allSatisfy { $0.sourceFile.contains("/snapshots/\(Self.commit)/") })

        hub = nil  // the Hub is gone: offline, the cache alone serves the same files
        let offline = HubSource(environment: ["HF_HOME": home.path, "HF_HUB_OFFLINE": "1", "HF_ENDPOINT": "http://127.0.0.1:9"])
        #expect(try offline.resolve(location).files == resolved.files)
        #expect(try offline.resolve(HubLocation("hf://berkeley-nest/Nectar@\(Self.commit)/data/train-00001*")).files == [resolved.files[1]])
        let missing = #expect(throws: IngestError.self) { try offline.resolve(HubLocation("hf://berkeley-nest/Other")) }
        #expect(missing?.localizedDescription.contains("HF_HUB_OFFLINE") == true)
    }

    @Test func aFileWhoseHashDiffersIsRejectedAndNotCached() throws {
        let (root, _) = try dataset()
        let home = try TestPaths.temporaryDirectory()
        let hub = try FakeHub(root: root, repo: "o/n", commit: Self.commit, flags: ["--wrong-sha", "data/train-00001-of-00002.parquet"])
        let error = #expect(throws: IngestError.self) { try hub.source(home: home).resolve(HubLocation("hf://o/n")) }
        #expect(error?.localizedDescription.contains("`data/train-00001-of-00002.parquet`: sha256") == true, "\(String(describing: error))")
        let blobs = home.appendingPathComponent("hub/datasets--o--n/blobs")
        let cached = try FileManager.default.contentsOfDirectory(atPath: blobs.path)
        #expect(cached.count == 1)  // the good shard only; no partial file left behind
        #expect(!cached.contains { $0.hasSuffix(".incomplete") })
    }

    @Test func aGatedDatasetWithoutATokenSaysToSetOne() throws {
        let (root, _) = try dataset()
        let hub = try FakeHub(root: root, repo: "o/n", commit: Self.commit, flags: ["--token", "secret"])
        let home = try TestPaths.temporaryDirectory()
        let error = #expect(throws: IngestError.self) { try hub.source(home: home).resolve(HubLocation("hf://o/n")) }
        #expect(error?.localizedDescription.contains("HF_TOKEN") == true)
        let wrong = #expect(throws: IngestError.self) { try hub.source(home: home).resolve(HubLocation("hf://o/n@v2")) }
        #expect(wrong?.localizedDescription.contains("HTTP 401") == true || wrong?.localizedDescription.contains("HF_TOKEN") == true)
        #expect(try hub.source(home: home, token: "secret").resolve(HubLocation("hf://o/n")).files.count == 2)
    }

    @Test(.tags(.endToEnd)) func theCommandIngestsFromTheHubAndTheManifestNamesTheCommit() throws {
        let (root, _) = try dataset()
        let hub = try FakeHub(root: root, repo: "berkeley-nest/Nectar", commit: Self.commit)
        let dir = try TestPaths.temporaryDirectory()
        let environment = ["HF_ENDPOINT": "http://127.0.0.1:\(hub.port)", "HF_HOME": dir.appendingPathComponent("hf").path, "HF_HUB_OFFLINE": "0"]
        let ingest = try runJanus(["ingest", "--db", "j.db", "--source", "nectar=hf://berkeley-nest/Nectar"], in: dir, environment: environment)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let build = try runJanus(["build", "--db", "j.db", "--provider", "offline", "--out", "out", "--format", "sft"], in: dir, environment: environment)
        #expect(build.status == 0, "\(build.stderr)")
        let manifest = try JSONParser.parse(String(contentsOf: dir.appendingPathComponent("out/sft/manifest.json"), encoding: .utf8))
        #expect(manifest["hub_revisions"]?["berkeley-nest/Nectar"] == .array([.string(Self.commit)]))
        #expect((manifest["total_records"]?.intValue ?? 0) > 0)
    }
}
