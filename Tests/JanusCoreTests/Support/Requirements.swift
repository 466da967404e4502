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

    /// The release build of janus-data (`make release`; `make test` builds it first).
    static let releaseBinary = TestPaths.packageRoot.appendingPathComponent(".build/release/janus-data")

    /// A command prefix that runs a program with `folders` hidden, each under an empty file
    /// system, in a mount namespace of its own (as a mapped root user, so no real root is needed
    /// where user namespaces are allowed). Other processes still see the folders.
    static func hiding(_ folders: [URL]) -> [String] {
        let script = #"n=$1; shift; while [ "$n" -gt 0 ]; do mount -t tmpfs none "$1" || exit 1; shift; n=$((n-1)); done; exec "$@""#
        return ["/usr/bin/unshare", "--mount", "--map-root-user", "--propagation", "private", "/bin/sh", "-c", script, "sh", String(folders.count)]
            + folders.map(\.path)
    }

    /// Whether `hiding` works on this machine.
    static let canHideFolders: Bool = {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return false }
        let line = hiding([TestPaths.sample]) + ["/bin/true"]
        return (try? runProgram(line[0], Array(line.dropFirst()), in: TestPaths.packageRoot))?.status == 0
    }()

    /// The folder this process loaded the Swift runtime from (the toolchain's), if it can tell.
    static let swiftRuntimeFolder: URL? = {
        // Read to the end: /proc files report a size of 0.
        guard let maps = FileHandle(forReadingAtPath: "/proc/self/maps").map({ String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) }),
            let line = maps.split(separator: "\n").first(where: { $0.hasSuffix("/libswiftCore.so") }),
            let slash = line.firstIndex(of: "/")
        else { return nil }
        return URL(fileURLWithPath: String(line[slash...])).deletingLastPathComponent()
    }()
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

    /// Skips the test without the release binary.
    static var needsReleaseBuild: Self {
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: Requirements.releaseBinary.path),
            "needs the release build: `make test` makes it first (or `make release`)")
    }

    /// Skips the test unless it runs as root (mounting a tmpfs).
    static var needsRoot: Self {
        .enabled(if: getuid() == 0, "needs root to mount a small tmpfs")
    }

    /// Skips the test unless it runs as root with chattr.
    static var needsRootAndChattr: Self {
        .enabled(if: Requirements.canMakeImmutable, "needs root and /usr/bin/chattr to make a directory immutable")
    }
}
