
import Foundation
@testable import JanusCore
@testable import JanusHTTP
import Testing

/// The transport on its own: many transfers at once, headers, shutdown.
@Suite(.needsPython3) struct CurlTransportTests {
    @Test(arguments: [TransferDriverKind.epoll, .poll])
    func manyConcurrentTransfersAllComplete(driver: TransferDriverKind) async throws {
        let server = try await TestChatServer.start(["--latency", "0.05"])
        let transport = CurlTransport(expectedConcurrency: 200, driver: driver)
        let url = server.baseURL + "/chat/completions"
        let statuses = await withTaskGroup(of: Int.self) { group in
            for n in 0..<200 {
                let body = Array(#"{"model":"m","messages":[{"role":"user","content":"\#(n)"}]}"#.utf8)
                group.addTask { (try? await transport.send(HTTPRequest(url: url, body: body)).get().status) ?? -1 }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 200 && statuses.allSatisfy { $0 == 200 })
        #expect(try await server.requestCount() == 200)
    }

    /// Connections the server resets or cuts short close their sockets, and new ones take the
    /// same descriptor numbers: the epoll driver's record of what is registered must follow,
    /// or a transfer on a reused number is never watched and hangs. 160 transfers, 16 at once,
    /// about a third of them on connections that end badly; every one must finish. No time
    /// limit of its own (a hang meets the suite's): beside the rest of the suite, and under
    /// ThreadSanitizer above all, transport tests take minutes of wall time.
    @Test(arguments: [TransferDriverKind.epoll, .poll])
    func transfersFinishWhileConnectionsCloseAndDescriptorsAreReused(driver: TransferDriverKind) async throws {
        let server = try await TestChatServer.start(["--rates", "reset=0.2,truncate=0.15", "--seed", "11"])
        let transport = CurlTransport(expectedConcurrency: 16, driver: driver)
        let url = server.baseURL + "/chat/completions"
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            var finished: [Bool] = []
            for n in 0..<160 {
                if n >= 16, let done = await group.next() { finished.append(done) }
                let body = Array(#"{"model":"m","messages":[{"role":"user","content":"\#(n)"}]}"#.utf8)
                group.addTask { (try? await transport.send(HTTPRequest(url: url, body: body)).get().status) == 200 }
            }
            for await done in group { finished.append(done) }
            return finished
        }
        #expect(outcomes.count == 160)
        #expect(outcomes.contains(true) && outcomes.contains(false), "some answered, some cut")
        #expect(try await server.requestCount() == 160)
    }

    /// Past `TransferShards.capacity` transfers at once the epoll driver moves several multi
    /// handles, and a descriptor one of them closes can come back as another's socket. 260
    /// transfers at once (three handles), about a third on connections that end badly: every
    /// one must end with an answer or with the fault the server made. Without a low-speed
    /// limit, a transfer whose socket events went to the wrong handle would only end at its
    /// total timeout, which no fault here causes.
    @Test func transfersSpreadOverSeveralMultiHandlesAllFinish() async throws {
        let server = try await TestChatServer.start(["--rates", "reset=0.2,truncate=0.15", "--seed", "12", "--latency", "0.05"])
        let count = 2 * TransferShards.capacity + 4
        let transport = CurlTransport(expectedConcurrency: count, driver: .epoll)
        let url = server.baseURL + "/chat/completions"
        let limits = TransferLimits(connectTimeout: 120, totalTimeout: 120, lowSpeedBytes: 0, lowSpeedSeconds: 0)
        let outcomes = await withTaskGroup(of: TransportError?.self) { group in
            for n in 0..<count {
                let body = Array(#"{"model":"m","messages":[{"role":"user","content":"\#(n)"}]}"#.utf8)
                group.addTask {
                    switch await transport.send(HTTPRequest(url: url, body: body, limits: limits)) {
                    case let .success(response): response.status == 200 ? nil : TransportError(kind: .other, code: 0, message: "HTTP \(response.status)")
                    case let .failure(error): error
                    }
                }
            }
            return await group.reduce(into: [TransportError?]()) { $0.append($1) }
        }
        let errors = outcomes.compactMap { $0 }
        #expect(outcomes.count == count)
        #expect(!errors.isEmpty && errors.count < count, "some answered, some cut")
        #expect(errors.allSatisfy { [.connection, .truncated].contains($0.kind) }, "\(errors.filter { ![.connection, .truncated].contains($0.kind) })")
        #expect(try await server.requestCount() == count)
    }

    @Test func responseHeadersAreCollected() async throws {
        let server = try await TestChatServer.start(["--script", "429", "--retry-after-ms", "1500"])
        let transport = CurlTransport()
        let response = try await transport.send(HTTPRequest(url: server.baseURL + "/chat/completions", body: Array("{}".utf8))).get()
        #expect(response.status == 429)
        #expect(response.headers["Retry-After-Ms"] == "1500")
        #expect(response.headers["content-type"] == "application/json")
    }

    @Test func shutdownEndsTransfersInFlightAndRefusesNewOnes() async throws {
        let server = try await TestChatServer.start(["--script", "hang"])
        let transport = CurlTransport()
        let url = server.baseURL + "/chat/completions"
        let hanging = Task { await transport.send(HTTPRequest(url: url, body: Array("{}".utf8))) }
        while try await server.requestCount() == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        transport.shutdown()
        await #expect(throws: TransportError.shutDown) { try await hanging.value.get() }
        await #expect(throws: TransportError.shutDown) { try await transport.send(HTTPRequest(url: url)).get() }
    }
}
