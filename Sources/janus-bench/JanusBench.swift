import ArgumentParser

/// Load drivers for the benchmarks in bench/: configuration only, the work is in JanusCore.
@main
struct JanusBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "janus-bench",
        abstract: "Drive janus-data's components under load for bench/*.bench.sh.",
        subcommands: [ClientCommand.self])
}
