// Fuzzes `JSONParser.parse(bytes:)` against Foundation's `JSONSerialization` (same acceptance,
// same values: ReferenceComparison.swift) and against `parse(bytes:keeping:)`: both entry points
// must accept and reject the same inputs (with the same error), and what `keeping` keeps must
// equal the corresponding pairs of the full parse.
@testable import JanusSupport
import Foundation
import FuzzDriver

private let kept: Set<String> = ["prompt", "a", ""]

@_cdecl("LLVMFuzzerTestOneInput")
func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let full = Result { () throws(JSONParseError) in try JSONParser.parse(bytes: bytes) }
    let partial = Result { () throws(JSONParseError) in try JSONParser.parse(bytes: bytes, keeping: kept) }
    switch (full, partial) {
    case let (.success(value), .success(keptValue)):
        if case let .object(pairs) = value {
            let expected = JSONValue.object(pairs.filter { kept.contains($0.0) })
            precondition(expected == keptValue, "keeping: kept values differ from the full parse")
        } else {
            precondition(value == keptValue, "keeping: a non-object parsed differently")
        }
    case let (.failure(a), .failure(b)):
        precondition(a == b, "different errors: \(a) vs \(b)")
    case let (.success, .failure(error)):
        preconditionFailure("parse accepted, parse(keeping:) rejected: \(error)")
    case (.failure(let error), .success):
        preconditionFailure("parse rejected (\(error)), parse(keeping:) accepted")
    }
    ReferenceComparison.check(Array(bytes))
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput))
