import Foundation
import Testing

/// The temporary directories made in one test's scope (TestPaths.temporaryDirectory), removed
/// when that test ends, pass or fail.
final class TemporaryDirectories: @unchecked Sendable {
    @TaskLocal static var current: TemporaryDirectories?

    private let lock = NSLock()
    private var made: [URL] = []

    func add(_ url: URL) {
        lock.withLock { made.append(url) }
    }

    func removeAll() {
        for url in lock.withLock({ made }) {
            try? FileManager.default.removeItem(at: url)
        }
    }
}

/// A suite or test trait: each test's temporary directories are removed when it ends.
struct RemovesTemporaryDirectories: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let directories = TemporaryDirectories()
        defer { directories.removeAll() }
        try await TemporaryDirectories.$current.withValue(directories) { try await function() }
    }
}

extension Trait where Self == RemovesTemporaryDirectories {
    /// Removes each test's temporary directories (TestPaths.temporaryDirectory) when it ends.
    static var removesTemporaryDirectories: Self { RemovesTemporaryDirectories() }
}
