import Crypto
import Foundation
import JanusSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Fetches the Parquet files of a Hub dataset into the Hugging Face cache, the way
/// `huggingface_hub` lays it out (`$HF_HOME/hub/datasets--owner--name/{blobs,snapshots,refs}`),
/// so files fetched by either tool are shared. Downloads resume where a cut one stopped; each
/// file is checked against the sha256 the Hub reports before it enters the cache. With
/// `HF_HUB_OFFLINE=1` only the cache is read. `HF_TOKEN` is sent to the Hub when set;
/// `HF_ENDPOINT` names another Hub (a mirror, or a local one in tests).
public struct HubSource: Sendable {
    public var endpoint: String
    public var cache: URL
    public var token: String?
    public var offline: Bool
    /// Tries per file before a download that keeps being cut is given up.
    public var attempts = 6

    /// A resolved location: the commit read and the files in the local cache, in path order.
    public struct Resolved: Sendable {
        public var commit: String
        public var files: [String]
    }

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        var endpoint = environment["HF_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://huggingface.co"
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        self.endpoint = endpoint
        let home = environment["HOME"] ?? NSHomeDirectory()
        let hfHome = environment["HF_HOME"] ?? ((environment["XDG_CACHE_HOME"] ?? home + "/.cache") + "/huggingface")
        cache = URL(fileURLWithPath: environment["HF_HUB_CACHE"] ?? hfHome + "/hub")
        token = environment["HF_TOKEN"] ?? environment["HUGGING_FACE_HUB_TOKEN"]
        offline = ["1", "true", "yes", "on"].contains((environment["HF_HUB_OFFLINE"] ?? "").lowercased())
    }

    /// Replaces every `hf://` source by one source per file it resolves to (same preset).
    public func expand(_ sources: [SourceSpec]) throws -> [SourceSpec] {
        try sources.flatMap { spec -> [SourceSpec] in
            guard HubLocation.isHub(spec.path) else { return [spec] }
            return try resolve(HubLocation(spec.path)).files.map { SourceSpec(preset: spec.preset, path: $0) }
        }
    }

    public func resolve(_ location: HubLocation) throws -> Resolved {
        let repo = cache.appendingPathComponent("datasets--\(location.owner)--\(location.name)")
        return offline ? try cached(location, repo: repo) : try fetch(location, repo: repo)
    }

    private func fail(_ location: HubLocation, _ reason: String) -> IngestError {
        .cannotRead(path: "hf://\(location.repository)@\(location.revision)", reason: reason)
    }

    // MARK: offline

    private func cached(_ location: HubLocation, repo: URL) throws -> Resolved {
        let fm = FileManager.default
        var commit = location.revision
        if !(isCommit(commit) && fm.fileExists(atPath: repo.appendingPathComponent("snapshots/\(commit)").path)) {
            let ref = repo.appendingPathComponent("refs/\(location.revision)")
            guard let text = try? String(contentsOf: ref, encoding: .utf8) else {
                throw fail(location, "HF_HUB_OFFLINE is set and the revision is not in the cache (\(repo.path))")
            }
            commit = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let snapshot = repo.appendingPathComponent("snapshots/\(commit)")
        var files: [String] = []
        if let walker = fm.enumerator(atPath: snapshot.path) {
            for case let relative as String in walker where location.matches(relative) {
                var isDirectory: ObjCBool = false
                if fm.fileExists(atPath: snapshot.appendingPathComponent(relative).path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    files.append(relative)
                }
            }
        }
        guard !files.isEmpty else { throw fail(location, "HF_HUB_OFFLINE is set and the cache holds no file matching `\(location.glob)`") }
        return Resolved(commit: commit, files: files.sorted().map { snapshot.appendingPathComponent($0).path })
    }

    // MARK: online

    private struct RemoteFile {
        var path: String
        var size: Int?
        var sha256: String?
    }

    private func fetch(_ location: HubLocation, repo: URL) throws -> Resolved {
        let fetcher = HubFetcher(token: token, endpoint: endpoint)
        let api = "\(endpoint)/api/datasets/\(location.repository)/revision/\(location.revision)?blobs=true"
        let answer = try fetcher.get(api)
        switch answer.status {
        case 200: break
        case 401, 403:
            throw fail(location, "the Hub refused access (HTTP \(answer.status)); set HF_TOKEN for a gated or private dataset")
        case 404: throw fail(location, "no such dataset or revision on \(endpoint) (HTTP 404)")
        default: throw fail(location, "the Hub answered HTTP \(answer.status)")
        }
        let info: JSONValue
        do {
            info = try JSONParser.parse(String(decoding: answer.body, as: UTF8.self))
        } catch {
            throw fail(location, "the Hub's answer is not JSON")
        }
        guard let commit = info["sha"]?.stringValue, isCommit(commit) else { throw fail(location, "the Hub's answer names no commit") }
        let files = (info["siblings"]?.arrayValue ?? []).compactMap { sibling -> RemoteFile? in
            guard let path = sibling["rfilename"]?.stringValue, location.matches(path), safe(path) else { return nil }
            return RemoteFile(path: path, size: sibling["lfs"]?["size"]?.intValue ?? sibling["size"]?.intValue, sha256: sibling["lfs"]?["sha256"]?.stringValue)
        }.sorted { $0.path < $1.path }
        guard !files.isEmpty else { throw fail(location, "no file of commit \(commit) matches `\(location.glob)`") }
        let snapshot = repo.appendingPathComponent("snapshots/\(commit)")
        var local: [String] = []
        for file in files {
            guard let sha = file.sha256?.lowercased(), sha.count == 64, sha.allSatisfy(\.isHexDigit) else {
                throw fail(location, "`\(file.path)`: the Hub reports no sha256 (not an LFS file), so it cannot be checked")
            }
            let blob = repo.appendingPathComponent("blobs/\(sha)")
            if !FileManager.default.fileExists(atPath: blob.path) {
                let url = "\(endpoint)/datasets/\(location.repository)/resolve/\(commit)/\(file.path)"
                try download(url, to: blob, sha256: sha, size: file.size, fetcher: fetcher, location: location, name: file.path)
            }
            let link = snapshot.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: link.path)) == nil {
                let depth = file.path.split(separator: "/").count + 1
                let target = String(repeating: "../", count: depth) + "blobs/\(sha)"
                try? FileManager.default.removeItem(at: link)
                try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: target)
            }
            local.append(link.path)
        }
        if location.revision != commit {
            let ref = repo.appendingPathComponent("refs/\(location.revision)")
            try FileManager.default.createDirectory(at: ref.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(commit.utf8).write(to: ref, options: .atomic)
        }
        return Resolved(commit: commit, files: local)
    }

    /// Downloads into `<blob>.incomplete`, resuming from its size, then checks the sha256 and
    /// moves it into place. A file whose hash differs is deleted and is an error.
    private func download(
        _ url: String, to blob: URL, sha256: String, size: Int?, fetcher: HubFetcher, location: HubLocation, name: String
    ) throws {
        try FileManager.default.createDirectory(at: blob.deletingLastPathComponent(), withIntermediateDirectories: true)
        let partial = blob.path + ".incomplete"
        var lastError = ""
        for _ in 0..<attempts {
            let have = fileSize(partial)
            if let size, have == size { break }
            let fd = open(partial, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            guard fd >= 0 else { throw fail(location, "cannot write \(partial): \(String(cString: strerror(errno)))") }
            let result = try fetcher.download(url, to: fd, from: have)
            close(fd)
            if let error = result.error {
                lastError = error
                continue
            }
            if result.status == 416, have > 0 { break }  // nothing left to send: the file is whole
            guard result.status == 200 || result.status == 206 else {
                throw fail(location, "`\(name)`: download answered HTTP \(result.status)")
            }
            if size == nil || fileSize(partial) == size { break }
            lastError = "the download ended at \(fileSize(partial)) of \(size ?? 0) bytes"
        }
        if let size, fileSize(partial) != size {
            throw fail(location, "`\(name)`: download incomplete after \(attempts) tries (\(lastError)); rerun to resume")
        }
        let got = try Self.sha256(ofFile: partial)
        guard got == sha256 else {
            try? FileManager.default.removeItem(atPath: partial)
            throw fail(location, "`\(name)`: sha256 \(got) differs from the Hub's \(sha256); the download was deleted")
        }
        guard rename(partial, blob.path) == 0 else { throw fail(location, "cannot move \(partial) into the cache") }
    }

    private func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    static func sha256(ofFile path: String) throws -> String {
        let file = try FileByteSource(path: path)
        var hasher = SHA256()
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = try file.read(into: buffer, count: 1 << 20)
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer, count: n))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    private func isCommit(_ text: String) -> Bool {
        text.count == 40 && text.allSatisfy(\.isHexDigit)
    }

    /// A repository path that stays inside the snapshot folder.
    private func safe(_ path: String) -> Bool {
        !path.hasPrefix("/") && !path.split(separator: "/").contains { $0 == ".." || $0 == "." || $0.isEmpty }
    }
}
