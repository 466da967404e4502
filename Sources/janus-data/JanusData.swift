import ArgumentParser
import Foundation
import JanusCore

/// The root command: configuration only; the work is in the subcommands.
struct JanusData: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "janus-data",
        abstract: "Rebuild, extend and re-run the Multifaceted Collection preference dataset.",
        discussion: """
            Stages: ingest -> expand -> systems -> respond -> export. Every result is kept in one SQLite \
            checkpoint file (--db); stop at any moment and run again to continue where it stopped.
            Exit codes: 0 done, 1 error, 2 usage error, 3 finished with some items failed or quarantined, \
            130 stopped by SIGINT or SIGTERM (run again to continue).
            """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self, IngestCommand.self, ExpandCommand.self, SystemsCommand.self, RespondCommand.self,
            BuildCommand.self, PlanCommand.self, StatusCommand.self, ExportCommand.self, StatsCommand.self,
            ShowCommand.self, FailuresCommand.self, ReportCommand.self, BenchCommand.self,
            BatchCommand.self,
        ])
}

@main
enum Main {
    static func main() async {
        do {
            var command = try JanusData.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = JanusData.exitCode(for: error)
            if code == .validationFailure {
                // Usage errors: one line naming the problem, exit code 2.
                Console.error(JanusData.message(for: error))
                exit(2)
            }
            if let exitCode = error as? ExitCode { exit(exitCode.rawValue) }
            if code == .success {
                print(JanusData.fullMessage(for: error))
                exit(0)
            }
            Console.error(JanusData.message(for: error))
            exit(code.rawValue == 0 ? 1 : code.rawValue)
        }
    }
}

/// Output helpers: data and --json to stdout, everything else to stderr.
enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    static func info(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
