/// Where a server's certificate chain and private key live.
public struct TLSConfiguration: Sendable {
    /// A PEM file holding the server certificate first, then any intermediate certificates.
    public var certificateChainPath: String
    /// A PEM file holding the unencrypted private key of the first certificate.
    public var privateKeyPath: String

    public init(certificateChainPath: String, privateKeyPath: String) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
    }
}
