import ArgumentParser
import Foundation
import JanusCore
import JanusExport
import JanusSupport

struct InitCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Write janus.yaml with every setting and its default, commented.")

    @Option(help: "The folder to write janus.yaml in.")
    var dir: String = "."

    @Flag(help: "Replace an existing janus.yaml.")
    var force = false

    func execute() async throws -> Int32 {
        let path = (dir as NSString).appendingPathComponent("janus.yaml")
        if FileManager.default.fileExists(atPath: path), !force {
            throw ConfigError(file: path, message: "already exists (use --force to replace it)")
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileOutput.writeSynced(Data(DefaultConfig.text.utf8), to: URL(fileURLWithPath: path))
        Console.info("wrote \(path)")
        return 0
    }
}
