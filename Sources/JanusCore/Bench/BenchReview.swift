import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// The review file: one row per bench item, for a person to read and mark. A row whose `drop`
/// column holds anything but nothing, `0`, `no` or `false` is left out of the next export (the
/// paper dropped 24 of 945 items this way). The export writes it anew each time, with the marks
/// it read kept.
public enum BenchReview {
    public static let columns = ["item_id", "drop", "source", "prompt", "system", "reference_answer", "rubric_criteria"]

    /// The item ids marked to drop in the review file at `path`.
    public static func dropped(path: String) throws -> Set<String> {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, message: "cannot read the review file")
        }
        var out = Set<String>()
        var problems: [String] = []
        try CSVReader.forEachRow(data) { row, line in
            switch row {
            case let .failure(bad):
                problems.append("\(path):\(line): \(bad.reason)")
            case let .success(record):
                guard let id = record["item_id"]?.stringValue else {
                    problems.append("\(path):\(line): no `item_id` column")
                    return
                }
                if isMarked(record["drop"]?.stringValue ?? "") { out.insert(id) }
            }
        }
        if let first = problems.first {
            throw ConfigError(file: path, message: "\(problems.count) unreadable rows, the first: \(first)")
        }
        return out
    }

    static func isMarked(_ value: String) -> Bool {
        !["", "0", "no", "n", "false", "keep"].contains(value.trimmedWhitespace().lowercased())
    }

    /// The file's text for `items`, with `dropped` marked `x`.
    public static func render(_ items: [BenchItem], dropped: Set<String>) -> String {
        var text = columns.joined(separator: ",") + "\n"
        for item in items {
            let fields = [
                item.id, dropped.contains(item.id) ? "x" : "", item.instruction.source, item.instruction.text, item.system, item.reference,
                item.rubrics.map { "\($0.dimension.rawValue): \($0.criteria)" }.joined(separator: "\n"),
            ]
            text += fields.map(quote).joined(separator: ",") + "\n"
        }
        return text
    }

    static func quote(_ field: String) -> String {
        "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
