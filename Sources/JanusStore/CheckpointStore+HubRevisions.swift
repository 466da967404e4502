import Foundation

extension CheckpointStore {
    /// The Hub datasets the stored instructions were read from, each with the commit(s) read:
    /// recovered from the files' cache paths (`.../datasets--owner--name/snapshots/<commit>/...`).
    public func hubRevisions() throws -> [(dataset: String, commits: [String])] {
        let files = try locked { try db.query("SELECT DISTINCT source_file FROM instructions").compactMap { $0.string(0) } }
        var found: [String: Set<String>] = [:]
        for file in files {
            let parts = file.split(separator: "/").map(String.init)
            guard let snapshots = parts.firstIndex(of: "snapshots"), snapshots > 0, snapshots + 1 < parts.count else { continue }
            let repo = parts[snapshots - 1]
            guard repo.hasPrefix("datasets--") else { continue }
            let names = repo.dropFirst("datasets--".count).components(separatedBy: "--")
            guard names.count == 2 else { continue }
            found[names.joined(separator: "/"), default: []].insert(parts[snapshots + 1])
        }
        return found.keys.sorted().map { ($0, (found[$0] ?? []).sorted()) }
    }
}
