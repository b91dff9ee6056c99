internal import COpenSSL

/// The server side of TLS, shared by every connection: certificate, key and protocol settings
/// (an OpenSSL `SSL_CTX`).
///
/// - TLS 1.2 and 1.3 only, with Mozilla's "intermediate" choice of algorithms
///   (<https://wiki.mozilla.org/Security/Server_Side_TLS>): for TLS 1.2 only ECDHE key exchange
///   with AES-GCM or ChaCha20-Poly1305 (``tls12CipherList``), for TLS 1.3 its three standard
///   suites (``tls13CipherSuites``), key exchange over X25519, P-256 or P-384 (``groups``).
/// - ALPN: selects `http/1.1` when the client offers it, and refuses the handshake with a
///   `no_application_protocol` alert when the client offers ALPN without `http/1.1`
///   (RFC 7301 section 3.2). A client that offers no ALPN is served HTTP/1.1 anyway.
/// - No compression, no renegotiation; session tickets for resumption are on.
/// - Partial writes and moving write buffers are allowed, so a ``TLSSession`` never needs the
///   caller to retry with the same buffer.
///
/// Immutable after `init`, so one context can serve connections on every thread.
public final class TLSContext: Sendable {
    // @unchecked: the SSL_CTX is never modified after init; OpenSSL allows concurrent SSL_new
    // on an unmodified SSL_CTX and locks its session cache internally (openssl-threads(7)).
    private struct Handle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private let handle: Handle

    /// The TLS 1.2 suites offered, strongest key first for each certificate type.
    ///
    /// AEAD only: the CBC suites (`ECDHE-RSA-AES128-SHA256`, `AES128-SHA`, …) are open to
    /// padding-oracle timing attacks (LUCKY13), and the suites without ECDHE have no forward
    /// secrecy. The profile's DHE-RSA suites need Diffie-Hellman parameters, which this server
    /// does not configure, so they are left out; every client that has them also has ECDHE. The
    /// server does not impose its order: the profile leaves the choice to clients, which know
    /// whether they have AES instructions.
    static let tls12CipherList = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")

    /// The TLS 1.3 suites offered: OpenSSL's default, named so that a system-wide OpenSSL
    /// configuration cannot change them.
    static let tls13CipherSuites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"

    /// The key-exchange groups offered, in the profile's order.
    static let groups = "X25519:prime256v1:secp384r1"

    /// The SSL_CTX. Sessions take their own reference (SSL_new up-refs it), so they may outlive
    /// this object.
    var pointer: OpaquePointer {
        self.handle.pointer
    }

    /// Loads the certificate chain and key and checks that they belong together.
    ///
    /// - Throws: ``TLSError`` with code ``TLSError/Code/configuration`` naming the file and the
    ///   problem (missing, not PEM, encrypted key, key not matching the certificate).
    public init(configuration: TLSConfiguration) throws {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw TLSError(code: .configuration, message: OpenSSLErrorQueue.message("cannot create an SSL_CTX"))
        }
        do {
            try Self.configure(context, configuration)
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        self.handle = Handle(pointer: context)
    }

    deinit {
        SSL_CTX_free(self.handle.pointer)
    }

    private static func configure(_ context: OpaquePointer, _ configuration: TLSConfiguration) throws {
        func check(_ ok: Bool, _ summary: @autoclosure () -> String) throws {
            guard ok else {
                throw TLSError(code: .configuration, message: OpenSSLErrorQueue.message(summary()))
            }
        }

        ERR_clear_error()
        try check(
            shebao_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1,
            "cannot set the minimum protocol version to TLS 1.2"
        )
        ERR_clear_error()
        try check(
            shebao_SSL_CTX_set_max_proto_version(context, TLS1_3_VERSION) == 1,
            "cannot set the maximum protocol version to TLS 1.3"
        )
        ERR_clear_error()
        try check(
            SSL_CTX_set_cipher_list(context, Self.tls12CipherList) == 1,
            "cannot set the TLS 1.2 cipher suites"
        )
        ERR_clear_error()
        try check(
            SSL_CTX_set_ciphersuites(context, Self.tls13CipherSuites) == 1,
            "cannot set the TLS 1.3 cipher suites"
        )
        ERR_clear_error()
        try check(shebao_SSL_CTX_set1_groups_list(context, Self.groups) == 1, "cannot set the key-exchange groups")
        ERR_clear_error()
        SSL_CTX_set_options(context, shebao_SSL_OP_NO_COMPRESSION() | shebao_SSL_OP_NO_RENEGOTIATION())
        ERR_clear_error()
        _ = shebao_SSL_CTX_set_mode(
            context,
            Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER)
        )
        // Without a callback OpenSSL would prompt on the terminal for the passphrase of an
        // encrypted key (SSL_CTX_set_default_passwd_cb(3)); a server must fail instead.
        ERR_clear_error()
        SSL_CTX_set_default_passwd_cb(context) { _, _, _, _ in 0 }
        ERR_clear_error()
        SSL_CTX_set_alpn_select_cb(context, selectApplicationProtocol, nil)

        let certificatePath = configuration.certificateChainPath
        let keyPath = configuration.privateKeyPath
        ERR_clear_error()
        try check(
            SSL_CTX_use_certificate_chain_file(context, certificatePath) == 1,
            "cannot load the certificate chain from \(certificatePath)"
        )
        ERR_clear_error()
        if SSL_CTX_use_PrivateKey_file(context, keyPath, SSL_FILETYPE_PEM) != 1 {
            let entries = OpenSSLErrorQueue.drain()
            // SSL_CTX_use_PrivateKey_file compares a key with the certificate of the same type
            // itself (X509_check_private_key(3)): that failure is a mismatch, not a bad file.
            let mismatch = entries.contains {
                ERR_GET_LIB($0.code) == ERR_LIB_X509 && ERR_GET_REASON($0.code) == X509_R_KEY_VALUES_MISMATCH
            }
            let summary =
                mismatch
                ? "the private key in \(keyPath) does not match the certificate in \(certificatePath)"
                : "cannot load the private key from \(keyPath)"
            throw TLSError(code: .configuration, message: OpenSSLErrorQueue.message(summary, entries: entries))
        }
        // Catches a key of another type than the certificate's (say EC key, RSA certificate),
        // which SSL_CTX_use_PrivateKey_file stores without comparing.
        ERR_clear_error()
        try check(
            SSL_CTX_check_private_key(context) == 1,
            "the private key in \(keyPath) does not match the certificate in \(certificatePath)"
        )
    }
}

/// The ALPN selection callback (SSL_CTX_set_alpn_select_cb(3)): picks `http/1.1` from the
/// client's list or fails the handshake.
private func selectApplicationProtocol(
    _ ssl: OpaquePointer?,
    _ selected: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    _ selectedLength: UnsafeMutablePointer<UInt8>?,
    _ offered: UnsafePointer<UInt8>?,
    _ offeredLength: UInt32,
    _ argument: UnsafeMutableRawPointer?
) -> Int32 {
    guard let selected, let selectedLength, let offered else {
        return SSL_TLSEXT_ERR_ALERT_FATAL
    }
    let list = UnsafeBufferPointer(start: offered, count: Int(offeredLength))
    guard let range = ApplicationProtocolList.find(ApplicationProtocolList.http11, in: list) else {
        // RFC 7301 section 3.2: no protocol in common is a fatal no_application_protocol
        // alert, which OpenSSL sends for SSL_TLSEXT_ERR_ALERT_FATAL.
        return SSL_TLSEXT_ERR_ALERT_FATAL
    }
    // OpenSSL copies the selection before this callback's input goes away, so pointing into
    // the client's list is allowed (SSL_CTX_set_alpn_select_cb(3)).
    selected.pointee = offered + range.lowerBound
    selectedLength.pointee = UInt8(range.count)
    return SSL_TLSEXT_ERR_OK
}
