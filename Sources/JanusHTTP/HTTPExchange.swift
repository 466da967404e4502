import Foundation

/// How long one transfer may take, from `ClientSettings`.
struct TransferLimits: Sendable, Hashable {
    var connectTimeout: Double
    var totalTimeout: Double
    /// Abort when slower than `lowSpeedBytes` per second for `lowSpeedSeconds`.
    var lowSpeedBytes: Int
    var lowSpeedSeconds: Int

    init(connectTimeout: Double = 10, totalTimeout: Double = 600, lowSpeedBytes: Int = 1, lowSpeedSeconds: Int = 120) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.lowSpeedBytes = lowSpeedBytes
        self.lowSpeedSeconds = lowSpeedSeconds
    }

    init(_ settings: ClientSettings) {
        self.init(
            connectTimeout: settings.connectTimeout, totalTimeout: settings.totalTimeout,
            lowSpeedBytes: settings.lowSpeedBytes, lowSpeedSeconds: settings.lowSpeedSeconds)
    }
}

/// One HTTP request for the transport. Header lines are `Name: value`.
struct HTTPRequest: Sendable {
    enum Method: String, Sendable { case get = "GET", post = "POST" }

    var method: Method
    var url: String
    var headers: [String]
    var body: [UInt8]
    var limits: TransferLimits
    /// The CA certificates (PEM file) that https is verified with; nil: libcurl's default.
    var caBundle: String?

    init(
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
struct HTTPHeaders: Sendable, Hashable {
    private(set) var fields: [(name: String, value: String)] = []

    init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    mutating func append(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// The first value of the field named `name`.
    subscript(name: String) -> String? {
        fields.first { HTTPHeaders.sameName($0.name, name) }?.value
    }

    /// Header names compare without regard to ASCII case (RFC 9110), byte by byte.
    static func sameName(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8) { x, y in
            x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= 0x61 && (x | 0x20) <= 0x7A)
        }
    }

    static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }
}

/// A complete HTTP response, whatever its status.
struct HTTPResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
}
