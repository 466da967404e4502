import Foundation
@testable import JanusCore
@testable import JanusExport
import Testing

/// The promise the tool makes: kill it at any moment, start it again, and the result is the one
/// an uninterrupted run gives, with nothing paid for twice but what was in flight at the kill.
@Suite(.tags(.endToEnd), .serialized, .removesTemporaryDirectories, .needsPython3) struct ResumeAfterKillTests {
    static let concurrency = 8

    func buildArguments(_ server: TestChatServer, db: String, out: String) -> [String] {
        [
            "build", "--db", db, "--out", out, "--provider", "openai", "--base-url", server.baseURL, "--model", "test-model",
            "--api-key-env", ClientFixture.keyEnv, "--concurrency", "\(Self.concurrency)", "--seed", "5",
            "--source", "dsp=\(TestPaths.sample.path)/dsp.csv", "--source", "arena=\(TestPaths.sample.path)/arena.json",
        ]
    }

    func exportedFiles(_ out: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for format in ExportFormat.allCases {
            let dir = out.appendingPathComponent(format.rawValue)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
                files["\(format.rawValue)/\(name)"] = try Data(contentsOf: dir.appendingPathComponent(name))
            }
        }
        return files
    }

    @Test func killedBuildResumesToTheSameExports() async throws {
        let server = try await TestChatServer.start(["--content", "janus", "--latency", "0.03"])
        let dir = try TestPaths.temporaryDirectory()
        let env = ClientFixture.environment

        let clean = try runJanus(buildArguments(server, db: "clean.db", out: "clean"), in: dir, environment: env)
        #expect(clean.status == 0, "\(clean.stderr)")
        let needed = try await server.stats()["requests"]?.intValue ?? 0
        #expect(needed > 300)
        _ = try await server.control(#"{"reset": true}"#)

        // The same run, killed at a random moment, then started again.
        var rng = SystemRandomNumberGenerator()
        let delay = Double.random(in: 0.3...1.5, using: &rng)
        let ended = try runJanusKilled(
            buildArguments(server, db: "killed.db", out: "killed"), in: dir, environment: env, after: delay)
        #expect(ended == .uncaughtSignal, "exited before the kill at \(delay) s")
        let before = try await server.stats()["requests"]?.intValue ?? 0

        let resumed = try runJanus(buildArguments(server, db: "killed.db", out: "killed"), in: dir, environment: env)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let stats = try await server.stats()
        let total = stats["requests"]?.intValue ?? 0
        let again = stats["answered_again"]?.intValue ?? -1
        // Only what was in flight at the kill may be asked twice.
        #expect(again <= Self.concurrency, "killed after \(delay) s with \(before) requests sent; \(again) bodies answered twice")
        #expect(total - needed == again, "sent \(total) in all for \(needed) needed")
        #expect(try exportedFiles(dir.appendingPathComponent("killed")) == exportedFiles(dir.appendingPathComponent("clean")))
        // The API key is in no file the runs wrote: stores, their journals and locks, exports.
        let key = Data(ClientFixture.key.utf8)
        let written = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        #expect(written.count > 10)
        for file in written where !file.hasDirectoryPath {
            #expect(try Data(contentsOf: file).range(of: key) == nil, "\(file.lastPathComponent) holds the API key")
        }
    }
}
