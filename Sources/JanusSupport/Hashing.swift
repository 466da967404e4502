import Crypto
import Foundation

/// Content hashes used for identity: instruction ids, request keys, template hashes.
public enum Hashing {
    /// Lower-case hex SHA-256 of the UTF-8 bytes of `text`.
    public static func sha256Hex(_ text: String) -> String {
        var stream = SHA256Stream()
        stream.add(text)
        return stream.hex()
    }

    public static func sha256Hex(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { hex(SHA256.hash(data: $0)) }
    }

    /// The first 8 bytes of SHA-256, as a number: seeds for per-item generators.
    public static func sha256Prefix64(_ text: String) -> UInt64 {
        var text = text
        return prefix64(text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) })
    }

    public static func sha256Prefix64(_ bytes: [UInt8]) -> UInt64 {
        prefix64(bytes.withUnsafeBytes { SHA256.hash(data: $0) })
    }

    /// The digest's first 8 bytes, big-endian, read in place (iterating a digest copies it).
    fileprivate static func prefix64(_ digest: SHA256.Digest) -> UInt64 {
        digest.withUnsafeBytes { raw in raw.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
    }

    /// Lower-case hex, written straight into the string's storage.
    fileprivate static func hex(_ digest: SHA256.Digest) -> String {
        digest.withUnsafeBytes { raw in
            String(unsafeUninitializedCapacity: raw.count * 2) { out in
                for (offset, byte) in raw.enumerated() {
                    out[2 * offset] = hexDigit(byte >> 4)
                    out[2 * offset + 1] = hexDigit(byte & 0x0F)
                }
                return raw.count * 2
            }
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}

public struct SHA256Stream {
    private var hasher = SHA256()

    public init() {}

    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
    }

    public mutating func add(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { add($0) }
    }

    /// The UTF-8 bytes of `text`.
    public mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { add(UnsafeRawBufferPointer($0)) }
    }

    public mutating func add(byte: UInt8) {
        withUnsafeBytes(of: byte) { add($0) }
    }

    /// Lower-case hex of the digest of everything added.
    public func hex() -> String {
        Hashing.hex(hasher.finalize())
    }

    /// The digest's first 8 bytes, big-endian, as `Hashing.sha256Prefix64` gives them.
    public func prefix64() -> UInt64 {
        Hashing.prefix64(hasher.finalize())
    }
}
