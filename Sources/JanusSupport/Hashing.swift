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
        let digest = text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        return digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    public static func sha256Prefix64(_ bytes: [UInt8]) -> UInt64 {
        let digest = bytes.withUnsafeBytes { SHA256.hash(data: $0) }
        return digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    fileprivate static func hex(_ digest: SHA256.Digest) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// SHA-256 of bytes handed over in parts, without joining them into one buffer first (a
/// request key hashes the whole request body between a prefix and a suffix).
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
        hasher.finalize().prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
}
