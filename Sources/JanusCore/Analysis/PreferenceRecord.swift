import Foundation
import JanusStore

/// What the store keeps of an expand output for `stats` (see `PreferenceRecords`): the
/// subdimension and description of each dimension of its preference set, as the parse gives
/// them, or nothing when it does not parse.
enum PreferenceRecord {
    static let maker: PreferenceRecords.Maker = { output in
        (try? PreferenceSetParser.parse(output)).map(fields(of:))
    }

    /// The record's fields of a parsed set: what `maker` makes of its stored output.
    static func fields(of set: PreferenceSet) -> [String] {
        set.preferences.flatMap { [$0.subdimension, $0.description] }
    }

    /// The (dimension, subdimension, description) of each preference of a stored expand result,
    /// in dimension order: what `ItemFigures` takes of a parsed set; nil when it is not one.
    static func fields(_ content: ExpandContent) -> [ItemFigures.Fields]? {
        switch content {
        case let .record(data):
            guard let fields = PreferenceRecords.decode(data), fields.count == 2 * Dimension.allCases.count else { return nil }
            return Dimension.allCases.enumerated().map { d, dimension in (dimension.rawValue, fields[2 * d], fields[2 * d + 1]) }
        case .notASet:
            return nil
        case let .output(output):
            return (try? PreferenceSetParser.parse(output)).map { set in set.preferences.map { ($0.dimension.rawValue, $0.subdimension, $0.description) } }
        }
    }
}
