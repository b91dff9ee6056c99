import HTTPServer
import Logging
import TestSupport

/// A server on 127.0.0.1:0 in this process, stopped when the test ends.
final class RunningServer {
    let server: HTTPServer
    let port: Int

    init(
        _ configure: (inout ServerConfiguration) -> Void = { _ in },
        services: [any EventLoopService] = [],
        routes: (inout Router) -> Void
    ) throws {
        var configuration = ServerConfiguration()
        configuration.listen = .bind(host: "127.0.0.1", port: 0)
        configuration.isAccessLogEnabled = false
        configure(&configuration)
        var router = Router()
        routes(&router)
        self.server = HTTPServer(
            configuration: configuration,
            router: router,
            logger: Logger(label: "test"),
            services: services
        )
        self.port = try self.server.start()
    }

    /// Waits until the handler pool has `queued` requests waiting and `running` running.
    /// - Throws: ``TestSetupError`` when that does not happen within `timeout`.
    func waitForHandlerQueue(queued: Int, running: Int, timeout: Duration = .seconds(10)) throws {
        let reached = waitUntil(timeout: timeout) { self.server.handlerQueueDepth == (queued, running) }
        guard reached else {
            throw TestSetupError(
                "the handler queue is at \(self.server.handlerQueueDepth), not (\(queued), \(running))"
            )
        }
    }

    func stop() {
        self.server.stop(graceful: false)
        self.server.waitUntilStopped()
    }
}
