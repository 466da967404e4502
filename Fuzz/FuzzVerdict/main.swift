// Fuzzes `VerdictParser.parse` with arbitrary (UTF-8-decoded) judge answers: it never crashes,
// and what it accepts is one score from 1 to 5 whose marker is gone from the feedback.
import JanusCore
import Foundation
import FuzzDriver

@_cdecl("LLVMFuzzerTestOneInput")
func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let answer = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let verdict = try? VerdictParser.parse(answer) {
        precondition((1...5).contains(verdict.score), "accepted the score \(verdict.score)")
        precondition(verdict.feedback.unicodeScalars.count <= answer.unicodeScalars.count, "the feedback grew")
        precondition(Verdict(stored: verdict.json.serialized()) == verdict, "a stored verdict does not read back")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput))
