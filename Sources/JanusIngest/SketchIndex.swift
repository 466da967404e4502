import CSystem
import JanusSupport

/// Locality-sensitive hashing over MinHash sketches: the sketch is cut into `bands` bands of
/// `rows` bytes; two sketches that agree on a whole band are candidates, and a candidate whose
/// sketch agrees on at least `threshold` of all bytes is a near duplicate.
///
/// Built for a million sketches in little memory: sketches live in fixed-size chunks of bytes
/// (one byte per bin; chunks, so growing never copies them), and each band is an
/// open-addressing table (in huge pages, `SlotTable`) of 32-bit slots holding the item number and, in the bits the item
/// number does not need, a tag of the band key, so a probe rarely has to read a sketch to tell
/// keys apart. The first item with a given band key keeps the slot; tables grow together, so a
/// slot always has room for any item number.
struct SketchIndex {
    let bands: Int
    let rows: Int
    let threshold: Double
    private(set) var count = 0
    private var chunks: [[UInt8]] = []
    private static let chunkShift = 14
    /// Per item, the bands whose slot it owns (bit per band), so growing reads sketches in order.
    private var owned: [UInt32] = []
    private var slots: SlotTable
    private var capacityBits: Int
    private let salts: [UInt64]

    /// Tables are made for `expectedItems` at first (at most 2^21 slots per band, 117 MB for 14
    /// bands), so that a large ingest does not rebuild them at every doubling on its way there.
    init(bands: Int, rows: Int, threshold: Double, seed: UInt64, expectedItems: Int = 0) {
        precondition(bands > 0 && bands <= 32 && rows > 0, "1 to 32 bands")
        self.bands = bands
        self.rows = rows
        self.threshold = threshold
        var generator = SeededGenerator(seed: seed ^ 0x6261_6E64_7321)
        salts = (0..<bands).map { _ in generator.next() }
        var bits = 12
        while bits < 21, expectedItems * 4 > (1 << bits) * 3 { bits += 1 }
        capacityBits = bits
        slots = SlotTable(count: bands << bits)
    }

    var bins: Int { bands * rows }
    private var capacity: Int { 1 << capacityBits }

    /// The earlier item most similar to `sketch` at or above the threshold, or nil after adding
    /// `sketch` as item number `count`.
    mutating func checkAndAdd(_ sketch: UnsafePointer<UInt8>) -> (item: Int, similarity: Double)? {
        if !isKnownUniquelyReferenced(&slots) { slots = slots.copy() }
        if (count + 1) * 4 > capacity * 3 { grow() }
        let table = slots.base
        let bands = bands
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: bands * 3) { scratch in
            // First every band's hash and home slot: independent loads the CPU can overlap.
            let mask = capacity - 1
            for band in 0..<bands {
                let hash = mix(bandKey(sketch, band) ^ salts[band])
                scratch[band] = hash
                scratch[bands + band] = UInt64(table[band << capacityBits + Int(truncatingIfNeeded: hash) & mask])
            }
            var best: (item: Int, similarity: Double)?
            var lastChecked = -1
            let free = UnsafeMutableBufferPointer(rebasing: scratch[(2 * bands)...])
            for band in 0..<bands {
                let (found, position) = lookup(
                    band: band, key: bandKey(sketch, band), hash: scratch[band], home: UInt32(truncatingIfNeeded: scratch[bands + band]))
                free[band] = position < 0 ? UInt64.max : UInt64(position)
                guard let item = found, item != lastChecked else { continue }
                lastChecked = item
                let similarity = agreement(item, sketch)
                if similarity >= threshold, similarity > (best?.similarity ?? -1) { best = (item, similarity) }
            }
            if let best { return best }
            append(sketch)
            var mine: UInt32 = 0
            for band in 0..<bands where free[band] != UInt64.max {
                table[band << capacityBits + Int(free[band])] = tagOf(scratch[band]) << UInt32(capacityBits) | UInt32(count + 1)
                mine |= 1 << UInt32(band)
            }
            owned.append(mine)
            count += 1
            return nil
        }
    }

    /// Asks the CPU to fetch the table slots `sketch` will probe, so that the probes of a later
    /// `checkAndAdd` find them in cache (the tables are far larger than the caches).
    func prefetch(_ sketch: UnsafePointer<UInt8>) {
        let table = slots.base
        let mask = capacity - 1
        for band in 0..<bands {
            let hash = mix(bandKey(sketch, band) ^ salts[band])
            janus_prefetch(table + (band << capacityBits + Int(truncatingIfNeeded: hash) & mask))
        }
    }

    /// Fraction of bins on which item `item` and `sketch` agree.
    func agreement(_ item: Int, _ sketch: UnsafePointer<UInt8>) -> Double {
        withSketch(item) { stored in
            var same = 0
            for i in 0..<bins where stored[i] == sketch[i] { same += 1 }
            return Double(same) / Double(bins)
        } ?? 0
    }

    private mutating func append(_ sketch: UnsafePointer<UInt8>) {
        if count & ((1 << SketchIndex.chunkShift) - 1) == 0 {
            var chunk: [UInt8] = []
            chunk.reserveCapacity(bins << SketchIndex.chunkShift)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(contentsOf: UnsafeBufferPointer(start: sketch, count: bins))
    }

    /// Calls `body` with item `item`'s sketch (nil only for an item that was never added).
    private func withSketch<T>(_ item: Int, _ body: (UnsafePointer<UInt8>) -> T) -> T? {
        chunks[item >> SketchIndex.chunkShift].withUnsafeBufferPointer { chunk in
            chunk.baseAddress.map { body($0 + (item & ((1 << SketchIndex.chunkShift) - 1)) * bins) }
        }
    }

    /// The item holding `key` in `band`, or the free slot where it would go (-1 when found).
    /// `home` is the slot at the hash's position, already read.
    private func lookup(band: Int, key: UInt64, hash: UInt64, home: UInt32) -> (item: Int?, position: Int) {
        let mask = capacity - 1
        let tag = tagOf(hash)
        var position = Int(truncatingIfNeeded: hash) & mask
        let table = slots.base
        let offset = band << capacityBits
        var slot = home
        while true {
            if slot == 0 { return (nil, position) }
            if slot >> UInt32(capacityBits) == tag {
                let item = Int(slot & UInt32(mask)) - 1
                if withSketch(item, { bandKey($0, band) }) == key { return (item, -1) }
            }
            position = (position + 1) & mask
            slot = table[offset + position]
        }
    }

    private func tagOf(_ hash: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: hash >> UInt64(32 + capacityBits))
    }

    private func bandKey(_ sketch: UnsafePointer<UInt8>, _ band: Int) -> UInt64 {
        if rows == 8 { return UnsafeRawPointer(sketch + band * 8).loadUnaligned(as: UInt64.self) }
        var key = fnvOffset
        for i in (band * rows)..<(band * rows + rows) { key = (key ^ UInt64(sketch[i])) &* fnvPrime }
        return key
    }

    /// Doubles every band table and puts the items back. Keys are unique within a band, so
    /// each goes in the first free slot.
    private mutating func grow() {
        capacityBits += 1
        precondition(capacityBits < 32, "near-duplicate index is full")
        let grown = SlotTable(count: bands << capacityBits)
        slots = grown
        let bits = capacityBits
        let mask = (1 << bits) - 1
        // Band by band: one table (a few MB) is written at a time, the sketches are read in order.
        do {
            let table = grown.base
            for band in 0..<bands {
                let bit: UInt32 = 1 << UInt32(band)
                let offset = band << bits
                for item in 0..<count where owned[item] & bit != 0 {
                    guard let key = withSketch(item, { bandKey($0, band) }) else { continue }
                    let hash = mix(key ^ salts[band])
                    var position = Int(truncatingIfNeeded: hash) & mask
                    while table[offset + position] != 0 { position = (position + 1) & mask }
                    table[offset + position] = UInt32(truncatingIfNeeded: hash >> UInt64(32 + bits)) << UInt32(bits) | UInt32(item + 1)
                }
            }
        }
    }
}
