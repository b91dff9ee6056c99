import HTTP1
import HTTPServer
import Logging
import Outbound
import Synchronization
import TLS

/// A webhook receiver: the project's HTTP server on 127.0.0.1:0, with TLS when given a
/// certificate and key, answering `POST /hook` as `respond` says and keeping every request it got.
final class WebhookReceiver: Sendable {
    /// What the receiver got: the request's fields it looks at, and its body.
    struct Received: Sendable {
        var messageID: String?
        var timestamp: String?
        var signature: String?
        var contentType: String?
        var body: [UInt8]
    }

    private final class Inbox: Sendable {
        // guarded by: itself
        let received = Mutex<[Received]>([])
    }

    let port: Int
    private let server: HTTPServer
    private let inbox = Inbox()

    /// Every request received so far, in order.
    var requests: [Received] { self.inbox.received.withLock { $0 } }

    init(
        tls: (certificatePath: String, keyPath: String)? = nil,
        respond: @escaping @Sendable (Received) -> HTTPResponse = { _ in HTTPResponse(status: 204) }
    ) throws {
        var configuration = ServerConfiguration()
        configuration.listen = .bind(host: "127.0.0.1", port: 0)
        configuration.isAccessLogEnabled = false
        configuration.handlerThreads = 2
        if let tls {
            configuration.tls = TLSConfiguration(certificateChainPath: tls.certificatePath, privateKeyPath: tls.keyPath)
        }
        let inbox = self.inbox
        var router = Router()
        router.add(.post, "/hook") { request in
            let got = Received(
                messageID: request.headers[WebhookSigner.messageIDField],
                timestamp: request.headers[WebhookSigner.timestampField],
                signature: request.headers[WebhookSigner.signatureField],
                contentType: request.headers["Content-Type"],
                body: request.body
            )
            inbox.received.withLock { $0.append(got) }
            return respond(got)
        }
        self.server = HTTPServer(configuration: configuration, router: router, logger: Logger(label: "receiver"))
        self.port = try self.server.start()
    }

    /// The hook's URL (`https` for a receiver with TLS).
    func url(scheme: String = "http") -> String {
        "\(scheme)://127.0.0.1:\(self.port)/hook"
    }

    func stop() {
        self.server.stop(graceful: false)
        self.server.waitUntilStopped()
    }
}
