/// Parsing only the fields a caller needs: the top-level object keeps the values of the keys
/// asked for (every occurrence, in order) and checks every other value exactly as strictly as
/// `parse` would (the same errors at the same offsets, UTF-8 included) without building it.
/// Ingest reads one or two fields of records that may carry long answers and conversations.
extension JSONParser {
    /// Like `parse(bytes:)`, but an object keeps only the top-level `keys`; anything that is not
    /// an object is parsed whole.
    public static func parse(bytes: UnsafeBufferPointer<UInt8>, keeping keys: Set<String>) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        guard parser.index < bytes.count, bytes[parser.index] == UInt8(ascii: "{") else { return try parse(bytes: bytes) }
        let value = try parser.parseObject(depth: 0, keeping: keys)
        parser.skipWhitespace()
        if parser.index != bytes.count {
            throw parser.error("unexpected data after the JSON value")
        }
        return value
    }

    package mutating func skipValue(depth: Int) throws(JSONParseError) {
        guard depth < JSONParser.maxDepth else { throw error("nesting deeper than \(JSONParser.maxDepth)") }
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"), UInt8(ascii: "["): try skipContainer(depth: depth)
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try parseNumber()
        default: throw error("unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")
        }
    }

    /// An object or an array, with the messages `parseObject` and `parseArray` give.
    private mutating func skipContainer(depth: Int) throws(JSONParseError) {
        let isObject = bytes[index] == UInt8(ascii: "{")
        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        let kind = isObject ? "object" : "array"
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == close {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            if isObject {
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                try skipString()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                skipWhitespace()
            }
            try skipValue(depth: depth + 1)
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in \(kind)") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == close {
                index += 1
                return
            }
            throw error(isObject ? "expected ',' or '}'" : "expected ',' or ']'")
        }
    }

    /// A string, checked like `parseString` (escapes, control characters, surrogates, UTF-8).
    /// Escapes are ASCII, so the raw bytes are valid UTF-8 exactly when the decoded ones are.
    private mutating func skipString() throws(JSONParseError) {
        index += 1
        let start = index
        var ascii = true
        while index < bytes.count {
            index = UTF8Bytes.skipPlainStringBytes(bytes, from: index, stopAtNonASCII: ascii)
            guard index < bytes.count else { break }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                if !ascii, !UTF8Bytes.isValid(UnsafeBufferPointer(rebasing: bytes[start..<index])) {
                    throw JSONParseError(message: "invalid UTF-8 in string", offset: start)
                }
                index += 1
                return
            }
            if b == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.count else { throw error("unexpected end of input in escape") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"):
                    let scalar = try parseHex4()
                    if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    {
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
                    }
                default:
                    throw error("invalid escape")
                }
                continue
            }
            if b < 0x20 { throw error("control character in string") }
            if b >= 0x80 { ascii = false }
            index += 1
        }
        throw error("unterminated string")
    }
}
