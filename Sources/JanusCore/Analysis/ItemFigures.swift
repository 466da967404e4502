import JanusExport
import JanusSupport

/// What one instruction adds to the statistics, worked out on a worker thread: its
/// preferences, and the ROUGE-L of every pair of its variants' descriptions per dimension
/// (in pair order, so the sums come out the same in any run).
struct ItemFigures: Sendable {
    typealias Fields = (dimension: String, subdimension: String, description: String)

    var source: String
    var completeVariants: Int
    var preferences: [Fields] = []
    var rouge: [(dimension: String, scores: [Double])] = []

    /// From an exported item: its variants' preference sets as exported.
    init(_ item: ExportItem) {
        let sets = item.variants.compactMap { $0.preferenceSet.arrayValue }.map { set in
            set.map { p in
                (p["dimension"]?.stringValue ?? "?", p["subdimension"]?.stringValue ?? "", p["description"]?.stringValue ?? "")
            }
        }
        self.init(source: item.instruction.mainSource, completeVariants: item.variants.count, sets: sets)
    }

    /// From the parsed preference sets of the complete variants (what the export writes of them).
    init(source: String, sets: [PreferenceSet]) {
        self.init(
            source: source, completeVariants: sets.count,
            sets: sets.map { $0.preferences.map { ($0.dimension.rawValue, $0.subdimension, $0.description) } })
    }

    init(source: String, completeVariants: Int, sets: [[Fields]]) {
        self.source = source
        self.completeVariants = completeVariants
        preferences = sets.flatMap { $0 }
        var keys = TokenKeys()
        for (d, dimension) in Dimension.allCases.enumerated() {
            let descriptions = sets.compactMap { $0.count > d ? $0[d].description : nil }.map { keys.keys($0) }
            guard descriptions.count > 1 else { continue }
            var scores: [Double] = []
            for i in 0..<descriptions.count {
                for j in (i + 1)..<descriptions.count {
                    scores.append(RougeL.f1(descriptions[i], descriptions[j]))
                }
            }
            rouge.append((dimension.rawValue, scores))
        }
    }
}

/// ROUGE-L tokens (see `RougeL.tokens`) as numbers that are equal exactly when the tokens are:
/// a token of up to 8 characters is its bytes (every token byte is in `[a-z0-9]`, so below
/// 0x80 and never 0), a longer one a number from a table kept for one instruction, with the top
/// bit set. ASCII text is split here byte by byte; other text goes through `RougeL.tokens`.
struct TokenKeys {
    /// Tokens longer than 8 bytes, by their first 8 bytes packed, with their numbers.
    private var long: [UInt64: [(token: [UInt8], key: UInt64)]] = [:]
    private var longCount: UInt64 = 0

    mutating func keys(_ text: String) -> [UInt64] {
        var utf8 = text
        let ascii = utf8.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } }
        guard ascii else { return RougeL.tokens(text).map { key(Array($0.utf8)) } }
        var out: [UInt64] = []
        var token: [UInt8] = []
        token.reserveCapacity(32)
        utf8.withUTF8 { bytes in
            for byte in bytes {
                let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                if (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || (lower >= UInt8(ascii: "0") && lower <= UInt8(ascii: "9")) {
                    token.append(lower)
                } else if !token.isEmpty {
                    out.append(key(token))
                    token.removeAll(keepingCapacity: true)
                }
            }
        }
        if !token.isEmpty { out.append(key(token)) }
        return out
    }

    private mutating func key(_ token: [UInt8]) -> UInt64 {
        let prefix = Self.packed(token.prefix(8))
        if token.count <= 8 { return prefix }
        if let known = long[prefix]?.first(where: { $0.token == token }) { return known.key }
        let new = (1 << 63) | longCount
        longCount += 1
        long[prefix, default: []].append((token, new))
        return new
    }

    private static func packed(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var packed: UInt64 = 0
        for (i, byte) in bytes.enumerated() { packed |= UInt64(byte) << (8 * UInt64(i)) }
        return packed
    }
}
