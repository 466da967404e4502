import ArgumentParser
import Foundation
import JanusCore

struct ReportCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML page with the collection's figures, laid out as the paper's (Tables 5 and 7, Figure 4).",
        discussion: """
            Instructions per source, subdimensions and preference keywords per dimension, the ROUGE-L distribution \
            between preference descriptions with the paper's mean marked, lengths of system messages and responses, \
            tokens and cost per stage, and failure reasons. Inline SVG: it opens offline, without scripts.
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Option(help: "The HTML file to write.") var out = "report.html"

    func execute() async throws -> Int32 {
        let (workspace, read) = try Workspace.reading(try llm.resolve(global))
        let report = try CollectionReport.compute(workspace, read: read)
        let total = report.stats.instructions * workspace.config.generation.variants
        if let note = read.note(complete: report.stats.completeVariants, of: total, then: "the report covers those") {
            Console.info(note)
        }
        let url = URL(fileURLWithPath: out)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandError("cannot write \(out): the directory \(directory) does not exist")
        }
        guard FileManager.default.createFile(atPath: url.path, contents: Data(report.html.utf8)) else {
            throw CommandError("cannot write \(out): \(String(cString: strerror(errno)))")
        }
        Console.out(url.standardizedFileURL.path)
        return 0
    }
}
