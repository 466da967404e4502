/// Records cut from a source file, as raw bytes, in file order: what the reading thread hands to
/// the worker threads, which decode them.
struct RawBatch: Sendable {
    enum Kind: UInt8, Sendable {
        case record
        /// Longer than the limit: its bytes were skipped, never buffered whole.
        case tooLong
        /// A CSV row whose quoted field never closes.
        case unterminated
    }

    struct Span: Sendable {
        var start: Int
        var count: Int
        /// 1-based line (JSONL, CSV: where the row starts) or element number (JSON array).
        var line: Int
        var kind: Kind
    }

    var sequence = 0
    var bytes: [UInt8] = []
    var spans: [Span] = []
    /// A byte range of a JSON Lines file that the worker reads and splits itself (see
    /// `JSONLFile`); nil when the records are already in `bytes`.
    var range: Range<Int>?
    var file: JSONLFile?
    /// For a range: the spans' lines count from 1 within it, and it holds this many line
    /// ends (the next range's lines start that much later). Nil: lines are absolute.
    var newlines: Int?

    init(sequence: Int = 0, reserving capacity: Int = 0) {
        self.sequence = sequence
        bytes.reserveCapacity(capacity)
    }

    mutating func append(_ pointer: UnsafePointer<UInt8>, count: Int, line: Int) {
        spans.append(Span(start: bytes.count, count: count, line: line, kind: .record))
        bytes.append(contentsOf: UnsafeBufferPointer(start: pointer, count: count))
    }

    /// Adds a record whose bytes are already in `bytes`.
    mutating func appendSpan(start: Int, count: Int, line: Int) {
        spans.append(Span(start: start, count: count, line: line, kind: .record))
    }

    mutating func appendMarker(_ kind: Kind, line: Int) {
        spans.append(Span(start: bytes.count, count: 0, line: line, kind: kind))
    }
}
