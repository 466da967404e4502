import Foundation
import Testing

/// What some tests need from the machine beyond the Swift toolchain. A test that lacks it is
/// skipped with the reason, rather than failing somewhere in the middle.
enum Requirements {
    /// `python3` on PATH: the loopback test server (Tests/testserver/chat_server.py) runs on it.
    static let hasPython3 = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/python3")
    }

    /// Root and `chattr`: an immutable directory is the read-only directory root cannot be given
    /// by permission bits (root ignores them), and only root may set the immutable flag.
    static let canMakeImmutable = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/chattr")
}

extension Trait where Self == ConditionTrait {
    /// Skips the test without python3 (the loopback test server).
    static var needsPython3: Self {
        .enabled(if: Requirements.hasPython3, "needs python3 on PATH for the loopback test server (Tests/testserver/chat_server.py)")
    }

    /// Skips the test without the Python environment holding Hugging Face `datasets`.
    static var needsDatasets: Self {
        .enabled(if: TestPaths.hasPythonEnvironment, "needs .venv/ with Hugging Face datasets: run `make setup-test`")
    }

    /// Skips the test unless it runs as root with chattr.
    static var needsRootAndChattr: Self {
        .enabled(if: Requirements.canMakeImmutable, "needs root and /usr/bin/chattr to make a directory immutable")
    }
}
