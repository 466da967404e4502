// Fuzzes `PreferenceSetParser.parse` with arbitrary (UTF-8-decoded) model answers.
import JanusCore
import Foundation
import FuzzDriver

@_cdecl("LLVMFuzzerTestOneInput")
func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let answer = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let set = try? PreferenceSetParser.parse(answer) {
        precondition(set.preferences.count == 4, "accepted a set of \(set.preferences.count)")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput))
