import TLS

/// A fresh certificate and a `TLSContext` serving it, for the length of `body`.
func withTestServer(
    _ keyType: TestCertificate.KeyType = .rsa2048,
    _ body: (TLSContext, TestCertificate) throws -> Void
) throws {
    let certificate = try TestCertificate.make(keyType)
    defer { certificate.remove() }
    let context = try TLSContext(
        configuration: TLSConfiguration(
            certificateChainPath: certificate.certificatePath,
            privateKeyPath: certificate.privateKeyPath
        )
    )
    try body(context, certificate)
}
