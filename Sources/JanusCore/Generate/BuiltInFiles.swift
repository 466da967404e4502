import Foundation

/// The seeds and prompt templates built into janus-data: the files of the repository's `seeds/`
/// and `prompts/` folders, compiled in as Swift source by the EmbedFiles build-tool plugin, so
/// one installed binary runs anywhere with no resource folder beside it.
public enum BuiltInFiles {
    /// The bytes of a built-in file, by "<folder>/<name>" ("seeds/taxonomy.json"), or nil.
    public static func data(_ path: String) -> Data? {
        EmbeddedFiles.base64[path].flatMap { Data(base64Encoded: $0) }
    }

    /// The text of a built-in file (UTF-8), or nil.
    public static func text(_ path: String) -> String? {
        data(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every built-in file, as "<folder>/<name>", sorted.
    public static var paths: [String] {
        EmbeddedFiles.base64.keys.sorted()
    }

    /// The bytes of `name` from `directory` when one is configured, else from the built-in
    /// `folder`; with the path or label to name it by in errors, and nil when it cannot be read.
    static func read(_ name: String, folder: String, directory: URL?) -> (source: String, data: Data?) {
        if let directory {
            let url = directory.appendingPathComponent(name)
            return (url.path, FileManager.default.contents(atPath: url.path))
        }
        let path = "\(folder)/\(name)"
        return ("built-in \(path)", data(path))
    }
}
