import Foundation
import HTTP1
import HTTPServer
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A service with a pipe in the loop's epoll set: a deferred request parks its responder and
/// writes a byte; when the pipe turns readable the service answers every parked request. That
/// is the shape of a database connection driven by the loop.
private final class PipeService: EventLoopService {
    private var reader: Int32 = -1
    private var writer: Int32 = -1
    private var handle: EventLoopHandle?
    private var parked: [HTTPResponder] = []
    private var answered = 0
    let ticks = Atomic<Int>(0)
    let rounds = Atomic<Int>(0)
    let stopped = Atomic<Bool>(false)

    func start(_ loop: EventLoopHandle) {
        var descriptors: [Int32] = [0, 0]
        precondition(pipe(&descriptors) == 0)
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        (self.reader, self.writer) = (descriptors[0], descriptors[1])
        self.handle = loop
        try! loop.watch(self.reader, read: true, write: false)
    }

    func park(_ responder: HTTPResponder) {
        self.parked.append(responder)
        var byte: UInt8 = 1
        _ = write(self.writer, &byte, 1)
    }

    func ready(descriptor: Int32, readable: Bool, writable: Bool) {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(self.reader, &buffer, buffer.count) > 0 {}
        let waiting = self.parked
        self.parked = []
        for responder in waiting {
            self.answered += 1
            responder.respond(.text("later \(self.answered)"))
        }
    }

    func endOfRound() {
        self.rounds.add(1, ordering: .relaxed)
    }

    func tick(now: ContinuousClock.Instant) {
        self.ticks.add(1, ordering: .relaxed)
    }

    func stop() {
        self.handle?.unwatch(self.reader)
        close(self.reader)
        close(self.writer)
        self.stopped.store(true, ordering: .relaxed)
    }
}

@Suite struct DeferredRouteTests {
    private func start(_ service: PipeService) throws -> RunningServer {
        let bound = LoopBound(service)
        // /twice answers a second time only while /slow waits for its answer, and /slow answers
        // only after that: the order the test needs, without timing.
        let slowIsWaiting = DispatchSemaphore(value: 0)
        let secondAnswerGiven = DispatchSemaphore(value: 0)
        return try RunningServer(services: [service]) { router in
            router.addDeferred(.get, "/later") { _, responder in
                bound.value.park(responder)
            }
            router.addDeferred(.get, "/elsewhere") { _, responder in
                // Answered from another thread: handed over like a handler thread's response.
                Thread.detachNewThread {
                    usleep(20_000)
                    responder.respond(.text("from another thread"))
                }
            }
            router.addDeferred(.get, "/twice") { _, responder in
                responder.respond(.text("one"))
                Thread.detachNewThread {
                    _ = slowIsWaiting.wait(timeout: .now() + 10)
                    responder.respond(.text("two"))
                    secondAnswerGiven.signal()
                }
            }
            router.addDeferred(.get, "/slow") { _, responder in
                Thread.detachNewThread {
                    slowIsWaiting.signal()
                    _ = secondAnswerGiven.wait(timeout: .now() + 10)
                    responder.respond(.text("slow"))
                }
            }
            router.addDeferred(.get, "/refused") { _, responder in
                responder.respond(error: HTTPError(409, "Conflict"))
            }
            router.addDeferred(.get, "/broken") { _, responder in
                struct Internal: Error { let detail = "password=hunter2" }
                responder.respond(error: Internal())
            }
        }
    }

    @Test func aDeferredRequestIsAnsweredWhenTheServiceDescriptorIsReady() throws {
        let service = PipeService()
        let running = try self.start(service)
        defer { running.stop() }
        let client = try TestClient(port: running.port)
        for expected in ["later 1", "later 2"] {
            try client.send("GET /later HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try #require(try client.readResponse())
            #expect(response.status == 200)
            #expect(response.text == expected)
            #expect(response.header("X-Request-ID")?.isEmpty == false)
        }
    }

    @Test func pipelinedDeferredRequestsAreAnsweredInOrder() throws {
        let service = PipeService()
        let running = try self.start(service)
        defer { running.stop() }
        let client = try TestClient(port: running.port)
        try client.send(
            "GET /later HTTP/1.1\r\nHost: t\r\n\r\nGET /refused HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /later HTTP/1.1\r\nHost: t\r\n\r\nGET /later HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        )
        let responses = try (0..<4).map { _ in try #require(try client.readResponse()) }
        #expect(responses.map(\.status) == [200, 409, 200, 200])
        #expect(responses.map(\.text) == ["later 1", responses[1].text, "later 2", "later 3"])
        #expect(responses[3].header("Connection") == "close")
        #expect(client.isClosedByServer())
    }

    @Test func aResponseFromAnotherThreadReachesItsConnection() throws {
        let running = try self.start(PipeService())
        defer { running.stop() }
        let client = try TestClient(port: running.port)
        try client.send("GET /elsewhere HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse()?.text == "from another thread")
    }

    @Test func aSecondAnswerToOneRequestNeverReachesTheNext() throws {
        let running = try self.start(PipeService())
        defer { running.stop() }
        let client = try TestClient(port: running.port)
        try client.send("GET /twice HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse()?.text == "one")
        // The late "two" arrives while /slow is waiting: it is dropped, /slow gets its own.
        try client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse()?.text == "slow")
        try client.send("GET /refused HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse()?.status == 409)
    }

    @Test func anUnknownErrorIsA500WithoutItsDetails() throws {
        let running = try self.start(PipeService())
        defer { running.stop() }
        let client = try TestClient(port: running.port)
        try client.send("GET /broken HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try #require(try client.readResponse())
        #expect(response.status == 500)
        #expect(!response.text.contains("hunter2"))
    }

    @Test func theServiceIsTickedAndStoppedWithTheLoop() throws {
        let service = PipeService()
        let running = try self.start(service)
        let deadline = ContinuousClock.now + .seconds(5)
        while service.ticks.load(ordering: .relaxed) < 2 && ContinuousClock.now < deadline {
            usleep(20_000)
        }
        #expect(service.ticks.load(ordering: .relaxed) >= 2)
        #expect(service.rounds.load(ordering: .relaxed) >= 2)
        running.stop()
        let isStopped = service.stopped.load(ordering: .relaxed)
        #expect(isStopped)
    }
}
