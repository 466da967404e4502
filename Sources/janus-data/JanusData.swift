import ArgumentParser
import JanusCore

@main
struct JanusData: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "janus-data")
}
