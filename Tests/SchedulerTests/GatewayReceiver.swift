import Foundation
import HTTP1
import HTTPServer
import Logging
import Outbound
import Synchronization
import TLS
import TestSupport

/// A webhook receiver on 127.0.0.1 over TLS (a self-signed certificate, which the scheduler is
/// given as its CA bundle): it checks each request's signature, answers as `respond` says for
/// the message and the attempt, and de-duplicates by message id as a receiver must.
final class GatewayReceiver: Sendable {
    /// One request as it arrived.
    struct Arrival: Sendable {
        var messageID: String
        var at: ContinuousClock.Instant
        var signatureValid: Bool
        var body: [UInt8]
    }

    /// What the receiver does with the `attempt`-th request (from 1) of a message.
    enum Answer: Sendable {
        case status(Int)
        /// 429 with `Retry-After: seconds`.
        case busy(seconds: Int)
        /// Accepts the request and answers 204 only after this long.
        case late(Duration)
    }

    private struct State: Sendable {
        var arrivals: [Arrival] = []
        /// Message ids processed once, in order: the receiver's de-duplication.
        var processed: [String] = []
        var duplicates: [String: Int] = [:]
    }

    let certificate: SelfSignedCertificate
    let port: Int
    static let secret = "gateway-test-secret-0123456789"
    private let server: HTTPServer
    private final class Box: Sendable {
        let state = Mutex(State())
    }

    private let box = Box()

    init(respond: @escaping @Sendable (_ messageID: String, _ attempt: Int) -> Answer) throws {
        let certificate = try SelfSignedCertificate.make()
        self.certificate = certificate
        var configuration = ServerConfiguration()
        configuration.listen = .bind(host: "127.0.0.1", port: 0)
        configuration.isAccessLogEnabled = false
        configuration.handlerThreads = 4
        configuration.tls = TLSConfiguration(
            certificateChainPath: certificate.certificatePath,
            privateKeyPath: certificate.keyPath
        )
        let verifier = WebhookVerifier(secrets: [Array(Self.secret.utf8)])
        var router = Router()
        let box = self.box
        router.add(.post, "/hook") { request in
            let id = request.headers[WebhookSigner.messageIDField] ?? ""
            let valid = (try? verifier.verify(body: request.body, field: { request.headers[$0] })) != nil
            let attempt = box.state.withLock { state in
                state.arrivals.append(Arrival(messageID: id, at: .now, signatureValid: valid, body: request.body))
                return state.arrivals.count { $0.messageID == id }
            }
            guard valid else { return HTTPResponse(status: 401) }
            let answer = respond(id, attempt)
            var status = 204
            var delay: Duration?
            var headers: [(name: String, value: String)] = []
            switch answer {
            case .status(let code): status = code
            case .busy(let seconds):
                status = 429
                headers.append(("Retry-After", "\(seconds)"))
            case .late(let after): delay = after
            }
            // The work is taken (and its id remembered) when the request is accepted, before
            // a late answer.
            if (200..<300).contains(status) {
                box.state.withLock { state in
                    if state.processed.contains(id) {
                        state.duplicates[id, default: 0] += 1
                    } else {
                        state.processed.append(id)
                    }
                }
            }
            if let delay {
                Thread.sleep(forTimeInterval: Double(delay.components.seconds))
            }
            return HTTPResponse(status: status, headers: headers)
        }
        self.server = HTTPServer(configuration: configuration, router: router, logger: Logger(label: "receiver"))
        self.port = try self.server.start()
    }

    deinit {
        self.server.stop()
        self.certificate.remove()
    }

    var url: String { "https://127.0.0.1:\(self.port)/hook" }
    var arrivals: [Arrival] { self.box.state.withLock { $0.arrivals } }
    var processed: [String] { self.box.state.withLock { $0.processed } }
    var duplicates: [String: Int] { self.box.state.withLock { $0.duplicates } }
}
