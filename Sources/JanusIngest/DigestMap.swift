/// A map from instruction digest keys to values, for a million keys and more: open addressing
/// with linear probing, the slot picked by the key's own bits (a SHA-256 prefix is already
/// uniform, so no hashing; `Dictionary` ran SipHash over every key).
struct DigestMap<Value> {
    private var keys: [DigestKey]
    private var values: [Value?]
    private(set) var count = 0
    private var mask: Int

    init(minimumCapacity: Int = 0) {
        var slots = 1 << 10
        while slots * 3 < minimumCapacity * 4 { slots <<= 1 }
        keys = [DigestKey](repeating: DigestKey(high: 0, low: 0), count: slots)
        values = [Value?](repeating: nil, count: slots)
        mask = slots - 1
    }

    /// The value stored for `key`; setting nil is not supported (keys are never removed).
    subscript(key: DigestKey) -> Value? {
        get {
            var slot = Int(truncatingIfNeeded: key.high) & mask
            while let value = values[slot] {
                if keys[slot] == key { return value }
                slot = (slot + 1) & mask
            }
            return nil
        }
        set {
            guard let newValue else { return }
            if (count + 1) * 4 > keys.count * 3 { grow() }
            var slot = Int(truncatingIfNeeded: key.high) & mask
            while values[slot] != nil {
                if keys[slot] == key {
                    values[slot] = newValue
                    return
                }
                slot = (slot + 1) & mask
            }
            keys[slot] = key
            values[slot] = newValue
            count += 1
        }
    }

    mutating func reserveCapacity(_ minimumCapacity: Int) {
        while minimumCapacity * 4 > keys.count * 3 { grow() }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        let slots = keys.count * 2
        keys = [DigestKey](repeating: DigestKey(high: 0, low: 0), count: slots)
        values = [Value?](repeating: nil, count: slots)
        mask = slots - 1
        for i in oldKeys.indices {
            guard let value = oldValues[i] else { continue }
            var slot = Int(truncatingIfNeeded: oldKeys[i].high) & mask
            while values[slot] != nil { slot = (slot + 1) & mask }
            keys[slot] = oldKeys[i]
            values[slot] = value
        }
    }
}
