import Foundation
import HTTP1
import HTTPServer
import Logging
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

private func openDescriptorCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
}

@Suite struct HTTPServerSocketTests {
    private func standardRoutes(_ router: inout Router) {
        router.add(.get, "/hello", execution: .inline) { _ in .text("hello") }
        router.add(.post, "/echo") { request in HTTPResponse(status: 200, body: request.body) }
        router.add(.get, "/big") { request in
            let size = Int(request.query("size") ?? "0") ?? 0
            return HTTPResponse(status: 200, body: [UInt8](repeating: UInt8(ascii: "x"), count: size))
        }
        router.add(.get, "/fail") { _ in
            struct Secret: Error { let detail = "password=hunter2 at db.internal" }
            throw Secret()
        }
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() throws {
        let running = try RunningServer(routes: self.standardRoutes)
        defer { running.stop() }
        let client = try TestClient(port: running.port)
        var requestIDs: [String] = []
        for _ in 0..<20 {
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try #require(try client.readResponse())
            #expect(response.status == 200)
            #expect(response.text == "hello")
            #expect(response.header("Connection") == nil)
            #expect(response.header("Date")?.hasSuffix("GMT") == true)
            requestIDs.append(response.header("X-Request-ID") ?? "")
        }
        // Generated IDs: one per-process prefix, then a hex counter that goes up by one.
        let parts = requestIDs.map { $0.split(separator: "-").map(String.init) }
        #expect(parts.allSatisfy { $0.count == 2 && $0[0] == parts[0][0] })
        let counters = parts.compactMap { UInt64($0.last ?? "", radix: 16) }
        #expect(counters == Array(counters[0]..<counters[0] + 20))
        #expect(parts[16][1] == String(counters[16], radix: 16))
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let running = try RunningServer(routes: self.standardRoutes)
        defer { running.stop() }
        let client = try TestClient(port: running.port)
        try client.send(
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nfirstGET /hello HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nthird"
        )
        let bodies = try (0..<3).map { _ in try #require(try client.readResponse()).text }
        #expect(bodies == ["first", "hello", "third"])
    }

    @Test func http10ClosesUnlessAskedToKeepAlive() throws {
        let running = try RunningServer(routes: self.standardRoutes)
        defer { running.stop() }
        let client = try TestClient(port: running.port)
        try client.send("GET /hello HTTP/1.0\r\n\r\n")
        let response = try #require(try client.readResponse())
        #expect(response.header("Connection") == "close")
        #expect(client.isClosedByServer())
    }

    @Test func aLargeResponseReachesASlowReaderWhole() throws {
        let running = try RunningServer(routes: self.standardRoutes)
        defer { running.stop() }
        let client = try TestClient(port: running.port)
        let size = 8 << 20
        try client.send("GET /big?size=\(size) HTTP/1.1\r\nHost: t\r\n\r\n")
        // Let the server fill the socket buffers and wait for the reader.
        Thread.sleep(forTimeInterval: 0.3)
        let response = try #require(try client.readResponse())
        #expect(response.body.count == size)
        try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse()?.text == "hello")
    }

    @Test func aHandlerErrorIsA500WithoutItsDetails() throws {
        let running = try RunningServer(routes: self.standardRoutes)
        defer { running.stop() }
        let client = try TestClient(port: running.port)
        try client.send("GET /fail HTTP/1.1\r\nHost: t\r\nX-Request-ID: trace-123\r\n\r\n")
        let response = try #require(try client.readResponse())
        #expect(response.status == 500)
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(!response.text.contains("hunter2"))
        #expect(response.text.contains("trace-123"))
        #expect(response.header("X-Request-ID") == "trace-123")
    }

    @Test func unknownPathsAndMethodsGet404And405WithAllow() throws {
        let running = try RunningServer(routes: self.standardRoutes)
        defer { running.stop() }
        let client = try TestClient(port: running.port)
        try client.send("GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse()?.status == 404)
        try client.send("DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try #require(try client.readResponse())
        #expect(response.status == 405)
        #expect(response.header("Allow")?.contains("GET") == true)
    }

    @Test func headGetsTheHeadersAndNoBody() throws {
        let running = try RunningServer(routes: self.standardRoutes)
        defer { running.stop() }
        let client = try TestClient(port: running.port)
        try client.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        // The first response announces 5 bytes but sends none; the test client reads by
        // Content-Length, so read the raw bytes of both responses instead.
        var received: [UInt8] = []
        while received.count < 200 {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(client.descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += chunk[0..<count]
            if String(decoding: received, as: UTF8.self).hasSuffix("hello") { break }
        }
        let text = String(decoding: received, as: UTF8.self)
        #expect(text.components(separatedBy: "Content-Length: 5").count == 3)
        #expect(text.components(separatedBy: "hello").count == 2)
    }

    @Test func framingAttacksAreRefusedWith400AndAClosedConnection() throws {
        let running = try RunningServer(routes: self.standardRoutes)
        defer { running.stop() }
        let attacks = [
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            "GET /hello HTTP/1.1\r\nHost: t\r\nX: a\r\n folded\r\n\r\n",
            "GET /hello HTTP/1.1\r\nHost : t\r\n\r\n",
            "GET /hello HTTP/1.1\r\n\r\n",
            "GET /../etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n",
        ]
        for attack in attacks {
            let client = try TestClient(port: running.port)
            try client.send(attack)
            let response = try #require(try client.readResponse(), "no answer to \(attack)")
            #expect(response.status == 400, "\(attack)")
            #expect(client.isClosedByServer(), "\(attack)")
        }
    }

    /// Transfer codings and connection options in capitals (RFC 9112 §7, RFC 9110 §7.6.1) frame
    /// and end the request as they do in lower case.
    @Test func aChunkedBodyAndACloseSpelledInCapitalsAreHonoured() throws {
        let running = try RunningServer(routes: self.standardRoutes)
        defer { running.stop() }
        let client = try TestClient(port: running.port)
        try client.send(
            "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: Chunked\r\nConnection: Close\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n"
        )
        let response = try #require(try client.readResponse())
        #expect(response.status == 200)
        #expect(response.text == "hello")
        #expect(response.header("Connection") == "close")
        #expect(client.isClosedByServer())
    }

    @Test func aSlowlorisClientIsClosedAtTheHeaderDeadlineWhileOthersAreServed() throws {
        let running = try RunningServer({ $0.headerReadTimeout = .seconds(1) }, routes: self.standardRoutes)
        defer { running.stop() }
        let slow = try TestClient(port: running.port, timeout: .seconds(5))
        let started = ContinuousClock.now
        var closed = false
        for byte in "GET /hello HTTP/1.1\r\nHost: t\r\n".utf8 {
            do {
                try slow.send([byte])
            } catch {
                closed = true
                break
            }
            // Another client is served normally meanwhile.
            let other = try TestClient(port: running.port)
            try other.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try other.readResponse()?.status == 200)
            Thread.sleep(forTimeInterval: 0.1)
            if ContinuousClock.now - started > .seconds(3) { break }
        }
        if !closed {
            let response = try slow.readResponse()
            #expect(response?.status == 408)
        }
        #expect(ContinuousClock.now - started < .seconds(4))
    }

    @Test func tenThousandConnectionsOpenAndCloseWithoutLeakingDescriptors() throws {
        // An address of its own: a port the other suites' servers have just freed may be this
        // server's, and their late clients must not count here.
        let host = "127.0.0.2"
        let running = try RunningServer({ $0.listen = .bind(host: host, port: 0) }, routes: self.standardRoutes)
        defer { running.stop() }
        // Warm up: the first connection creates lazily allocated state; count once it is gone.
        _ = try TestClient(port: running.port, host: host)
        _ = waitUntil(timeout: .seconds(10)) { running.server.metrics.openConnectionCount == 0 }
        let before = openDescriptorCount()
        for index in 0..<10_000 {
            let client = try TestClient(port: running.port, host: host)
            if index % 100 == 0 {
                try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse()?.status == 200)
            }
        }
        // A bound on liveness, not a speed goal: under ThreadSanitizer, beside the other suites
        // on two cores, the loop can be starved for seconds.
        let deadline = ContinuousClock.now + .seconds(30)
        while running.server.metrics.openConnectionCount > 0 && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(running.server.metrics.openConnectionCount == 0)
        // Other tests run beside this one in the process and open descriptors of their own; a
        // leak here would show as thousands.
        #expect(openDescriptorCount() - before < 100)
    }

    @Test func aClientResetMidResponseDoesNotDisturbTheServer() throws {
        let running = try RunningServer(routes: self.standardRoutes)
        defer { running.stop() }
        for _ in 0..<5 {
            let client = try TestClient(port: running.port)
            try client.send("GET /big?size=\(16 << 20) HTTP/1.1\r\nHost: t\r\n\r\n")
            var chunk = [UInt8](repeating: 0, count: 1024)
            _ = chunk.withUnsafeMutableBytes { recv(client.descriptor, $0.baseAddress, $0.count, 0) }
            // SO_LINGER 0: close sends RST instead of FIN.
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(client.descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
        let client = try TestClient(port: running.port)
        try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse()?.text == "hello")
    }

    @Test func aFullHandlerQueueAnswers503WithRetryAfterAtOnceInTheRequestsLanguage() throws {
        let gate = Gate()
        let running = try RunningServer(
            {
                $0.handlerThreads = 1
                $0.handlerQueueCapacity = 1
            },
            routes: { router in
                router.add(.get, "/slow") { _ in
                    gate.wait()
                    return .text("done")
                }
            }
        )
        defer { running.stop() }
        // Opened whatever happens, or stopping the server would wait for the handler forever.
        defer { gate.open() }
        // One request at a time: a second submitted before the thread took the first would find
        // the queue full.
        let busy = try TestClient(port: running.port)
        try busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        try running.waitForHandlerQueue(queued: 0, running: 1)
        let queued = try TestClient(port: running.port)
        try queued.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        try running.waitForHandlerQueue(queued: 1, running: 1)
        let english = try ServerProblemTests.problem(
            "GET /slow HTTP/1.1\r\nHost: t\r\nAccept-Language: en\r\n\r\n",
            port: running.port
        )
        #expect(english.status == 503)
        #expect(english.response.header("Retry-After") == "1")
        #expect(english.title == "Service Unavailable")
        #expect(english.contentLanguage == "en")
        let chinese = try ServerProblemTests.problem("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n", port: running.port)
        #expect(chinese.status == 503)
        #expect(chinese.title == "服务暂不可用")
        #expect(chinese.detail == "服务器正忙，请稍后重试")
        gate.open()
        #expect(try busy.readResponse()?.text == "done")
        #expect(try queued.readResponse()?.text == "done")
    }

    @Test func aGracefulStopFinishesTheRequestInFlightAndRefusesNewConnections() throws {
        let gate = Gate()
        let running = try RunningServer(routes: { router in
            router.add(.get, "/slow") { _ in
                gate.wait()
                return .text("finished")
            }
        })
        // Opened whatever happens, or stopping the server would wait for the handler forever.
        defer { gate.open() }
        let client = try TestClient(port: running.port)
        try client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        try running.waitForHandlerQueue(queued: 0, running: 1)
        running.server.stop(graceful: true)
        // The listener closes at the loop's next round.
        let isRefusing = waitUntil(timeout: .seconds(10)) { (try? TestClient(port: running.port)) == nil }
        #expect(isRefusing)
        gate.open()
        let response = try #require(try client.readResponse())
        #expect(response.text == "finished")
        #expect(response.header("Connection") == "close")
        running.server.waitUntilStopped()
    }
}

/// A latch that handler threads wait on until the test opens it.
final class Gate: Sendable {
    private let isOpen = Mutex(false)

    func wait() {
        while !self.isOpen.withLock({ $0 }) {
            usleep(5_000)
        }
    }

    func open() {
        self.isOpen.withLock { $0 = true }
    }
}

@Suite struct HTTPServerBodyLimitTests {
    @Test func aRouteCanTakeALargerBodyThanTheDefaultAndOthersStill413() throws {
        var configuration = ServerConfiguration()
        configuration.listen = .bind(host: "127.0.0.1", port: 0)
        configuration.isAccessLogEnabled = false
        configuration.limits.maxBodyLength = 1024
        var router = Router()
        router.add(.post, "/upload", maxBodyBytes: 64 * 1024) { request in .text("\(request.body.count)") }
        router.add(.post, "/small") { request in .text("\(request.body.count)") }
        let server = HTTPServer(configuration: configuration, router: router, logger: Logger(label: "limits"))
        let port = try server.start()
        defer {
            server.stop(graceful: false)
            server.waitUntilStopped()
        }
        let body = String(repeating: "x", count: 32 * 1024)
        let upload = try TestClient(port: port)
        try upload.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        #expect(try upload.readResponse()?.text == "\(body.utf8.count)")
        let chunked = try TestClient(port: port)
        try chunked.send(
            "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n8000\r\n\(body)\r\n0\r\n\r\n"
        )
        #expect(try chunked.readResponse()?.text == "\(body.utf8.count)")
        let small = try TestClient(port: port)
        try small.send("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
        #expect(try small.readResponse()?.status == 413)
        #expect(small.isClosedByServer())
        let smallChunked = try TestClient(port: port)
        try smallChunked.send(
            "POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n8000\r\n\(body)\r\n0\r\n\r\n"
        )
        #expect(try smallChunked.readResponse()?.status == 413)
    }

    @Test func aClientStillSendingItsBodyReadsThe413InsteadOfAReset() throws {
        let running = try RunningServer({ $0.limits.maxBodyLength = 1024 }) { router in
            router.add(.post, "/small") { request in .text("\(request.body.count)") }
        }
        defer { running.stop() }
        // Far more than the socket buffers hold: the client is still writing when the server
        // answers, and must get to finish and read the answer.
        let body = [UInt8](repeating: 0x78, count: 12 * 1024 * 1024)
        let client = try TestClient(port: running.port, timeout: .seconds(20))
        try client.send(Array("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
        let response = try #require(try client.readResponse())
        #expect(response.status == 413)
        #expect(response.header("Connection") == "close")
        #expect(client.isClosedByServer())
        let deadline = ContinuousClock.now + .seconds(10)
        while running.server.metrics.openConnectionCount > 0 && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(running.server.metrics.openConnectionCount == 0)
    }
}
