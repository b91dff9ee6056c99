import COpenSSL
import TLS
import Testing

@Suite struct TLSSessionHandshakeTests {
    @Test func completesATLS13HandshakeWithHTTP11ByDefault() throws {
        try withTestServer { context, certificate in
            let connection = try InMemoryConnection(
                context: context,
                client: TestClient(caFile: certificate.certificatePath)
            )
            #expect(!connection.server.isHandshakeComplete)
            #expect(connection.server.negotiatedVersion == nil)
            try connection.handshake()
            #expect(connection.clientFailure == nil)
            #expect(connection.server.isHandshakeComplete)
            #expect(connection.client.isHandshakeComplete)
            #expect(connection.client.verifyResult == X509_V_OK)
            #expect(connection.server.negotiatedVersion == "TLSv1.3")
            #expect(connection.server.negotiatedALPN == "http/1.1")
            #expect(connection.client.negotiatedALPN == "http/1.1")
            #expect(connection.lastServerResult == .progress)
        }
    }

    @Test func completesAHandshakeWithAnECCertificate() throws {
        try withTestServer(.p256) { context, certificate in
            let connection = try InMemoryConnection(
                context: context,
                client: TestClient(caFile: certificate.certificatePath)
            )
            try connection.handshake()
            #expect(connection.clientFailure == nil)
            #expect(connection.server.isHandshakeComplete)
            #expect(connection.client.verifyResult == X509_V_OK)
        }
    }

    @Test func negotiatesTLS12WhenTheClientOffersNothingNewer() throws {
        try withTestServer { context, certificate in
            let connection = try InMemoryConnection(
                context: context,
                client: TestClient(caFile: certificate.certificatePath, maxVersion: TLS1_2_VERSION)
            )
            try connection.handshake()
            #expect(connection.clientFailure == nil)
            #expect(connection.server.isHandshakeComplete)
            #expect(connection.server.negotiatedVersion == "TLSv1.2")
            #expect(connection.server.negotiatedALPN == "http/1.1")
            try connection.clientSends(Array("ping".utf8))
            try connection.serverSends(Array("pong".utf8))
            #expect(connection.serverReceived == Array("ping".utf8))
            #expect(connection.clientReceived == Array("pong".utf8))
        }
    }

    @Test func selectsHTTP11AmongSeveralOfferedProtocols() throws {
        try withTestServer { context, certificate in
            let connection = try InMemoryConnection(
                context: context,
                client: TestClient(caFile: certificate.certificatePath, alpn: ["h2", "http/1.1"])
            )
            try connection.handshake()
            #expect(connection.server.negotiatedALPN == "http/1.1")
            #expect(connection.client.negotiatedALPN == "http/1.1")
        }
    }

    @Test func acceptsAClientThatOffersNoALPN() throws {
        try withTestServer { context, certificate in
            let connection = try InMemoryConnection(
                context: context,
                client: TestClient(caFile: certificate.certificatePath, alpn: nil)
            )
            try connection.handshake()
            #expect(connection.server.isHandshakeComplete)
            #expect(connection.server.negotiatedALPN == nil)
        }
    }

    @Test func refusesAClientLimitedToTLS11WithAnAlert() throws {
        try withTestServer { context, certificate in
            let connection = try InMemoryConnection(
                context: context,
                client: TestClient(
                    caFile: certificate.certificatePath,
                    minVersion: TLS1_1_VERSION,
                    maxVersion: TLS1_1_VERSION
                )
            )
            connection.advanceClient()
            let clientHello = connection.client.takeCiphertext()
            try #require(!clientHello.isEmpty, "the client did not produce a ClientHello")
            clientHello.withUnsafeBytes { connection.server.receiveCiphertext($0) }
            var plaintext: [UInt8] = []
            let error = #expect(throws: TLSError.self) {
                try connection.server.read(into: &plaintext)
            }
            #expect(error?.code == .handshake)
            #expect(error?.message.contains("unsupported protocol") == true)
            #expect(connection.server.hasCiphertextToSend)
            connection.flushServer()
            #expect(connection.clientFailure?.contains("alert protocol version") == true)
            #expect(!connection.server.isHandshakeComplete)
        }
    }

    @Test func refusesAClientOfferingOnlyH2WithNoApplicationProtocol() throws {
        try withTestServer { context, certificate in
            let connection = try InMemoryConnection(
                context: context,
                client: TestClient(caFile: certificate.certificatePath, alpn: ["h2"])
            )
            let error = #expect(throws: TLSError.self) {
                try connection.handshake()
            }
            #expect(error?.code == .handshake)
            #expect(error?.message.contains("no application protocol") == true)
            #expect(connection.server.hasCiphertextToSend)
            connection.flushServer()
            #expect(connection.clientFailure?.contains("alert no application protocol") == true)
            #expect(connection.server.negotiatedALPN == nil)
        }
    }

    @Test func failsTheHandshakeOnAnHTTPRequestInsteadOfAClientHello() throws {
        try withTestServer { context, _ in
            let session = try TLSSession(context: context)
            let error = try Self.readError(session, Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
            #expect(error?.code == .handshake)
            #expect(error?.message.contains("http request") == true)
        }
    }

    @Test(arguments: [
        [UInt8](repeating: 0, count: 64),
        [0x16, 0x03, 0x01, 0xFF, 0xFF] + [UInt8](repeating: 0x41, count: 32),
        [0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00],
        (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 7919) },
    ])
    func failsTheHandshakeOnGarbageWithoutCrashing(garbage: [UInt8]) throws {
        try withTestServer { context, _ in
            let session = try TLSSession(context: context)
            let error = try Self.readError(session, garbage)
            #expect(error?.code == .handshake)
            #expect(error?.message.isEmpty == false)
            let again = #expect(throws: TLSError.self) {
                var plaintext: [UInt8] = []
                _ = try session.read(into: &plaintext)
            }
            #expect(again?.code == error?.code)
            let writeError = #expect(throws: TLSError.self) {
                try [UInt8](repeating: 1, count: 4).withUnsafeBytes { try session.write($0) }
            }
            #expect(writeError?.code == error?.code)
            var ignored: [UInt8] = []
            session.takeCiphertext(into: &ignored)
            session.shutdown()
            #expect(!session.hasCiphertextToSend)
        }
    }

    @Test func waitsForTheRestOfAClientHelloSplitAnywhere() throws {
        try withTestServer { context, certificate in
            let connection = try InMemoryConnection(
                context: context,
                client: TestClient(caFile: certificate.certificatePath)
            )
            connection.advanceClient()
            let clientHello = connection.client.takeCiphertext()
            var plaintext: [UInt8] = []
            for byte in clientHello.dropLast() {
                [byte].withUnsafeBytes { connection.server.receiveCiphertext($0) }
                #expect(try connection.server.read(into: &plaintext) == .incomplete)
                #expect(!connection.server.hasCiphertextToSend)
            }
            [clientHello.last!].withUnsafeBytes { connection.server.receiveCiphertext($0) }
            #expect(try connection.server.read(into: &plaintext) == .progress)
            #expect(connection.server.hasCiphertextToSend)
            #expect(try connection.server.read(into: &plaintext) == .incomplete)
            #expect(!connection.server.isHandshakeComplete)
            #expect(plaintext.isEmpty)
            try connection.pump()
            #expect(connection.server.isHandshakeComplete)
            #expect(connection.clientFailure == nil)
        }
    }

    /// Feeds `bytes` to `session` and returns the `TLSError` that `read` throws.
    static func readError(_ session: TLSSession, _ bytes: [UInt8]) throws -> TLSError? {
        bytes.withUnsafeBytes { session.receiveCiphertext($0) }
        var plaintext: [UInt8] = []
        let error = #expect(throws: TLSError.self) {
            try session.read(into: &plaintext)
        }
        #expect(plaintext.isEmpty)
        return error
    }
}
