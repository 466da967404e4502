#if os(Linux)
    import CCurl
    import CSystem
    import Foundation
    import Glibc

    /// `curl_multi_socket_action` on epoll: libcurl says which sockets to watch
    /// (CURLMOPT_SOCKETFUNCTION) and when it next needs a call (CURLMOPT_TIMERFUNCTION); epoll
    /// reports only the sockets that are ready, so a pass costs O(ready sockets), not
    /// O(open transfers). An eventfd in the same epoll set carries `wake`.
    ///
    /// One epoll set serves every multi handle of the transport (its shards, see
    /// `TransferShards`): each descriptor belongs to the shard whose libcurl asked for it, and
    /// each shard has its own timer.
    ///
    /// Confined to the transport thread, except `wake` (a write to the eventfd).
    final class EpollDriver: TransferDriver, @unchecked Sendable {
        let multis: [MultiHandle]
        private let epoll: Int32
        private let wakeFD: Int32
        /// What libcurl's callbacks are given: the driver and which shard calls.
        private var callers: [Caller] = []
        /// When each shard's libcurl wants `CURL_SOCKET_TIMEOUT`, in monotonic milliseconds;
        /// nil: no timer.
        private var deadlines: [UInt64?]
        /// What each descriptor is registered for (libcurl's 1, 2 or 3), indexed by descriptor;
        /// 0: not in the epoll set. A connection goes back to the pool after each answer (libcurl
        /// removes its socket) and is watched again by the next request, so adding it with one
        /// EPOLL_CTL_ADD, not a failed MOD first, saves a system call per request.
        private var interests: [UInt8] = []
        /// The shard each registered descriptor belongs to, indexed by descriptor.
        private var owners: [UInt8] = []
        private var readyFDs = [Int32](repeating: 0, count: EpollDriver.batch)
        private var readyFlags = [Int32](repeating: 0, count: EpollDriver.batch)
        private static let batch = 256

        /// The context libcurl hands back to the callbacks of one shard.
        fileprivate final class Caller {
            unowned let driver: EpollDriver
            let shard: Int

            init(driver: EpollDriver, shard: Int) {
                self.driver = driver
                self.shard = shard
            }
        }

        /// `multis`: at most 256 (a shard's number is kept in a byte per descriptor).
        init?(multis: [MultiHandle]) {
            precondition(!multis.isEmpty && multis.count <= 256, "1 to 256 multi handles")
            let epoll = janus_epoll_create()
            guard epoll >= 0 else { return nil }
            let wakeFD = janus_eventfd()
            guard wakeFD >= 0, janus_epoll_watch(epoll, wakeFD, 1, 0) == 0 else {
                close(epoll)
                if wakeFD >= 0 { close(wakeFD) }
                return nil
            }
            self.multis = multis
            self.epoll = epoll
            self.wakeFD = wakeFD
            deadlines = Array(repeating: nil, count: multis.count)
            for (shard, multi) in multis.enumerated() {
                let caller = Caller(driver: self, shard: shard)
                callers.append(caller)
                multi.setSocketCallbacks(
                    context: Unmanaged.passUnretained(caller).toOpaque(), socket: epollDriverSocket, timer: epollDriverTimer)
            }
        }

        deinit {
            // The multi handles may outlive this object and call back while they clean up.
            for multi in multis { multi.clearSocketCallbacks() }
            close(epoll)
            close(wakeFD)
        }

        func step() {
            var timeout: Int32 = 1000
            if let deadline = deadlines.lazy.compactMap({ $0 }).min() {
                let now = EpollDriver.nowMilliseconds()
                timeout = deadline <= now ? 0 : Int32(min(deadline - now, 1000))
            }
            let count = janus_epoll_wait(epoll, &readyFDs, &readyFlags, Int32(EpollDriver.batch), timeout)
            for index in 0..<max(0, Int(count)) {
                let fd = readyFDs[index]
                if fd == wakeFD {
                    janus_eventfd_drain(wakeFD)
                } else if Int(fd) < owners.count {
                    multis[Int(owners[Int(fd)])].socketAction(fd, flags: readyFlags[index])
                }
            }
            let now = EpollDriver.nowMilliseconds()
            for shard in deadlines.indices {
                guard let deadline = deadlines[shard], deadline <= now else { continue }
                deadlines[shard] = nil  // one-shot; libcurl sets the next one from inside the call
                multis[shard].timeoutAction()
            }
        }

        func wake() {
            janus_eventfd_signal(wakeFD)
        }

        /// CURLMOPT_SOCKETFUNCTION of `shard`: `what` is CURL_POLL_IN/OUT/INOUT (1/2/3) or
        /// REMOVE (4).
        fileprivate func watch(_ fd: Int32, what: Int32, shard: Int) {
            guard fd >= 0 else { return }
            let interest = UInt8(what == CURL_POLL_REMOVE ? 0 : what & 3)
            let index = Int(fd)
            if index >= interests.count {
                let more = index + 1 - interests.count
                interests.append(contentsOf: repeatElement(0, count: more))
                owners.append(contentsOf: repeatElement(0, count: more))
            }
            let current = interests[index]
            if interest == 0 {
                // A removal from a shard the descriptor no longer belongs to (its number went to
                // another shard's new socket) leaves the new owner's watch alone.
                guard current != 0, Int(owners[index]) == shard else { return }
                _ = janus_epoll_watch(epoll, fd, 0, 1)
            } else {
                // Registered again even when unchanged: a descriptor closed without a removal
                // (and its number reused) would otherwise never be watched.
                _ = janus_epoll_watch(epoll, fd, Int32(interest), current == 0 ? 0 : 1)
                owners[index] = UInt8(shard)
            }
            interests[index] = interest
        }

        /// CURLMOPT_TIMERFUNCTION of `shard`: -1 deletes the timer, 0 means as soon as possible.
        fileprivate func setTimer(milliseconds: Int, shard: Int) {
            deadlines[shard] = milliseconds < 0 ? nil : EpollDriver.nowMilliseconds() + UInt64(milliseconds)
        }

        private static func nowMilliseconds() -> UInt64 {
            DispatchTime.now().uptimeNanoseconds / 1_000_000
        }
    }

    private func epollDriverSocket(
        _ easy: UnsafeMutableRawPointer?, _ fd: curl_socket_t, _ what: Int32, _ context: UnsafeMutableRawPointer?,
        _ socketContext: UnsafeMutableRawPointer?
    ) -> Int32 {
        guard let context else { return 0 }
        let caller = Unmanaged<EpollDriver.Caller>.fromOpaque(context).takeUnretainedValue()
        caller.driver.watch(fd, what: what, shard: caller.shard)
        return 0
    }

    private func epollDriverTimer(_ multi: UnsafeMutableRawPointer?, _ milliseconds: Int, _ context: UnsafeMutableRawPointer?) -> Int32 {
        guard let context else { return 0 }
        let caller = Unmanaged<EpollDriver.Caller>.fromOpaque(context).takeUnretainedValue()
        caller.driver.setTimer(milliseconds: milliseconds, shard: caller.shard)
        return 0
    }
#endif
