import CCurl

/// Why a transfer gave no complete HTTP response.
package struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: String, Sendable {
        /// Could not resolve or connect (refused, no route, or the connect timeout).
        case connect
        /// Connect timeout, total timeout or the low-speed guard fired.
        case timeout
        /// The connection closed before the announced body was complete.
        case truncated
        /// Reset, closed early, or a send/receive error on an established connection.
        case connection
        /// Bad URL, unsupported protocol, TLS certificate rejected: retrying will not help.
        case configuration
        /// The caller's task was cancelled or the transport was shut down.
        case cancelled
        /// Anything else libcurl reports.
        case other
    }

    package var kind: Kind
    /// libcurl's CURLcode, when the error came from libcurl.
    package var code: Int
    package var message: String

    package var description: String { message }

    package static let cancelled = TransportError(kind: .cancelled, code: 0, message: "cancelled")
    package static let shutDown = TransportError(kind: .cancelled, code: 0, message: "the HTTP transport was shut down")

    /// Maps a libcurl result code (and its error-buffer detail) to a kind.
    package init(curlCode: CURLcode, detail: String) {
        let summary = String(cString: curl_easy_strerror(curlCode))
        let kind: Kind
        switch curlCode {
        case CURLE_OPERATION_TIMEDOUT:
            // The connect timeout shares the code of the transfer's timeouts; libcurl's message
            // tells them apart ("Failed to connect to HOST port N after T ms: Timeout was reached"
            // in libcurl 7.8x and 8, "Connection timed out after T milliseconds" before).
            let connecting = detail.hasPrefix("Failed to connect") || detail.hasPrefix("Connection timed out")
            kind = connecting ? .connect : .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: kind = .connect
        case CURLE_PARTIAL_FILE: kind = .truncated
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM,
            CURLE_SSL_CONNECT_ERROR:
            kind = .connection
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_PEER_FAILED_VERIFICATION,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            kind = .configuration
        default: kind = .other
        }
        self.kind = kind
        self.code = Int(curlCode.rawValue)
        self.message = detail.isEmpty ? summary : "\(summary): \(detail)"
    }

    package init(kind: Kind, code: Int, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }
}
