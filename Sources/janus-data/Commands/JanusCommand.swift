import ArgumentParser
import Foundation
import JanusCore

/// A subcommand that resolves the configuration, runs, and maps failures to exit codes:
/// 1 for an error (one line on stderr), 3 for a run that finished with items failed or
/// quarantined, or stopped at --max-cost.
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
            Console.error(describe(error))
            throw ExitCode(1)
        }
        if code != 0 { throw ExitCode(code) }
    }
}

func describe(_ error: any Error) -> String {
    if let localized = error as? any LocalizedError, let text = localized.errorDescription { return text }
    return "\(error)"
}

/// Runs the given stages with a progress display and prints the run summary; returns the exit
/// code. SIGINT or SIGTERM stops sending and waits a few seconds for the requests in flight
/// (a second signal stops at once), then says what was stored; the exit code is then 130.
func runStages(_ workspace: Workspace, stages: Set<Stage>, json: Bool) async throws -> Int32 {
    let client = try workspace.makeClient()
    let stats = RunStats()
    let progress = ProgressReporter(stats: stats)
    let grace = 5.0
    let interrupts = InterruptHandler(stats: stats, grace: grace) {
        progress.say("stopping: no new requests; waiting up to \(Int(grace)) s for the \(stats.inFlight) in flight (press Ctrl-C again to stop at once)")
    } force: {
        progress.stop()
        Console.info(RunSummary(stats: stats).interruptedMessage(abandoned: stats.inFlight))
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
    try await workspace.generate(stages: stages, client: client, stats: stats)
    interrupts.remove()
    progress.stop()
    let summary = RunSummary(stats: stats)
    if stats.interrupted {
        if json { Console.out(summary.json.serialized()) }
        Console.info(summary.interruptedMessage(abandoned: 0))
        return 130
    }
    Console.info(summary.table)
    if json { Console.out(summary.json.serialized()) }
    if let reason = stats.stopReason {
        if stats.stoppedOnError {
            Console.error("stopped sending: \(reason)")
            return 1
        }
        Console.info("stopped: \(reason); run again with a higher --max-cost to continue")
        return 3
    }
    return summary.problems > 0 ? 3 : 0
}
