import ArgumentParser
import Foundation
import JanusCore
import JanusStore

struct FailuresCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "failures",
        abstract: "List the failed and quarantined items, grouped by reason, with the start of each refused answer.",
        discussion: "The items status counts as failed or quarantined, read with the settings of the store's most recent run.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Option(help: "Only this stage: expand, systems or respond.") var stage: String?
    @Option(help: "Only the reasons that hold this text (any case).") var reason: String?
    @Option(help: "Items listed per reason in the text output (all are in --json).") var limit = 5
    @Flag(help: "Print as JSON on stdout.") var json = false

    func validate() throws {
        if let stage, Stage(rawValue: stage) == nil { throw ValidationError("--stage must be expand, systems or respond, not \"\(stage)\"") }
        if limit < 0 { throw ValidationError("--limit must be at least 0") }
    }

    func execute() async throws -> Int32 {
        let (workspace, read) = try Workspace.reading(try llm.resolve(global))
        if let sentence = read.sentence { Console.info("\(sentence): listing what fails under those settings") }
        let report = try FailureReport.compute(workspace, stage: stage.flatMap(Stage.init(rawValue:)), reason: reason)
        if json {
            Console.out(report.json.serialized())
            return 0
        }
        var out = TerminalText()
        let total = report.failed + report.quarantined
        var scope = [stage.map { "at \($0)" }, reason.map { "with a reason holding \"\($0)\"" }].compactMap { $0 }.joined(separator: " ")
        if !scope.isEmpty { scope = " " + scope }
        guard total > 0 else {
            out.line("no failed or quarantined items\(scope)")
            FileHandle.standardOutput.write(Data(out.text.utf8))
            return 0
        }
        out.line("\(report.failed) failed and \(report.quarantined) quarantined items\(scope), in \(report.groups.count) reason(s)")
        for group in report.groups {
            out.line()
            out.heading("\(group.items.count) × \(group.reason)", level: 2)
            for item in group.items.prefix(limit) {
                let kind = item.failure.kind == .quarantined ? out.styled("quarantined", .yellow) : out.styled("failed", .red)
                out.item("\(item.instruction.id.prefix(12)) variant \(item.variant), \(item.stage.rawValue): \(kind) after \(item.failure.attempts) attempt(s)", indent: 2)
                if group.reason != item.failure.reason { out.field("reason", item.failure.reason, indent: 6) }
                out.field("instruction", ItemText.preview(item.instruction.text, length: 120), indent: 6)
                if !item.failure.raw.isEmpty { out.field("answer", ItemText.preview(item.failure.raw), indent: 6) }
            }
            if group.items.count > limit { out.line("  … and \(group.items.count - limit) more (--limit, or --json for all)") }
        }
        out.line()
        if let advice = report.retryAdvice { out.item(advice, indent: 0) }
        out.item("to see one item whole: janus-data show ID (its first characters are enough, as above)", indent: 0)
        FileHandle.standardOutput.write(Data(out.text.utf8))
        return 0
    }
}
