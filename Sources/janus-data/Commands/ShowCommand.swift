import ArgumentParser
import Foundation
import JanusCore
import JanusStore
import JanusSupport

struct ShowCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show instructions whole: source, preference sets, system messages, responses and every stage's attempts.",
        discussion: """
            Give an instruction id (or the start of one), --random N or --match TEXT. The store is read with the \
            settings of its most recent run, like status.
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Argument(help: "An instruction id, or its first characters.") var id: String?
    @Option(help: "Show N instructions drawn at random.") var random: Int?
    @Option(help: "Show the instructions whose text holds TEXT (letters in any case).") var match: String?
    @Option(help: "With --match: show at most this many.") var limit = 10
    @Flag(help: "Print as JSON on stdout.") var json = false

    func validate() throws {
        let given = [id != nil, random != nil, match != nil].filter { $0 }.count
        guard given == 1 else { throw ValidationError("give one of: an instruction ID, --random N, --match TEXT") }
        if let random, random < 1 { throw ValidationError("--random must be at least 1") }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func execute() async throws -> Int32 {
        let (workspace, read) = try Workspace.reading(try llm.resolve(global))
        if let sentence = read.sentence { Console.info("\(sentence): showing the items as those settings see them") }
        let store = workspace.store
        var found: [StoredInstruction]
        if let id {
            found = try store.instructions(idPrefix: id, limit: 2)
            guard !found.isEmpty else { throw CommandError("no instruction in \(workspace.config.db) has an id starting with \"\(id)\"") }
            guard found.count == 1 else {
                throw CommandError("\"\(id)\" starts more than one instruction id (\(found.map(\.id).joined(separator: ", ")), ...); give more of it")
            }
        } else if let match {
            let result = try store.instructions(matching: match, limit: limit)
            guard result.total > 0 else { throw CommandError("no instruction in \(workspace.config.db) holds \"\(match)\"") }
            if result.total > result.found.count {
                Console.info("\(result.total) instructions hold \"\(match)\"; showing the first \(result.found.count) (--limit)")
            }
            found = result.found
        } else {
            let positions = try store.instructionPositions()
            guard !positions.isEmpty else { throw CommandError("the store \(workspace.config.db) holds no instructions") }
            // Not seeded: --seed is the pipeline's seed, and changing it would change what is read.
            var rng = SeededGenerator(seed: UInt64.random(in: 0...UInt64.max))
            let chosen = rng.distinctIndices(min(random ?? 1, positions.count), below: positions.count).sorted()
            found = try store.instructions(atPositions: chosen.map { positions[$0] })
        }
        let inspector = ItemInspector(workspace: workspace)
        let views = try found.map { try inspector.inspect($0) }
        if json {
            Console.out(JSONValue.object([("items", .array(views.map(\.json)))]).serialized())
        } else {
            var out = TerminalText()
            for view in views { ItemText.render(view, variants: workspace.config.generation.variants, into: &out) }
            FileHandle.standardOutput.write(Data(out.text.utf8))
        }
        return 0
    }
}

struct CommandError: Error, LocalizedError {
    var message: String
    init(_ message: String) { self.message = message }
    var errorDescription: String? { message }
}

/// The text form of one item.
enum ItemText {
    static func render(_ view: ItemView, variants: Int, into out: inout TerminalText) {
        let i = view.instruction
        out.heading("instruction at position \(i.position)")
        out.field("id", i.id)
        out.field("source", "\(i.mainSource), original source \(i.originalSource.isEmpty ? "-" : i.originalSource)")
        var from = "\(i.sourceFile):\(i.sourceLine) (source \(i.sourceName))"
        if let origin = view.origin { from += ", ingest run \(origin.runID)" + (origin.startedAt.map { " started \($0)" } ?? "") }
        out.field("from", from)
        out.label("instruction")
        out.block(i.text)
        for variant in view.variants {
            out.line()
            out.heading("variant \(variant.index) of \(variants)", level: 2)
            if let set = variant.seedSet, let index = variant.seedSetIndex {
                out.label("seed preference set (seed set #\(index), shown as the example)")
                out.block(set.listing)
            }
            out.label("preference set")
            out.block(variant.preferenceSet?.listing ?? "(none yet)")
            out.label("example system messages (seed messages \(variant.exampleIndices.map { "#\($0)" }.joined(separator: ", ")))")
            for (n, example) in variant.examples.enumerated() {
                out.block("\(n + 1). " + example, limit: 300)
            }
            out.label("system message")
            out.block(variant.systemMessage ?? "(none yet)")
            out.label("response")
            out.block(variant.response ?? "(none yet)")
            out.label("stages")
            for stage in variant.stages { renderStage(stage, into: &out) }
        }
        out.line()
    }

    static func renderStage(_ stage: StageView, into out: inout TerminalText) {
        var head = stage.stage.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + " "
        let state: String
        switch stage.state {
        case .done: state = out.styled("done", .green) + (stage.runID.map { " (run \($0))" } ?? "")
        case .pending: state = out.styled("pending", .yellow) + (stage.olderResult ? " (a result made with other settings is stored)" : "")
        case .failed: state = out.styled("failed", .red)
        case .quarantined: state = out.styled("quarantined", .red)
        case .waiting: state = out.styled("waiting", .dim) + " for the previous stage"
        }
        head += state
        out.line("    " + head)
        if let reason = stage.reason { out.field("reason", reason, indent: 6) }
        for request in stage.requests {
            var line = "request \(request.number): \(request.verdict.rawValue)"
            if let answer = request.answer {
                line += ", \(answer.usage.promptTokens) prompt + \(answer.usage.completionTokens) completion tokens"
                if answer.usage.estimated { line += " (estimated)" }
                if answer.cost > 0 { line += String(format: ", $%.5f", answer.cost) }
            }
            out.item(line, indent: 6)
            if let reason = request.reason, request.verdict == .refused { out.field("refused because", reason, indent: 8) }
            if request.verdict == .refused, let answer = request.answer { out.field("answer", Self.preview(answer.content), indent: 8) }
            for t in request.tries {
                var attempt = "attempt \(t.attempt): \(t.httpStatus.map { "HTTP \($0) " } ?? "")\(t.outcome), "
                attempt += String(format: "%.2f s", t.latency)
                if let endpoint = t.endpoint { attempt += " at \(endpoint)" }
                if let p = t.promptTokens, let c = t.completionTokens { attempt += ", \(p)+\(c) tokens" }
                if !t.detail.isEmpty { attempt += " — \(t.detail)" }
                out.item(attempt, indent: 8)
            }
        }
        if stage.state == .quarantined, let raw = stage.raw, stage.requests.isEmpty { out.field("answer", preview(raw), indent: 6) }
    }

    /// The start of a long answer, on one line.
    static func preview(_ text: String, length: Int = 200) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ⏎ ")
        return flat.count > length ? String(flat.prefix(length)) + "…" : flat
    }
}
