/// Byte-level helpers for text that is already valid UTF-8 (the bytes of a `String`): decoding
/// one scalar, and recognising white space and line breaks without building characters.
package enum UTF8Bytes {
    /// The scalar starting at `i` and its length in bytes. `bytes` must be valid UTF-8 and `i`
    /// the start of a scalar.
    @inlinable @inline(__always) package static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (value: UInt32, width: Int) {
        let b0 = UInt32(bytes[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F), 2) }
        if b0 < 0xF0 {
            return ((b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F), 3)
        }
        return ((b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6
            | UInt32(bytes[i + 3] & 0x3F), 4)
    }

    /// The length of the scalar that ends just before `end` (1 to 4).
    @inlinable @inline(__always) package static func widthBefore(_ bytes: UnsafeBufferPointer<UInt8>, _ end: Int) -> Int {
        var start = end - 1
        while start > 0, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return end - start
    }

    /// True for the scalars with the Unicode White_Space property: tab to carriage return,
    /// space, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
    /// (The same set as Foundation's `whitespacesAndNewlines` and `Unicode.Scalar.Properties.isWhitespace`.)
    @inlinable @inline(__always) package static func isWhitespace(_ v: UInt32) -> Bool {
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) }
        switch v {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// True for the scalars that end a line (`Character.isNewline`): LF, VT, FF, CR, U+0085,
    /// U+2028, U+2029.
    @inlinable @inline(__always) package static func isNewline(_ v: UInt32) -> Bool {
        (v >= 0x0A && v <= 0x0D) || v == 0x85 || v == 0x2028 || v == 0x2029
    }

    /// The number of runs of scalars other than white space, as
    /// `split(whereSeparator: \.isWhitespace).count` counts words on characters; nil where a
    /// space and a scalar beside it may make one character (a mark, joiner or emoji modifier
    /// after it, a prepended scalar before it), which only grapheme breaking can tell. Controls
    /// (tab, line ends) always end a character, so only the other white space is checked.
    package static func wordCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var count = 0
        var inWord = false
        var afterSpace = false
        var previous: UInt32 = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            var v = UInt32(b)
            var w = 1
            if b >= 0x80 { (v, w) = scalar(bytes, at: i) }
            if isWhitespace(v) {
                let control = v < 0x20 || v == 0x85 || v == 0x2028 || v == 0x2029
                if !control, previous >= 0x80, !isWhitespace(previous), mayPrepend(previous) { return nil }
                inWord = false
                afterSpace = !control
            } else {
                if afterSpace, v >= 0x80, mayExtend(v) { return nil }
                if !inWord { count += 1 }
                inWord = true
                afterSpace = false
            }
            previous = v
            i += w
        }
        return count
    }

    /// True when `v` may continue the character before it (Grapheme_Cluster_Break Extend,
    /// SpacingMark or ZWJ): a superset, from the scalar's properties, and the Thai and Lao AM
    /// (letters that break as spacing marks).
    static func mayExtend(_ v: UInt32) -> Bool {
        if v == 0x0E33 || v == 0x0EB3 { return true }
        guard let scalar = Unicode.Scalar(v) else { return false }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return v == 0x200D || v == 0x200C || properties.isGraphemeExtend || properties.isEmojiModifier
        }
    }

    /// True when `v` may join the character after it (Grapheme_Cluster_Break Prepend: format
    /// characters such as U+0600, and letters of Malayalam and of the Brahmic scripts at
    /// U+11000-U+11FFF): a superset.
    static func mayPrepend(_ v: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(v) else { return false }
        switch scalar.properties.generalCategory {
        case .format: return true
        case .otherLetter: return v == 0x0D4E || (0x11000...0x11FFF).contains(v)
        default: return false
        }
    }

    /// The byte range of `bytes` without leading and trailing white space.
    package static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var lo = 0
        var hi = bytes.count
        while lo < hi {
            let (v, w) = scalar(bytes, at: lo)
            guard isWhitespace(v) else { break }
            lo += w
        }
        while hi > lo {
            let w = bytes[hi - 1] < 0x80 ? 1 : widthBefore(bytes, hi)
            guard isWhitespace(scalar(bytes, at: hi - w).value) else { break }
            hi -= w
        }
        return lo..<hi
    }

    /// The byte range of the first line that holds something other than white space (lines end
    /// at the scalars of `isNewline`), or nil when there is none. `exact` is false when that
    /// line's first other scalar is non-ASCII and follows white space: it may extend the white
    /// space into one character (a combining or spacing mark), which `Character` counts as white
    /// space, so only grapheme breaking can tell.
    package static func firstNonBlankLine(_ bytes: UnsafeBufferPointer<UInt8>) -> (range: Range<Int>?, exact: Bool) {
        var start = 0
        while start < bytes.count {
            var end = start
            var width = 0
            var afterSpace = false
            while end < bytes.count {
                let b = bytes[end]
                if b < 0x80 {
                    if b >= 0x0A, b <= 0x0D { width = 1; break }
                    let space = b == 0x20 || b == 0x09
                    if !space { return (start..<lineEnd(bytes, from: end), true) }
                    afterSpace = space
                    end += 1
                    continue
                }
                let (v, w) = scalar(bytes, at: end)
                if v == 0x85 || v == 0x2028 || v == 0x2029 { width = w; break }
                let space = isWhitespace(v)
                if !space { return (start..<lineEnd(bytes, from: end), !afterSpace) }
                afterSpace = space
                end += w
            }
            start = end + max(width, 1)
        }
        return (nil, true)
    }

    /// Where the line holding offset `from` ends (at LF, VT, FF, CR, U+0085, U+2028, U+2029 or
    /// the end of `bytes`). Eight bytes at a time past plain ASCII.
    private static func lineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        guard let base = bytes.baseAddress else { return from }
        let count = bytes.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var end = from
        while end < count {
            // No byte below 0x0E and none of 0x80 or more: no line end among these eight.
            while end + 8 <= count {
                let w = UnsafeRawPointer(base + end).loadUnaligned(as: UInt64.self)
                if (((w &- ones &* 0x0E) & ~w) | w) & highs != 0 { break }
                end += 8
            }
            guard end < count else { break }
            let b = bytes[end]
            if b < 0x80 {
                if b >= 0x0A, b <= 0x0D { return end }
                end += 1
            } else if b == 0xC2 || b == 0xE2 {
                let (v, w) = scalar(bytes, at: end)
                if v == 0x85 || v == 0x2028 || v == 0x2029 { return end }
                end += w
            } else {
                end += b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
            }
        }
        return count
    }

    /// From `from`, past whole eight-byte words of ASCII: where the first word holding a byte of
    /// 0x80 or more (or fewer than eight bytes) starts.
    @inlinable @inline(__always) package static func skipASCIIWords(_ base: UnsafePointer<UInt8>, from: Int, count: Int) -> Int {
        var i = from
        while i + 8 <= count, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
        return i
    }

    /// True when `bytes` is well-formed UTF-8: no stray continuation bytes, overlong forms,
    /// surrogates or values past U+10FFFF (what `String(validating:)` accepts), checked
    /// without building a string.
    package static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        @inline(__always) func continuation(_ k: Int) -> Bool { bytes[k] & 0xC0 == 0x80 }
        guard let base = bytes.baseAddress else { return true }
        while i < n {
            i = skipASCIIWords(base, from: i, count: n)
            guard i < n else { break }
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            if i + 4 <= n {
                // The lead byte and its continuation bytes checked in one word (little-endian:
                // the lead byte is the lowest).
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt32.self).littleEndian
                if w & 0xC0E0 == 0x80C0 {
                    guard b0 >= 0xC2 else { return false }
                    i += 2
                    continue
                }
                if w & 0xC0_C0F0 == 0x80_80E0 {
                    let b1 = UInt8(truncatingIfNeeded: w >> 8)
                    if (b0 == 0xE0 && b1 < 0xA0) || (b0 == 0xED && b1 >= 0xA0) { return false }
                    i += 3
                    continue
                }
                if w & 0xC0C0_C0F8 == 0x8080_80F0 {
                    let b1 = UInt8(truncatingIfNeeded: w >> 8)
                    if b0 >= 0xF5 || (b0 == 0xF0 && b1 < 0x90) || (b0 == 0xF4 && b1 >= 0x90) { return false }
                    i += 4
                    continue
                }
                return false
            }
            if b0 < 0xC2 {
                return false
            } else if b0 < 0xE0 {
                guard i + 1 < n, continuation(i + 1) else { return false }
                i += 2
            } else if b0 < 0xF0 {
                guard i + 2 < n, continuation(i + 1), continuation(i + 2) else { return false }
                let b1 = bytes[i + 1]
                if (b0 == 0xE0 && b1 < 0xA0) || (b0 == 0xED && b1 >= 0xA0) { return false }
                i += 3
            } else if b0 < 0xF5 {
                guard i + 3 < n, continuation(i + 1), continuation(i + 2), continuation(i + 3) else { return false }
                let b1 = bytes[i + 1]
                if (b0 == 0xF0 && b1 < 0x90) || (b0 == 0xF4 && b1 >= 0x90) { return false }
                i += 4
            } else {
                return false
            }
        }
        return true
    }

    /// From `start`, the offset of the first byte that a JSON string scanner must look at: a
    /// quote, a backslash, a control character or (when `stopAtNonASCII`) a byte of 0x80 or
    /// more; `bytes.count` when there is none. Eight bytes at a time.
    @inlinable @inline(__always) package static func skipPlainStringBytes(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, stopAtNonASCII: Bool) -> Int {
        guard let base = bytes.baseAddress else { return start }
        var i = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let highMask = stopAtNonASCII ? highs : 0
        while i + 8 <= bytes.count {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((w &- ones &* 0x20) & ~w)
            if (special & highs) | (w & highMask) != 0 { break }
            i += 8
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x22 || b == 0x5C || b < 0x20 || (stopAtNonASCII && b >= 0x80) { return i }
            i += 1
        }
        return i
    }

    /// Appends the UTF-8 encoding of scalar `v` to a running `h * 33 + byte` hash.
    @inlinable @inline(__always) package static func hash(_ v: UInt32, into h: inout UInt64) {
        @inline(__always) func add(_ b: UInt32) { h = (h << 5) &+ h &+ UInt64(b) }
        if v < 0x80 {
            add(v)
        } else if v < 0x800 {
            add(0xC0 | v >> 6)
            add(0x80 | v & 0x3F)
        } else if v < 0x10000 {
            add(0xE0 | v >> 12)
            add(0x80 | (v >> 6) & 0x3F)
            add(0x80 | v & 0x3F)
        } else {
            add(0xF0 | v >> 18)
            add(0x80 | (v >> 12) & 0x3F)
            add(0x80 | (v >> 6) & 0x3F)
            add(0x80 | v & 0x3F)
        }
    }
}
