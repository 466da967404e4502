import Crypto
import Foundation

/// Content hashes used for identity: instruction ids, request keys, template hashes.
public enum Hashing {
    /// Lower-case hex SHA-256 of the UTF-8 bytes of `text`.
    public static func sha256Hex(_ text: String) -> String {
        hex(SHA256.hash(data: Data(text.utf8)))
    }

    public static func sha256Hex(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { hex(SHA256.hash(data: $0)) }
    }

    /// The first 8 bytes of SHA-256, as a number: seeds for per-item generators.
    public static func sha256Prefix64(_ text: String) -> UInt64 {
        let digest = SHA256.hash(data: Data(text.utf8))
        return digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    public static func sha256Prefix64(_ bytes: [UInt8]) -> UInt64 {
        let digest = bytes.withUnsafeBytes { SHA256.hash(data: $0) }
        return digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
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
