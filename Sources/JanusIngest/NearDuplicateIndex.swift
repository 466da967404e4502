/// Near-duplicate detection: MinHash signatures over word 5-gram shingles, banded for
/// locality-sensitive hashing (14 bands of 8 rows: pairs above a Jaccard similarity of about
/// 0.75 become candidates). A candidate whose estimated similarity reaches the threshold is a
/// near duplicate; the first one added wins.
///
/// Ingest uses the parts (`MinHasher` on worker threads, `SketchIndex` in file order); this
/// type puts them together for one text at a time.
public struct NearDuplicateIndex {
    public let bands: Int
    public let rows: Int
    public let threshold: Double
    public let shingleSize: Int
    let hasher: MinHasher
    private var index: SketchIndex
    private var ids: [String] = []

    public init(threshold: Double, seed: UInt64, bands: Int = 14, rows: Int = 8, shingleSize: Int = 5) {
        self.bands = bands
        self.rows = rows
        self.threshold = threshold
        self.shingleSize = shingleSize
        hasher = MinHasher(bins: bands * rows, shingleSize: shingleSize, seed: seed)
        index = SketchIndex(bands: bands, rows: rows, threshold: threshold, seed: seed)
    }

    /// The id of an earlier near duplicate of `text`, or nil after adding `text` under `id`.
    /// A text without words is never a near duplicate and is not added.
    public mutating func checkAndAdd(id: String, text: String) -> (duplicateOf: String, similarity: Double)? {
        var sketch = [UInt8](repeating: 0, count: hasher.bins)
        let hasWords = sketch.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            return hasher.sketch(text, into: base)
        }
        guard hasWords else { return nil }
        let hit = sketch.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { index.checkAndAdd($0) }
        }
        if let hit { return (ids[hit.item], hit.similarity) }
        ids.append(id)
        return nil
    }
}
