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
    /// Confined to the transport thread, except `wake` (a write to the eventfd).
    final class EpollDriver: TransferDriver, @unchecked Sendable {
        private let multi: MultiHandle
        private let epoll: Int32
        private let wakeFD: Int32
        /// When libcurl wants `CURL_SOCKET_TIMEOUT`, in monotonic milliseconds; nil: no timer.
        private var deadline: UInt64?
        /// What each descriptor is registered for (libcurl's 1, 2 or 3), indexed by descriptor;
        /// 0: not in the epoll set. A connection goes back to the pool after each answer (libcurl
        /// removes its socket) and is watched again by the next request, so adding it with one
        /// EPOLL_CTL_ADD, not a failed MOD first, saves a system call per request.
        private var interests: [UInt8] = []
        private var readyFDs = [Int32](repeating: 0, count: EpollDriver.batch)
        private var readyFlags = [Int32](repeating: 0, count: EpollDriver.batch)
        private static let batch = 256

        init?(multi: MultiHandle) {
            let epoll = janus_epoll_create()
            guard epoll >= 0 else { return nil }
            let wakeFD = janus_eventfd()
            guard wakeFD >= 0, janus_epoll_watch(epoll, wakeFD, 1, 0) == 0 else {
                close(epoll)
                if wakeFD >= 0 { close(wakeFD) }
                return nil
            }
            self.multi = multi
            self.epoll = epoll
            self.wakeFD = wakeFD
            multi.setSocketCallbacks(
                context: Unmanaged.passUnretained(self).toOpaque(), socket: epollDriverSocket, timer: epollDriverTimer)
        }

        deinit {
            // The multi handle may outlive this object and calls back while it cleans up.
            multi.clearSocketCallbacks()
            close(epoll)
            close(wakeFD)
        }

        func step() {
            var timeout: Int32 = 1000
            if let deadline {
                let now = EpollDriver.nowMilliseconds()
                timeout = deadline <= now ? 0 : Int32(min(deadline - now, 1000))
            }
            let count = janus_epoll_wait(epoll, &readyFDs, &readyFlags, Int32(EpollDriver.batch), timeout)
            for index in 0..<max(0, Int(count)) {
                let fd = readyFDs[index]
                if fd == wakeFD {
                    janus_eventfd_drain(wakeFD)
                } else {
                    multi.socketAction(fd, flags: readyFlags[index])
                }
            }
            if let deadline, deadline <= EpollDriver.nowMilliseconds() {
                self.deadline = nil  // one-shot; libcurl sets the next one from inside the call
                multi.timeoutAction()
            }
        }

        func wake() {
            janus_eventfd_signal(wakeFD)
        }

        /// CURLMOPT_SOCKETFUNCTION: `what` is CURL_POLL_IN/OUT/INOUT (1/2/3) or REMOVE (4).
        fileprivate func watch(_ fd: Int32, what: Int32) {
            guard fd >= 0 else { return }
            let interest = UInt8(what == CURL_POLL_REMOVE ? 0 : what & 3)
            let index = Int(fd)
            if index >= interests.count { interests.append(contentsOf: repeatElement(0, count: index + 1 - interests.count)) }
            let current = interests[index]
            if interest == 0 {
                if current != 0 { _ = janus_epoll_watch(epoll, fd, 0, 1) }
            } else {
                // Registered again even when unchanged: a descriptor closed without a removal
                // (and its number reused) would otherwise never be watched.
                _ = janus_epoll_watch(epoll, fd, Int32(interest), current == 0 ? 0 : 1)
            }
            interests[index] = interest
        }

        /// CURLMOPT_TIMERFUNCTION: -1 deletes the timer, 0 means as soon as possible.
        fileprivate func setTimer(milliseconds: Int) {
            deadline = milliseconds < 0 ? nil : EpollDriver.nowMilliseconds() + UInt64(milliseconds)
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
        Unmanaged<EpollDriver>.fromOpaque(context).takeUnretainedValue().watch(fd, what: what)
        return 0
    }

    private func epollDriverTimer(_ multi: UnsafeMutableRawPointer?, _ milliseconds: Int, _ context: UnsafeMutableRawPointer?) -> Int32 {
        guard let context else { return 0 }
        Unmanaged<EpollDriver>.fromOpaque(context).takeUnretainedValue().setTimer(milliseconds: milliseconds)
        return 0
    }
#endif
