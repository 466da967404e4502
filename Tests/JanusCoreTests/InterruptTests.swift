import Foundation
@testable import JanusCore
@testable import JanusSupport
import Testing

/// Ctrl-C during a build: sending stops, the requests in flight land and are stored, the tool
/// says what it stored and that a rerun continues, and exits 130; the rerun finishes the job
/// with nothing asked twice.
@Suite(.tags(.endToEnd), .serialized, .removesTemporaryDirectories) struct InterruptTests {
    func buildArguments(_ server: TestChatServer, db: String, out: String) -> [String] {
        [
            "build", "--db", db, "--out", out, "--provider", "openai", "--base-url", server.baseURL, "--model", "test-model",
            "--api-key-env", ClientFixture.keyEnv, "--concurrency", "8", "--source", "dsp=\(TestPaths.sample.path)/dsp.csv",
        ]
    }

    @Test func interruptedBuildSaysWhatItStoredAndTheRerunCompletes() async throws {
        // Latency long enough that the build is still sending when a quarter of it is done, even on a loaded machine.
        let server = try await TestChatServer.start(["--content", "janus", "--latency", "0.5"])
        let dir = try TestPaths.temporaryDirectory()
        let env = ClientFixture.environment
        let started = Date()
        let clean = try runJanus(buildArguments(server, db: "clean.db", out: "clean"), in: dir, environment: env)
        #expect(clean.status == 0, "\(clean.stderr)")
        let cleanSeconds = Date().timeIntervalSince(started)
        let needed = try await server.requestCount()
        _ = try await server.control(#"{"reset": true}"#)

        let process = Process()
        process.executableURL = TestPaths.binary
        process.arguments = buildArguments(server, db: "cut.db", out: "cut")
        process.currentDirectoryURL = dir
        process.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let collected = Locked(Data())
        let reader = Task.detached { collected.withLock { $0 = errors.fileHandleForReading.readDataToEndOfFile() } }
        // Interrupt about a third of the way through, by the clean run's time. A blocking sleep, not
        // polling with Task.sleep: while other tests hold the cooperative pool's threads in
        // blocking waits (2 on 2 cores, slower still under a sanitizer), an awaited wake-up can
        // come after the build has ended.
        usleep(UInt32(min(60, max(1, cleanSeconds / 3)) * 1e6))
        #expect(process.isRunning, "the build ended before it could be interrupted")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        await reader.value
        let stderr = String(decoding: collected.withLock { $0 }, as: UTF8.self)
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 130, "\(stderr)")
        #expect(stderr.contains("stopping: no new requests; waiting up to 5 s for the "), "\(stderr)")
        #expect(stderr.contains("interrupted: "), "\(stderr)")
        #expect(stderr.contains("every request in flight landed and was stored. Run the same command again to continue where it stopped."), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("cut/sft").path), "an interrupted build exports nothing")
        let sentBefore = try await server.requestCount()
        #expect(sentBefore < needed)

        let resumed = try runJanus(buildArguments(server, db: "cut.db", out: "cut"), in: dir, environment: env)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let stats = try await server.stats()
        // Nothing was lost: every answer that arrived was kept, so nothing was asked twice.
        #expect(stats["answered_again"]?.intValue == 0)
        #expect(stats["requests"]?.intValue == needed)
        #expect(try ReadCommandTests.files(dir.appendingPathComponent("cut")) == (try ReadCommandTests.files(dir.appendingPathComponent("clean"))))
    }
}
