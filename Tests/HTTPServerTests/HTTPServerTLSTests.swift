import Foundation
import HTTP1
import HTTPServer
import Logging
import TLS
import TestSupport
import Testing

/// The server with TLS on, tested with real clients (curl and openssl s_client).
@Suite struct HTTPServerTLSTests {
    private func withTLSServer(_ body: (Int, String) throws -> Void) throws {
        let certificate = try SelfSignedCertificate.make()
        defer { certificate.remove() }
        var configuration = ServerConfiguration()
        configuration.listen = .bind(host: "127.0.0.1", port: 0)
        configuration.isAccessLogEnabled = false
        configuration.tls = TLSConfiguration(
            certificateChainPath: certificate.certificatePath,
            privateKeyPath: certificate.keyPath
        )
        configuration.tlsHandshakeTimeout = .seconds(1)
        var router = Router()
        router.add(.get, "/hello", execution: .inline) { _ in .text("hello over tls") }
        router.add(.post, "/echo") { request in HTTPResponse(status: 200, body: request.body) }
        let server = HTTPServer(configuration: configuration, router: router, logger: Logger(label: "tls-test"))
        let port = try server.start()
        defer {
            server.stop(graceful: false)
            server.waitUntilStopped()
        }
        try body(port, certificate.certificatePath)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")))
    func curlTalksHTTPSWithKeepAliveAndABody() throws {
        try self.withTLSServer { port, certificate in
            let result = try Subprocess.run(
                "/usr/bin/curl",
                [
                    "-sS", "--cacert", certificate, "--http1.1",
                    "https://127.0.0.1:\(port)/hello", "https://127.0.0.1:\(port)/hello",
                    "--next", "-sS", "--cacert", certificate, "--http1.1",
                    "--data-binary", "body via tls", "https://127.0.0.1:\(port)/echo",
                ]
            )
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput == "hello over tlshello over tlsbody via tls")
        }
    }

    /// HSTS on every answer over TLS, the server's own error answers included (RFC 6797 §7.1),
    /// with Mozilla's two years.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")))
    func everyResponseOverTLSCarriesStrictTransportSecurity() throws {
        try self.withTLSServer { port, certificate in
            let result = try Subprocess.run(
                "/usr/bin/curl",
                [
                    "-sS", "--cacert", certificate, "--http1.1", "-D", "-", "-o", "/dev/null", "-o", "/dev/null",
                    "https://127.0.0.1:\(port)/hello", "https://127.0.0.1:\(port)/nowhere",
                    "--next", "-sS", "--cacert", certificate, "--http1.1", "-D", "-", "-o", "/dev/null",
                    "--data-binary", "x", "https://127.0.0.1:\(port)/echo",
                    "--next", "-sS", "--cacert", certificate, "--http1.1", "-D", "-", "-o", "/dev/null",
                    "-H", "Transfer-Encoding: gzip", "--data-binary", "x", "https://127.0.0.1:\(port)/echo",
                ]
            )
            #expect(result.status == 0, "\(result.standardError)")
            let statuses = result.standardOutput.split(separator: "\r\n").filter { $0.hasPrefix("HTTP/1.1 ") }
            #expect(statuses.map { $0.split(separator: " ")[1] } == ["200", "404", "200", "400"])
            #expect(
                result.standardOutput.components(separatedBy: "\r\nStrict-Transport-Security: max-age=63072000\r\n")
                    .count == 5,
                "\(result.standardOutput)"
            )
        }
    }

    @Test func plainHTTPSendsNoStrictTransportSecurity() throws {
        let running = try RunningServer { router in
            router.add(.get, "/hello", execution: .inline) { _ in .text("hello") }
        }
        defer { running.stop() }
        let client = try TestClient(port: running.port)
        try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n")
        for status in [200, 404] {
            let response = try #require(try client.readResponse())
            #expect(response.status == status)
            #expect(response.header("Strict-Transport-Security") == nil)
        }
    }

    @Test func opensslSClientNegotiatesTLS13AndHTTP11AndRefusesTLS11() throws {
        try self.withTLSServer { port, certificate in
            let modern = try Subprocess.run(
                "/bin/sh",
                [
                    "-c",
                    "printf 'GET /hello HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n' | "
                        + "/usr/bin/openssl s_client -connect 127.0.0.1:\(port) -CAfile \(certificate) -alpn http/1.1 -quiet -verify_return_error 2>&1; "
                        + "/usr/bin/openssl s_client -connect 127.0.0.1:\(port) -CAfile \(certificate) -alpn http/1.1 </dev/null 2>&1",
                ]
            )
            #expect(modern.standardOutput.contains("hello over tls"))
            #expect(modern.standardOutput.contains("TLSv1.3"))
            #expect(modern.standardOutput.contains("ALPN protocol: http/1.1"))
            let legacy = try Subprocess.run(
                "/usr/bin/openssl",
                ["s_client", "-connect", "127.0.0.1:\(port)", "-tls1_1", "-CAfile", certificate]
            )
            #expect(legacy.status != 0)
        }
    }

    @Test func aClientThatNeverFinishesTheHandshakeIsClosedAtTheDeadline() throws {
        try self.withTLSServer { port, _ in
            let client = try TestClient(port: port, timeout: .seconds(5))
            try client.send([0x16, 0x03, 0x01])
            let started = ContinuousClock.now
            #expect(client.isClosedByServer())
            #expect(ContinuousClock.now - started < .seconds(4))
        }
    }

    @Test func plaintextHTTPOnTheTLSPortIsRefused() throws {
        try self.withTLSServer { port, _ in
            let client = try TestClient(port: port, timeout: .seconds(5))
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(client.isClosedByServer())
        }
    }
}
