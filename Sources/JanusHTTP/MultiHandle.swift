import CCurl

/// The libcurl multi handle, owned by this object and cleaned up in `deinit`. It holds the
/// connection pool that every transfer shares (keep-alive reuse, HTTP/2 multiplexing).
///
/// `perform`, `poll`, the socket actions, `add`, `remove` and `nextDone` belong to the transport thread; only
/// `wakeup` may be called from another thread (libcurl documents it as thread-safe).
package final class MultiHandle: @unchecked Sendable {
    package let raw: UnsafeMutableRawPointer

    /// `streams`: HTTP/2 streams libcurl opens on one connection at most. libcurl 7.88 parks a
    /// transfer that finds every connection at this limit (with `CURLOPT_PIPEWAIT`) and may
    /// never wake it, so it is set to the most transfers the caller runs at once; a server's
    /// lower `SETTINGS_MAX_CONCURRENT_STREAMS` is honoured by nghttp2, which queues the rest.
    package init?(streams: Int = 100) {
        guard CurlGlobal.ensureInitialized(), let handle = curl_multi_init() else { return nil }
        raw = handle
        _ = janus_multi_setopt_long(raw, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        _ = janus_multi_setopt_long(raw, CURLMOPT_MAX_CONCURRENT_STREAMS, max(100, streams))
    }

    deinit {
        curl_multi_cleanup(raw)
    }

    package func add(_ easy: EasyHandle) -> Bool {
        curl_multi_add_handle(raw, easy.raw) == CURLM_OK
    }

    package func remove(_ easy: EasyHandle) {
        _ = curl_multi_remove_handle(raw, easy.raw)
    }

    /// Moves every transfer as far as it can go without blocking.
    package func perform() {
        var running: Int32 = 0
        _ = curl_multi_perform(raw, &running)
    }

    /// Waits for socket activity, libcurl's next timer, a `wakeup`, or `timeoutMilliseconds`.
    package func poll(timeoutMilliseconds: Int32) {
        var ready: Int32 = 0
        _ = curl_multi_poll(raw, nil, 0, timeoutMilliseconds, &ready)
    }

    /// Lets libcurl act on `fd`, which epoll reported ready (`flags`: CURL_CSELECT_* bits).
    package func socketAction(_ fd: Int32, flags: Int32) {
        var running: Int32 = 0
        _ = curl_multi_socket_action(raw, fd, flags, &running)
    }

    /// Lets libcurl act on the timer it asked for (timeouts, connects, newly added transfers).
    package func timeoutAction() {
        var running: Int32 = 0
        _ = curl_multi_socket_action(raw, CURL_SOCKET_TIMEOUT, 0, &running)
    }

    /// Routes socket-interest and timer updates to `socket` and `timer`, with `context`.
    package func setSocketCallbacks(
        context: UnsafeMutableRawPointer, socket: janus_socket_callback, timer: janus_timer_callback
    ) {
        _ = janus_multi_setopt_pointer(raw, CURLMOPT_SOCKETDATA, context)
        _ = janus_multi_setopt_pointer(raw, CURLMOPT_TIMERDATA, context)
        _ = janus_multi_setopt_socket_callback(raw, socket)
        _ = janus_multi_setopt_timer_callback(raw, timer)
    }

    /// Stops the callbacks set with `setSocketCallbacks`.
    package func clearSocketCallbacks() {
        _ = janus_multi_setopt_socket_callback(raw, nil)
        _ = janus_multi_setopt_timer_callback(raw, nil)
        _ = janus_multi_setopt_pointer(raw, CURLMOPT_SOCKETDATA, nil)
        _ = janus_multi_setopt_pointer(raw, CURLMOPT_TIMERDATA, nil)
    }

    /// Interrupts a `poll` on the transport thread. Thread-safe.
    package func wakeup() {
        _ = curl_multi_wakeup(raw)
    }

    /// The next finished transfer: its easy handle and result code.
    package func nextDone() -> (handle: UnsafeMutableRawPointer, result: CURLcode)? {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(raw, &queued) {
            if message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle {
                return (easy, message.pointee.data.result)
            }
        }
        return nil
    }
}
