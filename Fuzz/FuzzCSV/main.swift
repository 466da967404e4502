// Fuzzes the CSV reader: any bytes must give rows or errors, never a crash. Two paths:
// `CSVReader.forEachRow` (public, whole input in memory), and the streaming `CSVSplitter` that
// ingest uses, over a 64-byte window (so rows cross refills) with a row limit taken from the
// first input byte (so the too-long path runs), every span decoded as ingest decodes it.
@testable import JanusIngest
import Foundation
import FuzzDriver

@_cdecl("LLVMFuzzerTestOneInput")
func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        try CSVReader.forEachRow(Data(bytes)) { _, line in
            precondition(line >= 1, "row line \(line)")
        }
    } catch {
        // A rejected header is a fine answer.
    }
    guard let first = bytes.first else { return 0 }
    let maxBytes = 1 + Int(first)
    do {
        let window = ByteWindow(MemoryByteSource(Array(bytes.dropFirst())), chunkSize: 64)
        var splitter = try CSVSplitter(window, maxBytes: maxBytes)
        var batch = RawBatch()
        var lastLine = 0
        while try splitter.next(&batch) {}
        for span in batch.spans {
            precondition(span.line >= lastLine, "lines go backwards: \(span.line) after \(lastLine)")
            lastLine = span.line
            precondition(span.count <= maxBytes, "a row of \(span.count) bytes passed a limit of \(maxBytes)")
            _ = RecordDecoder.decode(span, in: batch.bytes, format: .csv, header: splitter.header, maxBytes: maxBytes)
        }
    } catch {
        // A rejected header is a fine answer.
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput))
