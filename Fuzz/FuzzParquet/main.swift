// Fuzzes the Parquet reader: any bytes must give rows or an error, never a crash or a hang.
// The input is the whole file (footer, page headers, pages); every column is read, rows are
// capped (a footer may claim any row count for a file with no columns), and every row is
// decoded as ingest decodes it.
@testable import JanusIngest
import Foundation
import FuzzDriver

@_cdecl("LLVMFuzzerTestOneInput")
func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let file = try ParquetFile(bytes: MemoryRandomAccess(bytes), path: "<fuzz>")
        var splitter = ParquetSplitter(file: file, columns: nil, maxBytes: 1 << 16)
        var batch = RawBatch()
        var rows = 0
        while rows < 10_000, batch.bytes.count < 1 << 23, try splitter.next(&batch) { rows += 1 }
        var lastLine = 0
        for span in batch.spans {
            precondition(span.line == lastLine + 1, "rows are numbered in order")
            lastLine = span.line
            precondition(span.count <= 1 << 16, "a row of \(span.count) bytes passed the limit")
            _ = RecordDecoder.decode(span, in: batch.bytes, format: .parquet, header: [])
        }
    } catch {
        // A rejected file is a fine answer.
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput))
