internal import CCurl

extension HTTPClientError {
    /// The kind of failure a libcurl result code is.
    /// - Parameters:
    ///   - code: the result of `curl_easy_perform`, not `CURLE_OK`.
    ///   - message: libcurl's message for it.
    init(code: CURLcode, message: String) {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            self = .couldNotResolve(message)
        case CURLE_COULDNT_CONNECT:
            self = .couldNotConnect(message)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            self = .connectionLost(message)
        case CURLE_OPERATION_TIMEDOUT:
            self = .timedOut(message)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CLIENTCERT,
            CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_USE_SSL_FAILED:
            self = .tlsFailure(message)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            self = .invalidRequest(message)
        default:
            self = .other(code: Int(code.rawValue), message: message)
        }
    }
}
