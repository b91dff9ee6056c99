import TLS

/// A `TLSSession` (server) and a ``TestClient`` joined by moving ciphertext between them in
/// memory, with everything each side decrypted collected.
final class InMemoryConnection {
    let server: TLSSession
    let client: TestClient
    /// Plaintext the server decrypted.
    var serverReceived: [UInt8] = []
    /// Plaintext the client decrypted.
    var clientReceived: [UInt8] = []
    /// What the last `server.read` returned.
    private(set) var lastServerResult: TLSSession.ReadResult?
    /// The client's handshake failure, if it had one.
    private(set) var clientFailure: String?

    init(context: TLSContext, client: TestClient) throws {
        self.server = try TLSSession(context: context)
        self.client = client
    }

    /// Moves ciphertext both ways until neither side has anything more to say. Rethrows the
    /// server's error; a client handshake failure is kept in ``clientFailure``.
    func pump() throws {
        for _ in 0..<1_000 {
            var moved = false
            let fromClient = self.client.takeCiphertext()
            if !fromClient.isEmpty {
                moved = true
                fromClient.withUnsafeBytes { self.server.receiveCiphertext($0) }
                self.lastServerResult = try self.server.read(into: &self.serverReceived)
            }
            if self.flushServer() {
                moved = true
            }
            guard moved else {
                return
            }
        }
        throw TestSetupError("the two sides kept talking for 1000 rounds")
    }

    /// Sends the server's pending ciphertext to the client and lets the client act on it;
    /// returns whether there was any.
    @discardableResult
    func flushServer() -> Bool {
        var fromServer: [UInt8] = []
        self.server.takeCiphertext(into: &fromServer)
        if !fromServer.isEmpty {
            self.client.receive(fromServer)
        }
        self.advanceClient()
        return !fromServer.isEmpty
    }

    /// Runs the client's handshake, or reads what it received once that is done.
    func advanceClient() {
        guard self.clientFailure == nil else {
            return
        }
        if !self.client.isHandshakeComplete {
            if case .failed(let reason) = self.client.handshake() {
                self.clientFailure = reason
                return
            }
        }
        if self.client.isHandshakeComplete {
            do {
                self.clientReceived += try self.client.read()
            } catch {
                self.clientFailure = "\(error)"
            }
        }
    }

    /// Starts the client's handshake and pumps until it settles.
    func handshake() throws {
        self.advanceClient()
        try self.pump()
    }

    /// Encrypts `bytes` on the server and delivers them to the client.
    func serverSends(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try self.server.write($0) }
        try self.pump()
    }

    /// Encrypts `bytes` on the client and delivers them to the server.
    func clientSends(_ bytes: [UInt8]) throws {
        self.client.write(bytes)
        try self.pump()
    }
}
