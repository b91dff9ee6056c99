import COpenSSL

/// A TLS client made directly with OpenSSL over memory BIOs, to talk to a `TLSSession` without
/// sockets. It verifies the server's certificate against a CA file and the name `localhost`.
final class TestClient {
    /// How the client's handshake stands.
    enum HandshakeState: Equatable {
        case complete
        case inProgress
        /// OpenSSL's error strings.
        case failed(String)
    }

    private let context: OpaquePointer
    private let ssl: OpaquePointer
    private let incoming: OpaquePointer
    private let outgoing: OpaquePointer

    /// Whether SSL_read reported the server's close_notify (SSL_ERROR_ZERO_RETURN).
    private(set) var sawCloseNotify = false

    /// - Parameters:
    ///   - caFile: the PEM certificate to trust.
    ///   - minVersion, maxVersion: the protocol versions to offer, e.g. `TLS1_2_VERSION`.
    ///   - alpn: the application protocols to offer; `nil` sends no ALPN extension.
    ///   - cipherList: the only TLS 1.2 suites to offer (OpenSSL names, `:`-separated), at
    ///     security level 0 so that the client offers even weak ones and the server is the one
    ///     to refuse; `nil` offers OpenSSL's default.
    ///   - cipherSuites: the only TLS 1.3 suites to offer; `nil` offers OpenSSL's default.
    ///   - groups: the only key-exchange groups to offer; `nil` offers OpenSSL's default.
    init(
        caFile: String,
        minVersion: Int32 = TLS1_2_VERSION,
        maxVersion: Int32 = TLS1_3_VERSION,
        alpn: [String]? = ["http/1.1"],
        cipherList: String? = nil,
        cipherSuites: String? = nil,
        groups: String? = nil
    ) throws {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw TestSetupError("SSL_CTX_new: \(Self.errors())")
        }
        self.context = context
        if minVersion < TLS1_2_VERSION {
            // OpenSSL 3 refuses TLS 1.1 and older at the default security level; lower it so the
            // client really offers the old version and the server is the one to refuse.
            SSL_CTX_set_security_level(context, 0)
            SSL_CTX_set_cipher_list(context, "DEFAULT:@SECLEVEL=0")
        }
        if let cipherList {
            SSL_CTX_set_security_level(context, 0)
            guard SSL_CTX_set_cipher_list(context, cipherList) == 1 else {
                SSL_CTX_free(context)
                throw TestSetupError("the client knows none of \(cipherList): \(Self.errors())")
            }
        }
        guard cipherSuites.map({ SSL_CTX_set_ciphersuites(context, $0) == 1 }) ?? true,
            groups.map({ shebao_SSL_CTX_set1_groups_list(context, $0) == 1 }) ?? true
        else {
            SSL_CTX_free(context)
            throw TestSetupError("client suites or groups: \(Self.errors())")
        }
        guard shebao_SSL_CTX_set_min_proto_version(context, minVersion) == 1,
            shebao_SSL_CTX_set_max_proto_version(context, maxVersion) == 1,
            SSL_CTX_load_verify_locations(context, caFile, nil) == 1
        else {
            SSL_CTX_free(context)
            throw TestSetupError("client SSL_CTX setup: \(Self.errors())")
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        guard let ssl = SSL_new(context), let incoming = BIO_new(BIO_s_mem()),
            let outgoing = BIO_new(BIO_s_mem())
        else {
            SSL_CTX_free(context)
            throw TestSetupError("client SSL_new: \(Self.errors())")
        }
        self.ssl = ssl
        self.incoming = incoming
        self.outgoing = outgoing
        SSL_set_bio(ssl, incoming, outgoing)
        SSL_set_connect_state(ssl)
        _ = shebao_SSL_set_tlsext_host_name(ssl, "localhost")
        _ = SSL_set1_host(ssl, "localhost")
        if let alpn {
            var wire: [UInt8] = []
            for name in alpn {
                wire.append(UInt8(name.utf8.count))
                wire.append(contentsOf: name.utf8)
            }
            // SSL_set_alpn_protos returns 0 on success, unlike most of OpenSSL.
            guard SSL_set_alpn_protos(ssl, wire, UInt32(wire.count)) == 0 else {
                throw TestSetupError("SSL_set_alpn_protos: \(Self.errors())")
            }
        }
    }

    deinit {
        SSL_free(self.ssl)
        SSL_CTX_free(self.context)
    }

    /// Feeds ciphertext from the server.
    func receive(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else {
            return
        }
        let written = BIO_write(self.incoming, bytes, Int32(bytes.count))
        precondition(written == bytes.count)
    }

    /// Takes the ciphertext the client wants to send.
    func takeCiphertext() -> [UInt8] {
        let pending = shebao_BIO_pending(self.outgoing)
        guard pending > 0 else {
            return []
        }
        var bytes = [UInt8](repeating: 0, count: pending)
        let count = BIO_read(self.outgoing, &bytes, Int32(pending))
        precondition(count == pending)
        return bytes
    }

    /// Advances the handshake as far as the ciphertext received allows.
    func handshake() -> HandshakeState {
        ERR_clear_error()
        let rc = SSL_do_handshake(self.ssl)
        if rc == 1 {
            return .complete
        }
        switch SSL_get_error(self.ssl, rc) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .inProgress
        default:
            return .failed(Self.errors())
        }
    }

    var isHandshakeComplete: Bool {
        SSL_is_init_finished(self.ssl) == 1
    }

    /// Encrypts `bytes` (the handshake must be complete).
    func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            var written = 0
            ERR_clear_error()
            let rc = bytes.withUnsafeBytes { buffer in
                SSL_write_ex(self.ssl, buffer.baseAddress! + offset, bytes.count - offset, &written)
            }
            precondition(rc == 1, "client SSL_write_ex failed: \(Self.errors())")
            offset += written
        }
    }

    /// Decrypts everything received so far; a close_notify sets ``sawCloseNotify``.
    func read() throws -> [UInt8] {
        var plaintext: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            var count = 0
            ERR_clear_error()
            let rc = SSL_read_ex(self.ssl, &buffer, buffer.count, &count)
            if rc == 1 {
                plaintext.append(contentsOf: buffer[..<count])
                continue
            }
            switch SSL_get_error(self.ssl, rc) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return plaintext
            case SSL_ERROR_ZERO_RETURN:
                self.sawCloseNotify = true
                return plaintext
            default:
                throw TestSetupError("client SSL_read_ex failed: \(Self.errors())")
            }
        }
    }

    /// Sends a TLS 1.3 KeyUpdate that asks the server to update its keys too (RFC 8446
    /// section 4.6.3).
    func requestKeyUpdate() {
        ERR_clear_error()
        precondition(SSL_key_update(self.ssl, SSL_KEY_UPDATE_REQUESTED) == 1, "SSL_key_update: \(Self.errors())")
        // The KeyUpdate goes out with the next write or handshake call.
        _ = SSL_do_handshake(self.ssl)
    }

    /// Starts a TLS 1.2 renegotiation: a new ClientHello inside the established connection.
    func renegotiate() {
        ERR_clear_error()
        precondition(SSL_renegotiate(self.ssl) == 1, "SSL_renegotiate: \(Self.errors())")
        _ = SSL_do_handshake(self.ssl)
    }

    /// Queues the client's close_notify.
    func shutdown() {
        ERR_clear_error()
        _ = SSL_shutdown(self.ssl)
    }

    /// Whether the client has received the server's close_notify (SSL_get_shutdown(3)).
    var receivedShutdown: Bool {
        SSL_get_shutdown(self.ssl) & SSL_RECEIVED_SHUTDOWN != 0
    }

    /// The certificate verification result: `X509_V_OK` when the server's chain checked out.
    var verifyResult: Int {
        SSL_get_verify_result(self.ssl)
    }

    /// The name of the suite the handshake settled on (`ECDHE-RSA-AES128-GCM-SHA256`,
    /// `TLS_AES_256_GCM_SHA384`), nil before.
    var negotiatedCipher: String? {
        SSL_get_current_cipher(self.ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) }
    }

    /// Every TLS 1.2 suite this OpenSSL knows, weak ones included, by OpenSSL name.
    static func everyTLS12CipherName() throws -> [String] {
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw TestSetupError("SSL_CTX_new: \(Self.errors())")
        }
        defer { SSL_CTX_free(context) }
        SSL_CTX_set_security_level(context, 0)
        guard SSL_CTX_set_cipher_list(context, "ALL:COMPLEMENTOFALL:@SECLEVEL=0") == 1,
            let ssl = SSL_new(context)
        else {
            throw TestSetupError("cipher list: \(Self.errors())")
        }
        defer { SSL_free(ssl) }
        guard let ciphers = SSL_get_ciphers(ssl) else { return [] }
        return (0..<OPENSSL_sk_num(ciphers)).compactMap { index in
            let cipher = OpaquePointer(OPENSSL_sk_value(ciphers, index))
            // TLS 1.3 suites are chosen by SSL_CTX_set_ciphersuites, not by this list.
            guard SSL_CIPHER_get_protocol_id(cipher) >> 8 != 0x13 else { return nil }
            return SSL_CIPHER_get_name(cipher).map { String(cString: $0) }
        }
    }

    /// The protocol the server selected through ALPN.
    var negotiatedALPN: String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(self.ssl, &data, &length)
        guard let data, length > 0 else {
            return nil
        }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    private static func errors() -> String {
        var texts: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            texts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return texts.joined(separator: "; ")
    }
}
