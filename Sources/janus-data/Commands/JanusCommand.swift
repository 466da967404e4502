import ArgumentParser
import Foundation
import JanusCore
import JanusLLM
import JanusStore

/// A subcommand that resolves the configuration, runs, and maps failures to exit codes (the
/// policy is `CommandExit`): one line on stderr for an error, usage errors as ArgumentParser's.
protocol JanusCommand: AsyncParsableCommand {
    func execute() async throws -> Int32
}

extension JanusCommand {
    mutating func run() async throws {
        let code: Int32
        do {
            code = try await execute()
        } catch let exit as ExitCode {
            throw exit
        } catch let validation as ValidationError {
            throw validation
        } catch {
            let status = CommandExit(error: error)
            if status == .usage { throw ValidationError(describe(error)) }
            Console.error(describe(error))
            throw ExitCode(status.rawValue)
        }
        if code != 0 { throw ExitCode(code) }
    }
}

func describe(_ error: any Error) -> String {
    if let usage = error as? UsageError { return usage.message }
    if let localized = error as? any LocalizedError, let text = localized.errorDescription { return text }
    return "\(error)"
}

/// Runs the given stages with a progress display and prints the run summary; returns the exit
/// status. SIGINT or SIGTERM stops sending and waits a few seconds for the requests in flight
/// (a second signal stops at once), then says what was stored; the exit code is then 130.
func runStages(_ workspace: Workspace, stages: Set<Stage>, json: Bool) async throws -> CommandExit {
    try await runShowingProgress(workspace, stages: Stage.allCases, json: json) { client, stats in
        try await workspace.generate(stages: stages, client: client, stats: stats)
    }
}

/// Runs `body` with the workspace's client, a progress display of `stages` and the interrupt
/// handling of `runStages`; prints the summary and returns the exit status (0, 1, 3 or 130).
func runShowingProgress(
    _ workspace: Workspace, stages: [Stage], json: Bool, _ body: (any ChatClient, RunStats) async throws -> Void
) async throws -> CommandExit {
    let client = try workspace.makeClient()
    let stats = RunStats()
    let progress = ProgressReporter(stats: stats, stages: stages)
    let grace = 5.0
    let interrupts = InterruptHandler(stats: stats, grace: grace) {
        progress.say("stopping: no new requests; waiting up to \(Int(grace)) s for the \(stats.inFlight) in flight (press Ctrl-C again to stop at once)")
    } force: {
        // The answers that arrived in the last few milliseconds, still waiting for their commit.
        workspace.store.flush()
        progress.stop()
        Console.info(RunSummary(stats: stats, stages: stages).interruptedMessage(abandoned: stats.inFlight))
        _exit(130)
    }
    interrupts.install()
    defer {
        interrupts.remove()
        progress.stop()
    }
    let live = workspace.config.generation.releaseBatched ? 0 : try workspace.store.liveBatchKeys().count
    if live > 0 {
        Console.info("\(live) requests sit in live provider batches and are not sent here (`janus-data batch collect` imports them; --release sends them anyway)")
    }
    progress.start()
    try await body(client, stats)
    interrupts.remove()
    progress.stop()
    let summary = RunSummary(stats: stats, stages: stages)
    let status = CommandExit(run: stats)
    if status == .interrupted {
        if json { Console.out(summary.json.serialized()) }
        Console.info(summary.interruptedMessage(abandoned: 0))
        return status
    }
    Console.info(summary.table)
    if json { Console.out(summary.json.serialized()) }
    if let reason = stats.stopReason {
        if status == .error {
            Console.error("stopped sending: \(reason)")
        } else {
            Console.info("stopped: \(reason); run again with a higher --max-cost to continue")
        }
    }
    return status
}
