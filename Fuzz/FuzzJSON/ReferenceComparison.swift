// Compares `JSONParser.parse(bytes:)` with Foundation's `JSONSerialization` on the same bytes:
// both accept or both reject, and what both accept has the same value. Where the two differ on
// purpose (see `check` and `compareRewritten`), the input is first brought to a form both read
// the same way, and the comparison runs on that.
@testable import JanusSupport
import Foundation

enum ReferenceComparison {
    static func check(_ bytes: [UInt8]) {
        let ours = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) in try JSONParser.parse(bytes: buffer) }
        }
        // The reference also reads UTF-16 and UTF-32, chosen by a byte order mark or by NUL bytes
        // among the first four. JSON between systems is UTF-8 (RFC 8259 §8.1) and ours reads only
        // that; a NUL byte is never valid in it (a control character inside a string, nothing
        // outside one), so ours must reject these inputs.
        if !referenceReadsUTF8(bytes) {
            precondition((try? ours.get()) == nil, "accepted what the reference reads as UTF-16/32: \(shown(bytes))")
            return
        }
        // A UTF-8 byte order mark: the reference skips it, ours rejects it (RFC 8259 §8.1 allows
        // both). What follows it must compare the same.
        if bytes.starts(with: utf8BOM) {
            guard case let .failure(error) = ours, error.offset == 0 else { preconditionFailure("accepted a byte order mark") }
            check(Array(bytes.dropFirst(utf8BOM.count)))
            return
        }
        let reference = Result { try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) }
        switch (ours, reference) {
        case let (.success(value), .success(object)):
            if !same(value, object) {
                compareRewritten(bytes, value, "values differ: \(value) vs the reference's \(object)")
            }
        case (.failure, .failure):
            break
        case let (.failure(error), .success):
            // The reference accepts a trailing comma (`[1,]`, `{"a":1,}`); RFC 8259 does not, nor
            // does ours, which stops at the bracket after it. Without that comma they must agree.
            guard let comma = trailingComma(endingAt: error.offset, in: bytes) else {
                preconditionFailure("ours rejected (\(error)), the reference accepted \(shown(bytes))")
            }
            var edited = bytes
            edited.remove(at: comma)
            check(edited)
        case let (.success(value), .failure(error)):
            compareRewritten(bytes, value, "ours accepted, the reference rejected (\(error))")
        }
    }

    /// Two more differences, both inside strings, where ours follows RFC 8259 and the reference
    /// does not: it rejects a lone surrogate escape (`\ud800` without a low one after it, or
    /// `\udc00` without a high one before it), which ours reads as U+FFFD (§8.2 leaves it to the
    /// reader; Python's json writes them); and it drops a U+FEFF written raw at the start of a
    /// string or right after an escape (it decodes each unescaped run as a document of its own,
    /// byte order mark skipped), which ours keeps. Each of these written as an escape the
    /// reference reads as ours does (`\ufffd`, `\ufeff`) must leave our value unchanged, and then
    /// the two must agree. Fails with `message` when there is nothing to rewrite.
    static func compareRewritten(_ bytes: [UInt8], _ value: JSONValue, _ message: @autoclosure () -> String) {
        let rewritten = rewrittenForReference(bytes)
        guard rewritten != bytes else { preconditionFailure("\(message()) for \(shown(bytes))") }
        let again = rewritten.withUnsafeBufferPointer { buffer in try? JSONParser.parse(bytes: buffer) }
        precondition(again == value, "ours reads \(shown(rewritten)) differently from \(shown(bytes))")
        check(rewritten)
    }

    static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// False when `JSONSerialization` would read the bytes as UTF-16 or UTF-32 (its encoding
    /// detection, taken here on the safe side: any NUL among the first four bytes).
    static func referenceReadsUTF8(_ bytes: [UInt8]) -> Bool {
        let boms: [[UInt8]] = [[0xFE, 0xFF], [0xFF, 0xFE], [0x00, 0x00, 0xFE, 0xFF]]
        if boms.contains(where: { bytes.starts(with: $0) }) { return false }
        return bytes.count < 2 || !bytes.prefix(4).contains(0)
    }

    /// The index of the comma before the `]` or `}` at `offset`, with only whitespace between.
    static func trailingComma(endingAt offset: Int, in bytes: [UInt8]) -> Int? {
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "]") || bytes[offset] == UInt8(ascii: "}") else { return nil }
        var i = offset - 1
        while i >= 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i -= 1 }
        return i >= 0 && bytes[i] == UInt8(ascii: ",") ? i : nil
    }

    /// The same text with each lone surrogate escape written `\ufffd`, and each U+FEFF at the
    /// start of an unescaped run in a string written `\ufeff` (see `compareRewritten`). Only for
    /// text ours accepted, so strings and escapes are well formed.
    static func rewrittenForReference(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        var inString = false
        var runStart = false
        func unit(at j: Int) -> UInt32? {
            guard j + 6 <= bytes.count, bytes[j] == UInt8(ascii: "\\"), bytes[j + 1] == UInt8(ascii: "u") else { return nil }
            return UInt32(String(decoding: bytes[(j + 2)..<(j + 6)], as: UTF8.self), radix: 16)
        }
        while i < bytes.count {
            let b = bytes[i]
            if !inString || b == UInt8(ascii: "\"") {
                inString = inString != (b == UInt8(ascii: "\""))
                runStart = inString
                out.append(b)
                i += 1
            } else if b == UInt8(ascii: "\\") {
                let length: Int
                if let u = unit(at: i), (0xD800..<0xDC00).contains(u), let low = unit(at: i + 6), (0xDC00..<0xE000).contains(low) {
                    length = 12
                } else if let u = unit(at: i) {
                    length = 6
                    if (0xD800..<0xE000).contains(u) {
                        out.append(contentsOf: Array("\\ufffd".utf8))
                        i += length
                        runStart = true
                        continue
                    }
                } else {
                    length = 2
                }
                out.append(contentsOf: bytes[i..<min(bytes.count, i + length)])
                i += length
                runStart = true
            } else if runStart, bytes[i...].starts(with: utf8BOM) {
                out.append(contentsOf: Array("\\ufeff".utf8))
                i += utf8BOM.count
            } else {
                out.append(b)
                i += 1
                runStart = false
            }
        }
        return out
    }

    /// Booleans come back as NSNumber too, of their own class.
    static let booleanClass: AnyClass = type(of: NSNumber(value: true))

    /// Whether `value` and the reference's `object` are the same JSON value. Strings compare by
    /// their UTF-8 bytes (Swift's `==` would call canonically equivalent strings equal). An
    /// object compares as the reference builds it: a Swift dictionary in which a repeated key's
    /// last value wins.
    static func same(_ value: JSONValue, _ object: Any) -> Bool {
        switch value {
        case .null:
            return object is NSNull
        case let .bool(b):
            guard let n = object as? NSNumber, type(of: n) == booleanClass else { return false }
            return n.boolValue == b
        case let .integer(i):
            guard let n = object as? NSNumber, type(of: n) != booleanClass else { return false }
            if let d = n as? NSDecimalNumber { return d.decimalValue == Decimal(i) }
            return n.int64Value == Int64(i) && n.doubleValue == Double(i)
        case let .number(d):
            guard let n = object as? NSNumber, type(of: n) != booleanClass else { return false }
            guard let decimal = n as? NSDecimalNumber else { return n.doubleValue == d }
            // A Decimal keeps 38 digits; past that its digits were rounded once already, so the
            // nearest double can be one step away from ours (which rounds the text once).
            guard let r = Double(decimal.description) else { return false }
            return r == d || abs(r - d) <= d.ulp
        case let .string(s):
            guard let r = object as? String else { return false }
            return s.utf8.elementsEqual(r.utf8)
        case let .array(items):
            guard let r = object as? [Any], r.count == items.count else { return false }
            return zip(items, r).allSatisfy { same($0, $1) }
        case let .object(pairs):
            guard let r = object as? [String: Any] else { return false }
            var last: [String: JSONValue] = [:]
            for (key, v) in pairs { last[key] = v }
            guard last.count == r.count else { return false }
            guard Set(last.keys.map { Array($0.utf8) }) == Set(r.keys.map { Array($0.utf8) }) else { return false }
            return last.allSatisfy { key, v in r[key].map { same(v, $0) } ?? false }
        }
    }

    static func shown(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(200), as: UTF8.self).debugDescription
    }
}
