import Foundation

/// How long one transfer may take.
package struct TransferLimits: Sendable, Hashable {
    package var connectTimeout: Double
    package var totalTimeout: Double
    /// Abort when slower than `lowSpeedBytes` per second for `lowSpeedSeconds`.
    package var lowSpeedBytes: Int
    package var lowSpeedSeconds: Int

    package init(connectTimeout: Double = 10, totalTimeout: Double = 600, lowSpeedBytes: Int = 1, lowSpeedSeconds: Int = 120) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.lowSpeedBytes = lowSpeedBytes
        self.lowSpeedSeconds = lowSpeedSeconds
    }
}

/// One HTTP request for the transport. Header lines are `Name: value`.
package struct HTTPRequest: Sendable {
    package enum Method: String, Sendable { case get = "GET", post = "POST", delete = "DELETE" }

    package var method: Method
    package var url: String
    package var headers: [String]
    package var body: [UInt8]
    package var limits: TransferLimits
    /// The CA certificates (PEM file) that https is verified with; nil: libcurl's default.
    package var caBundle: String?
    /// Larger response bodies are refused (a batch output file is far larger than a completion).
    package var maxResponseBytes = 64 << 20

    package init(
        method: Method = .post, url: String, headers: [String] = [], body: [UInt8] = [], limits: TransferLimits = TransferLimits(),
        caBundle: String? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.limits = limits
        self.caBundle = caBundle
    }
}

/// Response headers of the final response (interim 1xx and redirect heads are dropped).
/// Names compare case-insensitively.
///
/// Kept as the bytes libcurl hands over, names and values one after another in one buffer
/// with their spans beside them: a response's dozen fields cost two allocations, not two
/// strings each. Strings are made only for the fields asked for.
package struct HTTPHeaders: Sendable, Hashable {
    private var bytes: [UInt8] = []
    /// Each field's name and value, as offsets into `bytes`.
    private var spans: [(name: Range<Int>, value: Range<Int>)] = []

    package init(_ fields: [(String, String)] = []) {
        for (name, value) in fields { append(name: name, value: value) }
    }

    package mutating func append(name: String, value: String) {
        var name = name, value = value
        name.withUTF8 { name in value.withUTF8 { value in append(name: name, value: value) } }
    }

    /// Appends a field from its bytes (not necessarily valid UTF-8: the strings made from it
    /// repair what is not).
    package mutating func append(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        if bytes.isEmpty { bytes.reserveCapacity(1024) }
        if spans.isEmpty { spans.reserveCapacity(16) }
        let nameStart = bytes.count
        bytes.append(contentsOf: name)
        let valueStart = bytes.count
        bytes.append(contentsOf: value)
        spans.append((nameStart..<valueStart, valueStart..<bytes.count))
    }

    /// Every field, in order, as strings.
    package var fields: [(name: String, value: String)] {
        spans.map { (string(of: $0.name), string(of: $0.value)) }
    }

    /// The first value of the field named `name`.
    package subscript(name: String) -> String? {
        firstValue(named: name)
    }

    /// The first value of the field named `name`; `name` compared without regard to ASCII case.
    package func firstValue(named name: String) -> String? {
        for span in spans where sameName(span.name, name) { return string(of: span.value) }
        return nil
    }

    /// Calls `body` with each field's name and value bytes, in order.
    package func forEachField(_ body: (_ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer { all in
            for span in spans { body(UnsafeBufferPointer(rebasing: all[span.name]), UnsafeBufferPointer(rebasing: all[span.value])) }
        }
    }

    private func string(of range: Range<Int>) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    private func sameName(_ range: Range<Int>, _ name: String) -> Bool {
        bytes.withUnsafeBufferPointer { HTTPHeaders.sameName(UnsafeBufferPointer(rebasing: $0[range]), name) }
    }

    /// Header names compare without regard to ASCII case (RFC 9110), byte by byte.
    package static func sameName(_ a: String, _ b: String) -> Bool {
        var a = a
        return a.withUTF8 { sameName($0, b) }
    }

    /// As `sameName(_:_:)`, for a name's bytes. Concrete types, not generic over collections:
    /// called from another module, a generic comparison ran unspecialized, a witness call per byte.
    package static func sameName(_ a: UnsafeBufferPointer<UInt8>, _ b: String) -> Bool {
        var b = b
        return b.withUTF8 { b in
            guard a.count == b.count else { return false }
            for index in 0..<a.count {
                let x = a[index], y = b[index]
                guard x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= 0x61 && (x | 0x20) <= 0x7A) else { return false }
            }
            return true
        }
    }

    package static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    package func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }
}

/// A complete HTTP response, whatever its status.
package struct HTTPResponse: Sendable {
    package var status: Int
    package var headers: HTTPHeaders
    package var body: [UInt8]
}
