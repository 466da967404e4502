import Crypto
import Foundation
import JanusSupport

/// The SHA-256 of an instruction's identity text, kept as four words rather than a hex string so
/// that a million of them fit in a few tens of megabytes. `hex` is the instruction id.
struct InstructionDigest: Hashable, Sendable {
    var w0: UInt64
    var w1: UInt64
    var w2: UInt64
    var w3: UInt64

    init(hashing bytes: UnsafeRawBufferPointer) {
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        self.init(hasher.finalize())
    }

    init(_ digest: SHA256.Digest) {
        (w0, w1, w2, w3) = digest.withUnsafeBytes { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self).bigEndian,
             raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self).bigEndian,
             raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self).bigEndian,
             raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self).bigEndian)
        }
    }

    /// Parses a 64-digit lower-case hex id; nil for anything else.
    init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var words: [UInt64] = []
        for w in 0..<4 {
            var value: UInt64 = 0
            for d in digits[(w * 16)..<(w * 16 + 16)] {
                switch d {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt64(d - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt64(d - UInt8(ascii: "a") + 10)
                default: return nil
                }
            }
            words.append(value)
        }
        (w0, w1, w2, w3) = (words[0], words[1], words[2], words[3])
    }

    /// The first 128 bits: the exact-duplicate key.
    var key: DigestKey { DigestKey(high: w0, low: w1) }

    /// The instruction id: 64 lower-case hex digits.
    var hex: String {
        String(unsafeUninitializedCapacity: 64) { out in
            writeHex(into: out)
            return 64
        }
    }

    /// Writes the 64 hex digits to `out` (at least 64 bytes).
    func writeHex(into out: UnsafeMutableBufferPointer<UInt8>) {
        let digits: StaticString = "0123456789abcdef"
        let table = digits.utf8Start
        for (w, word) in [w0, w1, w2, w3].enumerated() {
            for i in 0..<16 {
                out[w * 16 + i] = table[Int((word >> UInt64(60 - 4 * i)) & 0xF)]
            }
        }
    }
}

/// 128 bits of an instruction digest: collisions among a few million instructions are far less
/// likely than a disk error, and the dedup set stays at 16 bytes per instruction.
struct DigestKey: Hashable, Sendable {
    var high: UInt64
    var low: UInt64

    func hash(into hasher: inout Hasher) {
        hasher.combine(high)
    }
}

/// The seeded sampling rank of an instruction: its identity digest (already a cryptographic
/// hash of the content) mixed with a key derived from the seed. Depends only on the seed and
/// the text, so the sample does too.
struct SampleRanker: Sendable {
    private let key: UInt64

    init(seed: Int) {
        key = Hashing.sha256Prefix64("\(seed)\u{1F}sample")
    }

    func rank(_ digest: InstructionDigest) -> UInt64 {
        mix(mix(digest.w0 ^ key) ^ digest.w1)
    }
}
