import Foundation
@testable import JanusCore
@testable import JanusStore
import Testing

extension Tag {
    @Tag static var endToEnd: Self
}

/// Paths the tests use.
enum TestPaths {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sample = packageRoot.appendingPathComponent("sample")

    /// The Python of the test environment `make setup-test` creates (`.venv/`, with
    /// Tests/python/requirements.txt installed).
    static let python = packageRoot.appendingPathComponent(".venv/bin/python")

    /// Whether that environment exists; tests that load exports with `datasets` need it.
    static var hasPythonEnvironment: Bool {
        FileManager.default.isExecutableFile(atPath: python.path)
    }

    /// The janus-data binary next to the test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("janus-data")
    }

    /// A new empty directory, removed when the test ends (its suite is marked
    /// `.removesTemporaryDirectories`; a test outside such a suite is an issue).
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("janus-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        guard let directories = TemporaryDirectories.current else {
            Issue.record("\(url.path) would outlive the test: mark its suite .removesTemporaryDirectories")
            return url
        }
        directories.add(url)
        return url
    }
}

/// The result of running the built binary.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the built janus-data binary with `arguments` in `directory`.
func runJanus(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> CommandResult {
    let binary = TestPaths.binary
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        Issue.record("janus-data is not built at \(binary.path); run `swift build` first")
        return CommandResult(status: -1, stdout: "", stderr: "")
    }
    return try runProgram(binary.path, arguments, in: directory, environment: environment)
}

/// Runs any program and collects its output and exit status. Its stderr goes to a temporary
/// file, read after it exits, so this thread reads both streams itself: no buffer is handed
/// between threads (ThreadSanitizer cannot see a hand-over ordered only by reference counts).
func runProgram(_ path: String, _ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let errURL = FileManager.default.temporaryDirectory
        .appendingPathComponent("janus-test-stderr-\(UUID().uuidString)")
    guard FileManager.default.createFile(atPath: errURL.path, contents: nil) else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: errURL.path])
    }
    defer { try? FileManager.default.removeItem(at: errURL) }
    let errFile = try FileHandle(forWritingTo: errURL)
    let out = Pipe()
    process.standardOutput = out
    process.standardError = errFile
    do {
        try process.run()
    } catch {
        try? errFile.close()
        throw error
    }
    try errFile.close()
    // stdout is read to its end before waiting, so a full pipe never blocks the child.
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let stderrData = try Data(contentsOf: errURL)
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
        stderr: String(decoding: stderrData, as: UTF8.self))
}

/// Runs a script of Tests/python/ with the test environment's Python.
func runPythonScript(_ name: String, _ arguments: [String], in directory: URL) throws -> CommandResult {
    let script = TestPaths.packageRoot.appendingPathComponent("Tests/python/\(name)").path
    return try runProgram(TestPaths.python.path, [script] + arguments, in: directory)
}

/// A scratch store in memory.
func memoryStore() throws -> CheckpointStore {
    try CheckpointStore(path: ":memory:")
}

/// How many answered attempts the attempt log holds per request key: rows of `attempts` with
/// HTTP 200, and the attempts kept in the answers' own rows (see `AnsweredAttempt`).
func answeredAttemptsPerKey(_ store: CheckpointStore) throws -> [String: Int] {
    var out: [String: Int] = [:]
    for row in try store.db.query("""
        SELECT request_key, COUNT(*) FROM (
            SELECT request_key FROM attempts WHERE http_status = 200
            UNION ALL SELECT key FROM request_cache WHERE http_status = 200)
        GROUP BY request_key
        """)
    {
        out[row.string(0) ?? ""] = row.int(1) ?? 0
    }
    return out
}

/// Starts janus-data with `arguments` in `directory`, kills it (SIGKILL) after `delay` seconds
/// and waits for it. Returns how it ended.
func runJanusKilled(
    _ arguments: [String], in directory: URL, environment: [String: String] = [:], after delay: Double
) throws -> Process.TerminationReason {
    let process = Process()
    process.executableURL = TestPaths.binary
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    // A blocking sleep, not Task.sleep: while other tests hold the cooperative pool's threads
    // (2 on 2 cores) in blocking waits, a sleeping task can resume only after the child has
    // finished the whole run, and the kill misses (seen under AddressSanitizer).
    usleep(UInt32(delay * 1e6))
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    return process.terminationReason
}
