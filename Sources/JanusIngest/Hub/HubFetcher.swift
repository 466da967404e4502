import CCurl
import Foundation
import JanusHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// Blocking HTTP GETs for the Hub with libcurl: small JSON answers into memory, files appended
/// to an open file (so a cut download resumes with a `Range` request). Redirects are followed
/// (the Hub sends LFS files to a CDN); the token goes only to the Hub's own host.
final class HubFetcher {
    struct Response {
        var status: Int
        var body: [UInt8]
        var headers: [String: String]
    }

    let token: String?
    let endpointHost: String?

    init(token: String?, endpoint: String) {
        self.token = token
        endpointHost = URLComponents(string: endpoint)?.host
    }

    /// GETs `url` into memory (at most `limit` bytes).
    func get(_ url: String, limit: Int = 64 << 20) throws -> Response {
        let sink = Sink(file: nil, limit: limit)
        let status = try perform(url, sink: sink, rangeFrom: 0)
        return Response(status: status, body: sink.body, headers: sink.headers)
    }

    /// GETs `url` from byte `offset` on, appending to `fd`. Returns the status and how many
    /// bytes were appended (which may be some even when the transfer failed part way).
    func download(_ url: String, to fd: Int32, from offset: Int) throws -> (status: Int, written: Int, error: String?) {
        let sink = Sink(file: fd, limit: Int.max)
        sink.resumedFrom = offset
        do {
            let status = try perform(url, sink: sink, rangeFrom: offset)
            return (status, sink.written, nil)
        } catch let error as IngestError {
            return (0, sink.written, error.localizedDescription)
        }
    }

    private func perform(_ url: String, sink: Sink, rangeFrom: Int) throws -> Int {
        guard CurlGlobal.ensureInitialized(), let handle = curl_easy_init() else {
            throw IngestError.cannotRead(path: url, reason: "libcurl could not start")
        }
        defer { curl_easy_cleanup(handle) }
        var lines: [String] = ["Accept: application/json, */*"]
        if let token, !token.isEmpty, URLComponents(string: url)?.host == endpointHost { lines.append("Authorization: Bearer \(token)") }
        let headerList = HeaderList(lines)
        let me = Unmanaged.passUnretained(sink).toOpaque()
        var codes: [CURLcode] = [
            janus_easy_setopt_string(handle, CURLOPT_URL, url),
            janus_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            janus_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1),
            janus_easy_setopt_long(handle, CURLOPT_MAXREDIRS, 10),
            janus_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"),
            janus_easy_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"),
            janus_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, 30_000),
            janus_easy_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1),
            janus_easy_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, 60),
            janus_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList.raw),
            janus_easy_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION, hubWriteBody),
            janus_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, me),
            janus_easy_setopt_write_callback(handle, CURLOPT_HEADERFUNCTION, hubWriteHeader),
            janus_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, me),
        ]
        if rangeFrom > 0 { codes.append(janus_easy_setopt_string(handle, CURLOPT_RANGE, "\(rangeFrom)-")) }
        if let bad = codes.first(where: { $0 != CURLE_OK }) {
            throw IngestError.cannotRead(path: url, reason: "libcurl option refused (\(bad.rawValue))")
        }
        let code = curl_easy_perform(handle)
        if let failure = sink.failure { throw IngestError.cannotRead(path: url, reason: failure) }
        guard code == CURLE_OK else {
            throw IngestError.cannotRead(path: url, reason: String(cString: curl_easy_strerror(code)))
        }
        var status = 0
        _ = janus_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return status
    }

    /// Where a transfer's bytes go; written by the libcurl callbacks on the calling thread.
    final class Sink {
        let file: Int32?
        let limit: Int
        var body: [UInt8] = []
        var headers: [String: String] = [:]
        var written = 0
        var failure: String?
        var status = 0
        /// A server that ignores `Range` sends the whole file: start it over.
        var resumedFrom = 0

        init(file: Int32?, limit: Int) {
            self.file = file
            self.limit = limit
        }

        func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
            // Only a success's body is the file; an error page stays in memory for the message.
            if let file, status == 200 || status == 206 {
                if status == 200, resumedFrom > 0 {
                    resumedFrom = 0
                    guard ftruncate(file, 0) == 0 else {
                        failure = "cannot restart the download: \(String(cString: strerror(errno)))"
                        return false
                    }
                }
                var done = 0
                while done < bytes.count {
                    guard let base = bytes.baseAddress else { return false }
                    let n = Glibc.write(file, base + done, bytes.count - done)
                    if n < 0, errno == EINTR { continue }
                    guard n > 0 else {
                        failure = "cannot write the download: \(String(cString: strerror(errno)))"
                        return false
                    }
                    done += n
                }
                written += bytes.count
                return true
            }
            guard body.count + bytes.count <= min(limit, 1 << 26) else {
                failure = "the answer is larger than \(limit) bytes"
                return false
            }
            body.append(contentsOf: bytes)
            return true
        }

        func header(_ bytes: UnsafeRawBufferPointer) {
            let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasPrefix("HTTP/") {
                headers = [:]
                let parts = line.split(separator: " ")
                status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
                return
            }
            guard let colon = line.firstIndex(of: ":") else { return }
            headers[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] =
                line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }
}

private func hubWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let sink = Unmanaged<HubFetcher.Sink>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    return sink.append(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

private func hubWriteHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let sink = Unmanaged<HubFetcher.Sink>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    sink.header(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
