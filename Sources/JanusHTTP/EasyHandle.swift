import CCurl
import Foundation
import JanusSupport

/// One libcurl easy handle, owned by this object and cleaned up in `deinit`.
///
/// Confined to the transport thread. Handles are reused across transfers (`curl_easy_reset`
/// keeps the handle's DNS and session caches); connections live in the multi handle's pool.
package final class EasyHandle {
    /// Bodies larger than the request's `maxResponseBytes` are refused.
    private var maxBodyBytes = 64 << 20

    package let raw: UnsafeMutableRawPointer
    private(set) var body: [UInt8] = []
    private(set) var headers = HTTPHeaders()
    private var headerList: HeaderList?
    /// What the handle is set up for (see `prepare`); nil after a failed setup.
    private var lastTarget: Target?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    package init?() {
        guard CurlGlobal.ensureInitialized(), let handle = curl_easy_init() else { return nil }
        raw = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// Sets the handle up for `request`. A request to the same URL with the same method,
    /// headers and CA bundle as the handle's last one (every request to one endpoint) sets only
    /// its limits and body: the rest of the options, the header list among them, stay as they
    /// were, where a reset would free them and copy every string in again. Any other request
    /// resets the handle and sets every option.
    package func prepare(_ request: HTTPRequest) throws(TransportError) {
        // Fresh buffers: the last response's went to its caller, which may still be reading them
        // on another thread (see `takeResponse`).
        body = []
        maxBodyBytes = request.maxResponseBytes
        headers = HTTPHeaders()
        errorBuffer[0] = 0
        let target = Target(request)
        var codes: [CURLcode] = []
        if target != lastTarget {
            lastTarget = nil
            curl_easy_reset(raw)
            codes = setTarget(request)
        }
        let limits = request.limits
        codes += [
            janus_easy_setopt_long(raw, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(limits.connectTimeout)),
            janus_easy_setopt_long(raw, CURLOPT_TIMEOUT_MS, milliseconds(limits.totalTimeout)),
            janus_easy_setopt_long(raw, CURLOPT_LOW_SPEED_LIMIT, max(0, limits.lowSpeedBytes)),
            janus_easy_setopt_long(raw, CURLOPT_LOW_SPEED_TIME, max(0, limits.lowSpeedSeconds)),
        ]
        if request.method == .post {
            codes.append(janus_easy_setopt_off(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            // COPYPOSTFIELDS copies the bytes, so the body need not outlive this call.
            codes.append(
                request.body.withUnsafeBytes { bytes in
                    janus_easy_setopt_pointer(raw, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                })
        }
        if let bad = codes.first(where: { $0 != CURLE_OK }) {
            throw TransportError(curlCode: bad, detail: "while setting up the request")
        }
        lastTarget = target
    }

    /// What a request shares with the others sent to its endpoint.
    private struct Target: Equatable {
        var method: HTTPRequest.Method
        var url: String
        var headers: [String]
        var caBundle: String?

        init(_ request: HTTPRequest) {
            method = request.method
            url = request.url
            headers = request.headers
            caBundle = request.caBundle
        }
    }

    /// The options a reset handle needs for `request`, but its limits and body.
    private func setTarget(_ request: HTTPRequest) -> [CURLcode] {
        let me = Unmanaged.passUnretained(self).toOpaque()
        var codes: [CURLcode] = [
            janus_easy_setopt_string(raw, CURLOPT_URL, request.url),
            janus_easy_setopt_long(raw, CURLOPT_NOSIGNAL, 1),
            janus_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer),
            janus_easy_setopt_write_callback(raw, CURLOPT_WRITEFUNCTION, easyHandleWriteBody),
            janus_easy_setopt_pointer(raw, CURLOPT_WRITEDATA, me),
            janus_easy_setopt_write_callback(raw, CURLOPT_HEADERFUNCTION, easyHandleWriteHeader),
            janus_easy_setopt_pointer(raw, CURLOPT_HEADERDATA, me),
            janus_easy_setopt_long(raw, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS)),
            // Waiting to learn whether a connection multiplexes costs a TLS handshake on
            // https, but on plain http (HTTP/1.1) the answer only comes with the first response:
            // every other transfer would wait out one whole generation before connecting.
            janus_easy_setopt_long(raw, CURLOPT_PIPEWAIT, request.url.prefix(8).lowercased() == "https://" ? 1 : 0),
            janus_easy_setopt_long(raw, CURLOPT_SSL_VERIFYPEER, 1),
            janus_easy_setopt_long(raw, CURLOPT_SSL_VERIFYHOST, 2),
            janus_easy_setopt_string(raw, CURLOPT_PROTOCOLS_STR, "http,https"),
            janus_easy_setopt_string(raw, CURLOPT_ACCEPT_ENCODING, ""),
            janus_easy_setopt_long(raw, CURLOPT_TCP_KEEPALIVE, 1),
        ]
        if let caBundle = request.caBundle {
            codes.append(janus_easy_setopt_string(raw, CURLOPT_CAINFO, caBundle))
        }
        switch request.method {
        case .get:
            codes.append(janus_easy_setopt_long(raw, CURLOPT_HTTPGET, 1))
        case .delete:
            codes.append(janus_easy_setopt_string(raw, CURLOPT_CUSTOMREQUEST, "DELETE"))
        case .post:
            codes.append(janus_easy_setopt_long(raw, CURLOPT_POST, 1))
        }
        // "Expect:" turns off `Expect: 100-continue`, a round trip lost on every large POST.
        let list = HeaderList(request.headers + ["Expect:"])
        headerList = list
        codes.append(janus_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, list.raw))
        return codes
    }

    /// The HTTP status of the last response (0 when none arrived).
    package var responseCode: Int {
        var code = 0
        _ = janus_easy_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// The response's body and headers, leaving the handle with none: the buffers go to the
    /// caller's thread and are never written again by the transport thread when the handle is
    /// reused (a reused handle appending into a buffer the caller read a moment ago is a data
    /// race ordered only by the buffer's reference count, which ThreadSanitizer cannot see).
    func takeResponse() -> HTTPResponse {
        let response = HTTPResponse(status: responseCode, headers: headers, body: body)
        body = []
        headers = HTTPHeaders()
        return response
    }

    /// libcurl's detailed message for the last failure.
    package var errorDetail: String {
        String(cString: errorBuffer)
    }

    fileprivate func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= maxBodyBytes else { return false }
        body.append(contentsOf: bytes)
        return true
    }

    /// One header line as libcurl hands it over (with its line end), parsed on the bytes: the
    /// name and value trimmed of ASCII white space (the bytes need not be valid UTF-8).
    fileprivate func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = bytes.bindMemory(to: UInt8.self)
        let whole = asciiTrimmed(line, 0..<line.count)
        if whole.count >= 5, line[whole.lowerBound..<whole.lowerBound + 5].elementsEqual("HTTP/".utf8) {
            headers = HTTPHeaders()  // a new response head: 1xx or a redirect came before
            return
        }
        guard let colon = line[whole].firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = asciiTrimmed(line, whole.lowerBound..<colon)
        let value = asciiTrimmed(line, (colon + 1)..<whole.upperBound)
        headers.append(name: UnsafeBufferPointer(rebasing: line[name]), value: UnsafeBufferPointer(rebasing: line[value]))
    }

    private func asciiTrimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lo = range.lowerBound
        var hi = range.upperBound
        while lo < hi, isASCIISpace(bytes[lo]) { lo += 1 }
        while hi > lo, isASCIISpace(bytes[hi - 1]) { hi -= 1 }
        return lo..<hi
    }

    private func milliseconds(_ seconds: Double) -> Int {
        seconds > 0 ? Int(min(seconds * 1000, Double(Int32.max)).rounded(.up)) : 0
    }
}

/// A `curl_slist` of header lines, freed in `deinit`.
package final class HeaderList {
    package let raw: UnsafeMutablePointer<curl_slist>?

    package init(_ lines: [String]) {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for line in lines {
            list = curl_slist_append(list, line)
        }
        raw = list
    }

    deinit {
        curl_slist_free_all(raw)
    }
}

private func easyHandleWriteBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return 0 }
    let handle = Unmanaged<EasyHandle>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    return handle.appendBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

private func easyHandleWriteHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return 0 }
    let handle = Unmanaged<EasyHandle>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    handle.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
