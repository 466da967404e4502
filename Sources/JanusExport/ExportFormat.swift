import JanusSupport
import JanusStore

/// The export formats.
public enum ExportFormat: String, CaseIterable, Sendable {
    case sft
    case sftSmall = "sft-small"
    case dpo, orpo, rm

    /// Reads a `--format` value; `all` gives every format.
    public static func parse(_ names: [String]) throws -> [ExportFormat] {
        var out: [ExportFormat] = []
        for name in names {
            if name == "all" { return allCases }
            guard let format = ExportFormat(rawValue: name) else {
                throw ConfigError(file: "--format", message: "unknown format \"\(name)\" (known: sft, sft-small, dpo, orpo, rm, all)")
            }
            if !out.contains(format) { out.append(format) }
        }
        return out
    }
}
