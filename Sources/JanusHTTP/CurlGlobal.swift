import CCurl
import Foundation

/// Process-wide libcurl state: `curl_global_init` runs exactly once, before the first handle.
package enum CurlGlobal {
    /// Swift runs a global's initialiser once, thread-safely, on first use.
    private static let initResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// Initialises libcurl if that has not happened yet; false when libcurl refused.
    @discardableResult
    package static func ensureInitialized() -> Bool {
        initResult == CURLE_OK
    }

    /// The libcurl version string (`libcurl/7.88.1 OpenSSL/3.0.11 ...`).
    package static var version: String {
        ensureInitialized()
        guard let text = curl_version() else { return "libcurl" }
        return String(cString: text)
    }
}
