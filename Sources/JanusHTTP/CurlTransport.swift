import CCurl
import Foundation
import JanusSupport

/// An HTTP transport on the libcurl multi interface.
///
/// One dedicated thread drives every transfer: it adds submitted requests to a multi handle
/// (one of several when many transfers run at once, see `TransferShards`), waits for socket
/// activity and lets libcurl act on it (a `TransferDriver`: epoll with
/// `curl_multi_socket_action` on Linux, else `curl_multi_poll`), collects finished transfers
/// with `curl_multi_info_read`, and resumes each caller's continuation exactly once. Other
/// threads only touch the lock-protected inbox and wake the driver; no libcurl handle is used
/// from two threads.
package final class CurlTransport: Sendable {
    package typealias Outcome = Result<HTTPResponse, TransportError>

    private struct Submission: Sendable {
        var id: UInt64
        var request: HTTPRequest
        var continuation: CheckedContinuation<Outcome, Never>
    }

    private struct Inbox {
        var nextID: UInt64 = 1
        var submissions: [Submission] = []
        var cancellations: [UInt64] = []
        var stopping = false
        var stopped = false

        var isEmpty: Bool { submissions.isEmpty && cancellations.isEmpty }
    }

    private let inbox = Locked(Inbox())
    private let driver: (any TransferDriver)?
    private let finished = DispatchSemaphore(value: 0)

    /// Starts the transport thread. `expectedConcurrency` raises the open-file limit to fit.
    package init(expectedConcurrency: Int = 64, driver kind: TransferDriverKind = .fromEnvironment()) {
        FileDescriptorLimit.raise(toAtLeast: expectedConcurrency * 2 + 64)
        let shards = TransferShards.count(forConcurrency: expectedConcurrency)
        guard let driver = kind.make(shards: shards, streams: expectedConcurrency) else {
            driver = nil
            inbox.withLock { $0.stopping = true; $0.stopped = true }
            finished.signal()
            return
        }
        self.driver = driver
        let loop = TransferLoop(driver: driver, inbox: inbox, maxIdle: max(256, expectedConcurrency))
        let done = finished
        let thread = Thread {
            loop.run()
            done.signal()
        }
        thread.name = "janus.curl"
        thread.start()
    }

    deinit {
        shutdown()
    }

    /// Sends `request` and waits for the complete response (any status) or a transport error.
    /// Cancelling the calling task aborts the transfer.
    package func send(_ request: HTTPRequest) async -> Outcome {
        let id = inbox.withLock { inbox in
            defer { inbox.nextID += 1 }
            return inbox.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                // Checked under the lock: a cancellation that lands after this check is queued
                // after the submission, so the loop always sees the submission first.
                let (rejection, first): (TransportError?, Bool) = inbox.withLock { inbox in
                    if inbox.stopping { return (.shutDown, false) }
                    if Task.isCancelled { return (.cancelled, false) }
                    let first = inbox.isEmpty
                    inbox.submissions.append(Submission(id: id, request: request, continuation: continuation))
                    return (nil, first)
                }
                if let rejection {
                    continuation.resume(returning: .failure(rejection))
                } else if first {
                    wake()  // a non-empty inbox already woke the loop, which drains it whole
                }
            }
        } onCancel: {
            let first = inbox.withLock { inbox in
                defer { inbox.cancellations.append(id) }
                return inbox.isEmpty
            }
            if first { wake() }
        }
    }

    /// Stops the thread: transfers in flight end with a cancelled error. Waits for the thread
    /// to exit. Safe to call more than once.
    package func shutdown() {
        let first = inbox.withLock { inbox in
            defer { inbox.stopping = true }
            return !inbox.stopping
        }
        guard first else { return }
        wake()
        finished.wait()
        finished.signal()  // let a concurrent second caller through as well
    }

    private func wake() {
        // Under the lock, so the loop cannot clean up the multi handle in between.
        inbox.withLock { inbox in
            if !inbox.stopped { driver?.wake() }
        }
    }

    /// The state only the transport thread touches.
    private final class TransferLoop: @unchecked Sendable {
        private struct Active {
            var submission: Submission
            var easy: EasyHandle
            /// Which of `multis` the transfer runs on.
            var shard: Int
        }

        private let multis: [MultiHandle]
        private var shards: TransferShards
        private let driver: any TransferDriver
        private let inbox: Locked<Inbox>
        private var active: [UnsafeMutableRawPointer: Active] = [:]
        private var handleByID: [UInt64: UnsafeMutableRawPointer] = [:]
        private var idle: [EasyHandle] = []
        private let maxIdle: Int
        /// The inbox's lists as the loop last took them, swapped with the inbox's under its lock
        /// and emptied keeping their storage: submitting then appends to an array with room,
        /// rather than growing a new one from nothing after every pass.
        private var taken: [Submission] = []
        private var takenCancellations: [UInt64] = []

        init(driver: any TransferDriver, inbox: Locked<Inbox>, maxIdle: Int) {
            multis = driver.multis
            shards = TransferShards(count: multis.count)
            self.driver = driver
            self.inbox = inbox
            self.maxIdle = maxIdle
        }

        func run() {
            while true {
                let stopping = inbox.withLock { inbox in
                    swap(&inbox.submissions, &taken)
                    swap(&inbox.cancellations, &takenCancellations)
                    return inbox.stopping
                }
                taken.forEach(start)
                takenCancellations.forEach { cancel(id: $0, with: .cancelled) }
                taken.removeAll(keepingCapacity: true)
                takenCancellations.removeAll(keepingCapacity: true)
                if stopping { break }
                driver.step()
                for multi in multis {
                    while let (handle, result) = multi.nextDone() {
                        complete(handle: handle, result: result)
                    }
                }
            }
            for id in Array(handleByID.keys) {
                cancel(id: id, with: .shutDown)
            }
            idle.removeAll()
            inbox.withLock { $0.stopped = true }
        }

        private func start(_ submission: Submission) {
            let easy = idle.popLast() ?? EasyHandle()
            guard let easy else {
                let error = TransportError(kind: .other, code: 0, message: "curl_easy_init failed")
                return submission.continuation.resume(returning: .failure(error))
            }
            do {
                try easy.prepare(submission.request)
            } catch {
                return submission.continuation.resume(returning: .failure(error))
            }
            let shard = shards.take(url: submission.request.url)
            guard multis[shard].add(easy) else {
                shards.release(shard)
                let error = TransportError(kind: .other, code: 0, message: "curl_multi_add_handle failed")
                return submission.continuation.resume(returning: .failure(error))
            }
            active[easy.raw] = Active(submission: submission, easy: easy, shard: shard)
            handleByID[submission.id] = easy.raw
        }

        private func cancel(id: UInt64, with error: TransportError) {
            guard let handle = handleByID[id], let transfer = finish(handle: handle) else { return }
            transfer.submission.continuation.resume(returning: .failure(error))
        }

        private func complete(handle: UnsafeMutableRawPointer, result: CURLcode) {
            guard let transfer = finish(handle: handle) else { return }
            let easy = transfer.easy
            let outcome: Outcome =
                result == CURLE_OK
                ? .success(easy.takeResponse())
                : .failure(TransportError(curlCode: result, detail: easy.errorDetail))
            transfer.submission.continuation.resume(returning: outcome)
        }

        /// Detaches a transfer from the multi handle and returns its easy handle to the pool.
        private func finish(handle: UnsafeMutableRawPointer) -> Active? {
            guard let transfer = active.removeValue(forKey: handle) else { return nil }
            handleByID[transfer.submission.id] = nil
            multis[transfer.shard].remove(transfer.easy)
            shards.release(transfer.shard)
            if idle.count < maxIdle { idle.append(transfer.easy) }
            return transfer
        }
    }
}
