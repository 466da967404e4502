import JanusStore

/// The exit codes of janus-data, and the policy that picks one.
public enum CommandExit: Int32, Sendable, CaseIterable {
    /// Everything asked for was done.
    case done = 0
    /// The command could not do what was asked (one line on stderr says why), or a run stopped
    /// because no request could succeed (a rejected key, an unknown model).
    case error = 1
    /// A usage error: a flag or value is wrong, or the store cannot serve the command as asked.
    case usage = 2
    /// Finished, with some items failed or quarantined, or stopped at `--max-cost`.
    case problems = 3
    /// Stopped by SIGINT or SIGTERM; running the command again continues.
    case interrupted = 130

    /// How a generation run ended, from its counters.
    public init(run stats: RunStats) {
        if stats.interrupted {
            self = .interrupted
        } else if stats.stopReason != nil {
            self = stats.stoppedOnError ? .error : .problems
        } else {
            self = RunSummary(stats: stats).problems > 0 ? .problems : .done
        }
    }

    /// The status for an error a command stopped with: `usage` for a `UsageError`, else `error`.
    public init(error: any Error) {
        self = error is UsageError ? .usage : .error
    }
}
