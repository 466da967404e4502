import JanusExport
import JanusSupport

/// What one instruction adds to the statistics, worked out on a worker thread: its
/// preferences, and the ROUGE-L of every pair of its variants' descriptions per dimension
/// (in pair order, so the sums come out the same in any run).
struct ItemFigures: Sendable {
    typealias Fields = (dimension: String, subdimension: String, description: String)

    var source: String
    var completeVariants: Int
    /// Each preference's dimension, subdimension and description (hashed here, on the worker).
    var preferences: [(dimension: String, subdimension: HashedText, description: HashedText)] = []
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

    /// From the preferences of the complete variants' sets (what the export writes of them).
    init(source: String, completeVariants: Int, sets: [[Fields]]) {
        self.source = source
        self.completeVariants = completeVariants
        preferences = sets.flatMap { $0 }.map { ($0.dimension, HashedText($0.subdimension), HashedText($0.description)) }
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

/// A text with its hash worked out when it is made (on a worker thread), so that a set of texts
/// on the reading thread hashes a number; equal exactly when the texts are.
struct HashedText: Hashable, Sendable {
    let text: String
    private let hash: Int

    init(_ text: String) {
        self.text = text
        hash = text.hashValue
    }

    static func == (a: HashedText, b: HashedText) -> Bool { a.hash == b.hash && a.text == b.text }
    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}

/// ROUGE-L tokens (see `RougeL.tokens`) as numbers that are equal exactly when the tokens are:
/// a token of up to 8 characters is its bytes (every token byte is in `[a-z0-9]`, so below
/// 0x80 and never 0), a longer one a number from a table kept for one instruction, with the top
/// bit set. ASCII text is split here in one pass over its bytes; other text goes through
/// `RougeL.tokens`.
struct TokenKeys {
    /// Tokens longer than 8 bytes with their first 8 bytes packed; a token's number is its
    /// place here (an instruction has few such tokens, so a scan beats a dictionary).
    private var long: [(prefix: UInt64, token: [UInt8])] = []

    /// For each byte: its lower-case form when it belongs to a token, 0 when it separates
    /// tokens, 0x80 when it is not ASCII.
    private static let classes: [UInt8] = (0...255).map { (byte: Int) -> UInt8 in
        switch byte {
        case 0x30...0x39, 0x61...0x7A: return UInt8(byte)
        case 0x41...0x5A: return UInt8(byte | 0x20)
        case 0x80...: return 0x80
        default: return 0
        }
    }

    mutating func keys(_ text: String) -> [UInt64] {
        var utf8 = text
        if let keys = utf8.withUTF8({ asciiKeys($0) }) { return keys }
        return RougeL.tokens(text).map { key(Array($0.utf8)) }
    }

    /// The keys of ASCII text; nil at the first byte that is not ASCII.
    private mutating func asciiKeys(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt64]? {
        var out: [UInt64] = []
        out.reserveCapacity(bytes.count / 4 + 1)
        var packed: UInt64 = 0
        var length = 0
        var lowered: [UInt8] = []
        let complete = Self.classes.withUnsafeBufferPointer { classes -> Bool in
            for byte in bytes {
                let c = classes[Int(byte)]
                if c == 0x80 { return false }
                if c != 0 {
                    if length < 8 { packed |= UInt64(c) << (8 * UInt64(length)) }
                    if length == 8 {
                        lowered.removeAll(keepingCapacity: true)
                        for i in 0..<8 { lowered.append(UInt8(truncatingIfNeeded: packed >> (8 * UInt64(i)))) }
                    }
                    if length >= 8 { lowered.append(c) }
                    length += 1
                } else if length > 0 {
                    out.append(length <= 8 ? packed : longKey(lowered, prefix: packed))
                    packed = 0
                    length = 0
                }
            }
            return true
        }
        guard complete else { return nil }
        if length > 0 { out.append(length <= 8 ? packed : longKey(lowered, prefix: packed)) }
        return out
    }

    private mutating func key(_ token: [UInt8]) -> UInt64 {
        var prefix: UInt64 = 0
        for (i, byte) in token.prefix(8).enumerated() { prefix |= UInt64(byte) << (8 * UInt64(i)) }
        return token.count <= 8 ? prefix : longKey(token, prefix: prefix)
    }

    private mutating func longKey(_ token: [UInt8], prefix: UInt64) -> UInt64 {
        if let known = long.firstIndex(where: { $0.prefix == prefix && $0.token == token }) { return (1 << 63) | UInt64(known) }
        long.append((prefix, token))
        return (1 << 63) | UInt64(long.count - 1)
    }
}
