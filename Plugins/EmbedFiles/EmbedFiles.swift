import Foundation
import PackagePlugin

/// Builds the files of the repository's `seeds/` and `prompts/` folders into the target that
/// uses this plugin (JanusCore) as Swift source, so the janus-data binary carries them inside
/// itself and needs no resource bundle beside it.
///
/// The plugin runs at every build: it lists both folders, writes the source (each file's bytes
/// as base64, so any content is kept exactly) to its work folder when that source changes, and
/// hands the build a copy step from there, which runs, and recompiles JanusCore, only when the
/// source changed. No tool is compiled for it, so build flags meant for the product (sanitizers,
/// `-sanitize=fuzzer` in `make fuzz`) never reach a generator.
@main struct EmbedFiles: BuildToolPlugin {
    static let folders = ["seeds", "prompts"]

    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let root = context.package.directoryURL
        var entries: [(key: String, file: URL)] = []
        for folder in Self.folders {
            let dir = root.appendingPathComponent(folder)
            let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".") }.sorted()
            entries += names.map { ("\(folder)/\($0)", dir.appendingPathComponent($0)) }
        }
        var source = "// Generated at build time by the EmbedFiles plugin from seeds/ and prompts/; do not edit.\n\n"
        source += "enum EmbeddedFiles {\n    /// \"<folder>/<name>\": the file's bytes in base64.\n"
        source += "    static let base64: [String: String] = [\n"
        for entry in entries {
            guard let data = FileManager.default.contents(atPath: entry.file.path) else {
                throw EmbedError(description: "\(entry.file.path): cannot read the file (a folder there is not embedded)")
            }
            source += "        \"\(entry.key)\":\n            \"\(data.base64EncodedString())\",\n"
        }
        source += entries.isEmpty ? "        :\n    ]\n}\n" : "    ]\n}\n"

        let staged = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedFiles.staged")
        if FileManager.default.contents(atPath: staged.path) != Data(source.utf8) {
            try Data(source.utf8).write(to: staged, options: .atomic)
        }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding the seeds and prompt templates in \(target.name)",
                executable: URL(fileURLWithPath: "/bin/cp"),
                arguments: [staged.path, output.path],
                inputFiles: [staged],
                outputFiles: [output])
        ]
    }
}

struct EmbedError: Error, CustomStringConvertible {
    var description: String
}
