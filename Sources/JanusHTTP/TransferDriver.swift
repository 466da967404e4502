import CCurl
import Foundation

/// How the transport thread waits for network activity and lets libcurl move transfers on.
/// `step` and everything libcurl calls back belong to the transport thread; `wake` may be
/// called from any thread.
package protocol TransferDriver: AnyObject, Sendable {
    /// The multi handles this driver moves, each with a connection pool of its own (see
    /// `TransferShards`); at least one.
    var multis: [MultiHandle] { get }
    /// Waits (up to a second) for socket activity, a libcurl timer or `wake`, then lets libcurl
    /// progress every transfer that can. Finished transfers are then in `curl_multi_info_read`.
    func step()
    /// Interrupts a `step` in progress (or makes the next one return at once).
    func wake()
}

/// Which driver a transport uses: epoll where there is one (Linux), else `curl_multi_poll`.
/// `JANUS_CURL_DRIVER=poll` picks `curl_multi_poll` anyway, for comparison (BENCHMARKS.md).
package enum TransferDriverKind: String, Sendable {
    case epoll, poll

    /// `poll` when `JANUS_CURL_DRIVER=poll` is set, else `epoll`.
    package static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Self {
        environment["JANUS_CURL_DRIVER"] == "poll" ? .poll : .epoll
    }

    /// A driver of this kind with `shards` multi handles (`poll`, with one, where epoll is
    /// unavailable), each allowing `streams` HTTP/2 streams a connection; nil when libcurl cannot
    /// make a multi handle.
    package func make(shards: Int, streams: Int) -> (any TransferDriver)? {
        #if os(Linux)
            if self == .epoll {
                let multis = (0..<max(1, shards)).compactMap { _ in MultiHandle(streams: streams) }
                guard !multis.isEmpty else { return nil }
                if let driver = EpollDriver(multis: multis) { return driver }
            }
        #endif
        return MultiHandle(streams: streams).map(PollDriver.init)
    }
}

/// `curl_multi_perform` + `curl_multi_poll`: portable, but every pass walks every transfer and
/// hands the kernel every socket, so its cost grows with the number of open transfers. One
/// multi handle (`curl_multi_poll` waits on one).
package final class PollDriver: TransferDriver {
    private let multi: MultiHandle
    package var multis: [MultiHandle] { [multi] }

    package init(multi: MultiHandle) {
        self.multi = multi
    }

    package func step() {
        multi.poll(timeoutMilliseconds: 1000)
        multi.perform()
    }

    package func wake() {
        multi.wakeup()
    }
}
