import Foundation
@testable import JanusCore
@testable import JanusStore
@testable import JanusSupport
import Testing

/// A disk that fills during `build`: exit 1 with a message that says what to do, a store that
/// passes `PRAGMA integrity_check`, and a rerun with room that finishes the work.
@Suite(.tags(.endToEnd), .serialized, .removesTemporaryDirectories) struct FullDiskTests {
    let config = TestPaths.sample.appendingPathComponent("janus.yaml").path

    /// A file-size limit stands in for a full disk: writes past it fail with EFBIG. It is 1 MiB
    /// and not less because ThreadSanitizer's runtime, as the process starts, writes a 512 KiB
    /// file to the temporary directory and maps all of it: under a smaller limit the write comes
    /// up short and the sanitized binary dies of SIGBUS before `main` (RELIABILITY.md). The build
    /// writes about 5 MB, so it still meets the limit.
    @Test func fileSizeLimitIsAClearErrorAndTheStoreSurvives() throws {
        let dir = try TestPaths.temporaryDirectory()
        #expect(try runJanus(["ingest", "--db", "j.db", "--config", config], in: dir).status == 0)
        let script = "trap '' XFSZ; ulimit -f 1024; exec \"$0\" build --db j.db --provider offline --no-export"
        let full = try runProgram("/bin/bash", ["-c", script, TestPaths.binary.path], in: dir)
        try expectClearFailure(full, storeIn: dir)
        try expectRerunFinishes(in: dir)
    }

    /// A file system that is really full: the store on a 1 MiB tmpfs, so writes fail with ENOSPC,
    /// the -shm file's included. Mounting needs root, as the read-only directory test does.
    @Test(.needsRoot) func fullFileSystemIsAClearErrorAndTheStoreSurvives() throws {
        let dir = try TestPaths.temporaryDirectory()
        let mounted = try runProgram("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir.path], in: TestPaths.packageRoot)
        try #require(mounted.status == 0, "mount failed: \(mounted.stderr)")
        defer {
            _ = try? runProgram("/usr/bin/umount", [dir.path], in: TestPaths.packageRoot)
            try? FileManager.default.removeItem(at: dir)
        }
        #expect(try runJanus(["ingest", "--db", "j.db", "--config", config], in: dir).status == 0)
        let full = try runJanus(["build", "--db", "j.db", "--provider", "offline", "--no-export"], in: dir)
        try expectClearFailure(full, storeIn: dir)
        let grown = try runProgram("/usr/bin/mount", ["-o", "remount,size=64m", dir.path], in: TestPaths.packageRoot)
        try #require(grown.status == 0, "remount failed: \(grown.stderr)")
        try expectRerunFinishes(in: dir)
    }

    func expectClearFailure(_ full: CommandResult, storeIn dir: URL) throws {
        #expect(full.status == 1, "\(full.stderr)")
        #expect(full.stderr.contains("error: cannot write to the store"), "\(full.stderr)")
        #expect(full.stderr.contains("free some space and run again"))
        let store = try CheckpointStore(path: dir.appendingPathComponent("j.db").path)
        #expect(try store.integrityCheck() == "ok")
    }

    func expectRerunFinishes(in dir: URL) throws {
        let resumed = try runJanus(["build", "--db", "j.db", "--provider", "offline", "--no-export", "--json"], in: dir)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let summary = try JSONParser.parse(resumed.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(summary["stages"]?["respond"]?["done"]?.intValue == 549)
    }
}
