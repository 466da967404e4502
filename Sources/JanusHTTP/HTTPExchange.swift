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
package struct HTTPHeaders: Sendable, Hashable {
    package private(set) var fields: [(name: String, value: String)] = []

    package init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    package mutating func append(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// The first value of the field named `name`.
    package subscript(name: String) -> String? {
        fields.first { HTTPHeaders.sameName($0.name, name) }?.value
    }

    /// Header names compare without regard to ASCII case (RFC 9110), byte by byte.
    package static func sameName(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8) { x, y in
            x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= 0x61 && (x | 0x20) <= 0x7A)
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
