import COpenSSL
import TLS
import Testing

@Suite struct TLSSessionDataTests {
    @Test func carriesApplicationDataBothWays() throws {
        try Self.withConnection { connection in
            try connection.clientSends(Array("GET / HTTP/1.1\r\n\r\n".utf8))
            #expect(connection.serverReceived == Array("GET / HTTP/1.1\r\n\r\n".utf8))
            #expect(connection.lastServerResult == .progress)
            try connection.serverSends(Array("HTTP/1.1 204 No Content\r\n\r\n".utf8))
            #expect(connection.clientReceived == Array("HTTP/1.1 204 No Content\r\n\r\n".utf8))
        }
    }

    @Test func carriesAMebibyteInPiecesBothWays() throws {
        try Self.withConnection { connection in
            let payload = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
            var offset = 0
            while offset < payload.count {
                let end = min(offset + 65_536 + 3, payload.count)
                try connection.clientSends(Array(payload[offset..<end]))
                offset = end
            }
            #expect(connection.serverReceived.count == payload.count)
            #expect(connection.serverReceived == payload)

            offset = 0
            while offset < payload.count {
                let end = min(offset + 10_000, payload.count)
                try connection.serverSends(Array(payload[offset..<end]))
                offset = end
            }
            #expect(connection.clientReceived.count == payload.count)
            #expect(connection.clientReceived == payload)
        }
    }

    @Test func sendsALargeWriteAsSeveralRecords() throws {
        try Self.withConnection { connection in
            let payload = [UInt8](repeating: 0x5A, count: 100_000)
            try payload.withUnsafeBytes { try connection.server.write($0) }
            var ciphertext: [UInt8] = []
            connection.server.takeCiphertext(into: &ciphertext)
            #expect(!connection.server.hasCiphertextToSend)
            // Seven records of at most 16 KiB plaintext each, every one with its own overhead.
            #expect(ciphertext.count > payload.count + 7 * 16)
            connection.client.receive(ciphertext)
            #expect(try connection.client.read() == payload)
        }
    }

    @Test func decryptsARecordFedOneByteAtATime() throws {
        try Self.withConnection { connection in
            let message = Array("one byte at a time".utf8)
            connection.client.write(message)
            let record = connection.client.takeCiphertext()
            var plaintext: [UInt8] = []
            for byte in record.dropLast() {
                [byte].withUnsafeBytes { connection.server.receiveCiphertext($0) }
                let result = try connection.server.read(into: &plaintext)
                #expect(result == .incomplete)
            }
            #expect(plaintext.isEmpty)
            [record.last!].withUnsafeBytes { connection.server.receiveCiphertext($0) }
            let result = try connection.server.read(into: &plaintext)
            #expect(result == .progress)
            #expect(plaintext == message)
        }
    }

    @Test func completesTheHandshakeAndReadsDataFedOneByteAtATime() throws {
        try withTestServer { context, certificate in
            let server = try TLSSession(context: context)
            let client = try TestClient(caFile: certificate.certificatePath)
            var plaintext: [UInt8] = []
            var results: [TLSSession.ReadResult] = []
            for _ in 0..<10 where !client.isHandshakeComplete {
                _ = client.handshake()
                for byte in client.takeCiphertext() {
                    [byte].withUnsafeBytes { server.receiveCiphertext($0) }
                    results.append(try server.read(into: &plaintext))
                }
                var fromServer: [UInt8] = []
                server.takeCiphertext(into: &fromServer)
                client.receive(fromServer)
            }
            #expect(client.isHandshakeComplete)
            #expect(server.isHandshakeComplete)
            // Progress twice: the last byte of the ClientHello (the server's flight goes out)
            // and the last byte of the client's Finished (the handshake completes).
            #expect(results.filter { $0 == .progress }.count == 2)
            #expect(results.last == .progress)

            let message = Array("after the handshake".utf8)
            client.write(message)
            for byte in client.takeCiphertext() {
                [byte].withUnsafeBytes { server.receiveCiphertext($0) }
                _ = try server.read(into: &plaintext)
            }
            #expect(plaintext == message)
        }
    }

    @Test func appendsToPlaintextAlreadyInTheBuffer() throws {
        try Self.withConnection { connection in
            connection.serverReceived = Array("kept ".utf8)
            try connection.clientSends(Array("appended".utf8))
            #expect(connection.serverReceived == Array("kept appended".utf8))
        }
    }

    @Test func shutdownSendsACloseNotifyTheClientSees() throws {
        try Self.withConnection { connection in
            #expect(!connection.server.hasCiphertextToSend)
            connection.server.shutdown()
            #expect(connection.server.hasCiphertextToSend)
            #expect(!connection.client.sawCloseNotify)
            connection.flushServer()
            #expect(connection.client.sawCloseNotify)
            #expect(connection.client.receivedShutdown)
            #expect(connection.clientFailure == nil)
        }
    }

    @Test func refusesToWriteAfterShutdown() throws {
        try Self.withConnection { connection in
            connection.server.shutdown()
            let error = #expect(throws: TLSError.self) {
                try [UInt8](repeating: 1, count: 3).withUnsafeBytes { try connection.server.write($0) }
            }
            #expect(error?.code == .closed)
        }
    }

    @Test func reportsTheClientsCloseNotifyAsClosed() throws {
        try Self.withConnection { connection in
            connection.client.write(Array("last words".utf8))
            connection.client.shutdown()
            try connection.pump()
            #expect(connection.lastServerResult == .closed)
            #expect(connection.serverReceived == Array("last words".utf8))
            var plaintext: [UInt8] = []
            #expect(try connection.server.read(into: &plaintext) == .closed)
            #expect(plaintext.isEmpty)
        }
    }

    @Test func treatsATamperedRecordAsAProtocolViolation() throws {
        try Self.withConnection { connection in
            connection.client.write(Array("integrity matters".utf8))
            var record = connection.client.takeCiphertext()
            record[record.count - 3] ^= 0x01
            record.withUnsafeBytes { connection.server.receiveCiphertext($0) }
            var plaintext: [UInt8] = []
            let error = #expect(throws: TLSError.self) {
                try connection.server.read(into: &plaintext)
            }
            #expect(error?.code == .protocolViolation)
            #expect(error?.message.contains("bad record mac") == true)
            #expect(plaintext.isEmpty)
            // The bad_record_mac alert (RFC 8446 section 6.2) for the client.
            #expect(connection.server.hasCiphertextToSend)
            connection.flushServer()
            #expect(connection.clientFailure?.contains("alert bad record mac") == true)
        }
    }

    @Test func keepsReadingAndWritingAcrossAKeyUpdate() throws {
        try Self.withConnection { connection in
            connection.client.requestKeyUpdate()
            connection.client.write(Array("with new keys".utf8))
            let ciphertext = connection.client.takeCiphertext()
            ciphertext.withUnsafeBytes { connection.server.receiveCiphertext($0) }
            var plaintext: [UInt8] = []
            #expect(try connection.server.read(into: &plaintext) == .progress)
            #expect(plaintext == Array("with new keys".utf8))
            // OpenSSL sends the requested KeyUpdate ahead of the server's next record (RFC 8446
            // section 4.6.3 only asks for it before the next application data).
            try connection.serverSends(Array("also with new keys".utf8))
            #expect(connection.clientFailure == nil)
            #expect(connection.clientReceived == Array("also with new keys".utf8))
        }
    }

    @Test func refusesATLS12RenegotiationWithoutFailingItself() throws {
        try withTestServer { context, certificate in
            let connection = try InMemoryConnection(
                context: context,
                client: TestClient(caFile: certificate.certificatePath, maxVersion: TLS1_2_VERSION)
            )
            try connection.handshake()
            try #require(connection.server.negotiatedVersion == "TLSv1.2")
            connection.client.renegotiate()
            let clientHello = connection.client.takeCiphertext()
            try #require(!clientHello.isEmpty)
            clientHello.withUnsafeBytes { connection.server.receiveCiphertext($0) }
            var plaintext: [UInt8] = []
            #expect(try connection.server.read(into: &plaintext) == .incomplete)
            // The no_renegotiation warning alert (RFC 5246 section 7.2.2).
            #expect(connection.server.hasCiphertextToSend)
            connection.flushServer()
            #expect(connection.clientFailure?.contains("no renegotiation") == true)
        }
    }

    @Test func refusesToWriteBeforeTheHandshakeCompleted() throws {
        try withTestServer { context, _ in
            let session = try TLSSession(context: context)
            let error = #expect(throws: TLSError.self) {
                try [UInt8](repeating: 1, count: 3).withUnsafeBytes { try session.write($0) }
            }
            #expect(error?.code == .handshake)
            session.shutdown()
            #expect(!session.hasCiphertextToSend)
            var plaintext: [UInt8] = []
            #expect(try session.read(into: &plaintext) == .incomplete)
        }
    }

    /// A handshaken TLS 1.3 connection, for the length of `body`.
    static func withConnection(_ body: (InMemoryConnection) throws -> Void) throws {
        try withTestServer { context, certificate in
            let connection = try InMemoryConnection(
                context: context,
                client: TestClient(caFile: certificate.certificatePath)
            )
            try connection.handshake()
            try #require(connection.server.isHandshakeComplete)
            try #require(connection.clientFailure == nil)
            try body(connection)
        }
    }
}
