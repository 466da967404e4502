/// Locality-sensitive hashing over MinHash sketches: the sketch is cut into `bands` bands of
/// `rows` bytes; two sketches that agree on a whole band are candidates, and a candidate whose
/// sketch agrees on at least `threshold` of all bytes is a near duplicate.
///
/// Built for a million sketches in little memory: sketches live in one flat byte array (one
/// byte per bin), and each band is an open-addressing table of 32-bit slots holding the item
/// number and, in the bits the item number does not need, a tag of the band key, so a probe
/// rarely has to read a sketch to tell keys apart. The first item with a given band key keeps
/// the slot; tables grow together, so a slot always has room for any item number.
struct SketchIndex {
    let bands: Int
    let rows: Int
    let threshold: Double
    private(set) var count = 0
    private var sketches: [UInt8] = []
    /// Per item, the bands whose slot it owns (bit per band), so growing reads sketches in order.
    private var owned: [UInt32] = []
    private var slots: [UInt32]
    private var capacityBits: Int
    private let salts: [UInt64]

    init(bands: Int, rows: Int, threshold: Double, seed: UInt64) {
        precondition(bands > 0 && bands <= 32 && rows > 0, "1 to 32 bands")
        self.bands = bands
        self.rows = rows
        self.threshold = threshold
        var generator = SeededGenerator(seed: seed ^ 0x6261_6E64_7321)
        salts = (0..<bands).map { _ in generator.next() }
        capacityBits = 12
        slots = [UInt32](repeating: 0, count: bands << 12)
    }

    var bins: Int { bands * rows }
    private var capacity: Int { 1 << capacityBits }

    /// The earlier item most similar to `sketch` at or above the threshold, or nil after adding
    /// `sketch` as item number `count`.
    mutating func checkAndAdd(_ sketch: UnsafePointer<UInt8>) -> (item: Int, similarity: Double)? {
        if (count + 1) * 4 > capacity * 3 { grow() }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: bands) { positions in
            var best: (item: Int, similarity: Double)?
            var lastChecked = -1
            for band in 0..<bands {
                let key = bandKey(sketch, band)
                let (found, position) = lookup(band: band, key: key)
                positions[band] = position
                guard let item = found, item != lastChecked else { continue }
                lastChecked = item
                let similarity = agreement(item, sketch)
                if similarity >= threshold, similarity > (best?.similarity ?? -1) { best = (item, similarity) }
            }
            if let best { return best }
            let item = count
            sketches.append(contentsOf: UnsafeBufferPointer(start: sketch, count: bins))
            var mask: UInt32 = 0
            for band in 0..<bands where positions[band] >= 0 {
                slots[band << capacityBits + positions[band]] = encode(item, key: bandKey(sketch, band), band: band)
                mask |= 1 << UInt32(band)
            }
            owned.append(mask)
            count += 1
            return nil
        }
    }

    /// Fraction of bins on which item `item` and `sketch` agree.
    func agreement(_ item: Int, _ sketch: UnsafePointer<UInt8>) -> Double {
        sketches.withUnsafeBufferPointer { all in
            var same = 0
            let base = item * bins
            for i in 0..<bins where all[base + i] == sketch[i] { same += 1 }
            return Double(same) / Double(bins)
        }
    }

    /// The item holding `key` in `band`, or the free slot where it would go (-1 when found).
    private func lookup(band: Int, key: UInt64) -> (item: Int?, position: Int) {
        let hash = mix(key ^ salts[band])
        let mask = capacity - 1
        let tag = tagOf(hash)
        var position = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { table in
            let offset = band << capacityBits
            while true {
                let slot = table[offset + position]
                if slot == 0 { return (nil, position) }
                if slot >> UInt32(capacityBits) == tag {
                    let item = Int(slot & UInt32(mask)) - 1
                    if storedKey(item, band) == key { return (item, -1) }
                }
                position = (position + 1) & mask
            }
        }
    }

    private func tagOf(_ hash: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: hash >> UInt64(32 + capacityBits))
    }

    private func encode(_ item: Int, key: UInt64, band: Int) -> UInt32 {
        tagOf(mix(key ^ salts[band])) << UInt32(capacityBits) | UInt32(item + 1)
    }

    private func bandKey(_ sketch: UnsafePointer<UInt8>, _ band: Int) -> UInt64 {
        if rows == 8 { return UnsafeRawPointer(sketch + band * 8).loadUnaligned(as: UInt64.self) }
        var key = fnvOffset
        for i in (band * rows)..<(band * rows + rows) { key = (key ^ UInt64(sketch[i])) &* fnvPrime }
        return key
    }

    private func storedKey(_ item: Int, _ band: Int) -> UInt64 {
        sketches.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else { return 0 }
            return bandKey(base + item * bins, band)
        }
    }

    /// Doubles every band table and puts the items back, walking the items in order (the
    /// sketches sequentially). Keys are unique within a band, so each goes in the first free slot.
    private mutating func grow() {
        capacityBits += 1
        precondition(capacityBits < 32, "near-duplicate index is full")
        var grown = [UInt32](repeating: 0, count: bands << capacityBits)
        slots = []
        let mask = capacity - 1
        grown.withUnsafeMutableBufferPointer { table in
            sketches.withUnsafeBufferPointer { all in
                guard let base = all.baseAddress else { return }
                for item in 0..<count {
                    let bits = owned[item]
                    for band in 0..<bands where bits & (1 << UInt32(band)) != 0 {
                        let key = bandKey(base + item * bins, band)
                        let hash = mix(key ^ salts[band])
                        var position = Int(truncatingIfNeeded: hash) & mask
                        let offset = band << capacityBits
                        while table[offset + position] != 0 { position = (position + 1) & mask }
                        table[offset + position] = tagOf(hash) << UInt32(capacityBits) | UInt32(item + 1)
                    }
                }
            }
        }
        slots = grown
    }
}
