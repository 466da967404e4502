import Foundation

/// Substring search on UTF-8 bytes, for short needles: `memchr` for the first byte, then
/// `memcmp`. Used where Foundation's `range(of:)` would go through UTF-16.
package enum ByteSearch {
    /// The offset of the first `needle` in `haystack` at or after `from`.
    package static func find(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, from: Int = 0) -> Int? {
        guard let first = needle.first else { return from }
        guard let base = haystack.baseAddress, let n = needle.baseAddress, haystack.count >= needle.count else { return nil }
        var at = from
        let last = haystack.count - needle.count
        while at <= last {
            guard let found = memchr(base + at, Int32(first), last - at + 1) else { return nil }
            at = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - base
            if memcmp(base + at, n, needle.count) == 0 { return at }
            at += 1
        }
        return nil
    }

    package static func find(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>, from: Int = 0) -> Int? {
        needle.withUnsafeBufferPointer { find($0, in: haystack, from: from) }
    }

    package static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.withUnsafeBufferPointer { find(needle, in: $0) != nil }
    }
}

extension StringProtocol {
    /// The range of the first `needle` (UTF-8 bytes) in this text, found on its UTF-8 bytes with
    /// `ByteSearch` (the standard library's generic `firstRange(of:)` on the UTF-8 view walks
    /// the view's indices one by one, ten times slower than Foundation's search).
    package func firstUTF8Range(of needle: [UInt8]) -> Range<String.Index>? {
        let search = { (bytes: UnsafeBufferPointer<UInt8>) in ByteSearch.find(needle, in: bytes) }
        // A text not stored as UTF-8 (bridged from elsewhere) is searched in a native copy.
        let found = utf8.withContiguousStorageIfAvailable(search) ?? String(self).utf8.withContiguousStorageIfAvailable(search)
        guard let offset = found ?? nil else { return nil }
        let lower = utf8.index(utf8.startIndex, offsetBy: offset)
        return lower..<utf8.index(lower, offsetBy: needle.count)
    }
}
