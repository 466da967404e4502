import Foundation
import JanusSupport

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a store for the commands that write to it (ingest, the stages, build),
/// so two runs never send the same requests or interleave their writes. It is an `flock` on
/// `<store>.lock`, which the kernel releases when the process ends however it ends, so a killed
/// run never leaves a stale lock behind. The file names the holder for the error message.
public final class RunLock {
    private let fd: Int32
    public let path: String

    public init(storePath: String, command: String) throws {
        path = storePath + ".lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            let dir = (storePath as NSString).deletingLastPathComponent
            throw StoreError.cannotOpen(
                path: storePath, reason: "cannot create \(path) (\(reason)); is \(dir.isEmpty ? "the current directory" : dir) writable?")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmedWhitespace()
            close(fd)
            throw StoreBusyError(path: storePath, holder: holder.flatMap { $0.isEmpty ? nil : $0 } ?? "another janus-data process")
        }
        let started = ISO8601DateFormatter().string(from: Date())
        let note = "`janus-data \(command)` (pid \(getpid()) on \(ProcessInfo.processInfo.hostName), started \(started))\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
