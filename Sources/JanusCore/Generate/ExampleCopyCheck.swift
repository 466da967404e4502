import Foundation
import JanusSupport

/// Whether a text contains any of a fixed set of example texts, in one pass over the text.
///
/// Every example of at least `window` bytes is keyed by a hash of its first `window` bytes; a
/// rolling hash over the text proposes the places where an example could start (a bit table
/// first, so most positions cost a shift and a load), and a byte comparison confirms. Shorter
/// examples are searched for directly. The answer is exact: the same as asking `contains` of
/// every example.
struct ExampleCopyCheck: Sendable {
    static let window = 32
    private static let base: UInt64 = 0x100_0000_01B3
    /// base^(window-1): the weight of the byte leaving the window.
    private static let oldestWeight: UInt64 = {
        var w: UInt64 = 1
        for _ in 1..<window { w = w &* base }
        return w
    }()

    private let examples: [[UInt8]]
    /// Example indices by the hash of their first `window` bytes.
    private let byPrefix: [UInt64: [Int]]
    /// 2^16 bits: the top 16 bits of every prefix hash.
    private let filter: [UInt64]
    private let short: [[UInt8]]

    init(examples: [[UInt8]]) {
        var long: [[UInt8]] = []
        var short: [[UInt8]] = []
        var byPrefix: [UInt64: [Int]] = [:]
        var filter = [UInt64](repeating: 0, count: 1 << 10)
        for example in examples where !example.isEmpty {
            guard example.count >= Self.window else {
                short.append(example)
                continue
            }
            let h = Self.hash(example[0..<Self.window])
            byPrefix[h, default: []].append(long.count)
            filter[Int(h >> 54)] |= 1 << ((h >> 48) & 63)
            long.append(example)
        }
        self.examples = long
        self.byPrefix = byPrefix
        self.filter = filter
        self.short = short
    }

    private static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 &* base &+ UInt64($1) }
    }

    /// True when `text` contains one of the examples.
    func foundIn(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        for example in short where ByteSearch.find(example, in: text) != nil { return true }
        let w = Self.window
        guard !examples.isEmpty, text.count >= w else { return false }
        var h: UInt64 = 0
        for i in 0..<w { h = h &* Self.base &+ UInt64(text[i]) }
        var start = 0
        while true {
            if filter[Int(h >> 54)] & (1 << ((h >> 48) & 63)) != 0, let candidates = byPrefix[h] {
                for index in candidates where matches(examples[index], text, at: start) { return true }
            }
            let end = start + w
            guard end < text.count else { return false }
            h = (h &- UInt64(text[start]) &* Self.oldestWeight) &* Self.base &+ UInt64(text[end])
            start += 1
        }
    }

    private func matches(_ example: [UInt8], _ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard start + example.count <= text.count else { return false }
        return example.withUnsafeBufferPointer { e in
            guard let a = e.baseAddress, let b = text.baseAddress else { return false }
            return memcmp(a, b + start, e.count) == 0
        }
    }
}
