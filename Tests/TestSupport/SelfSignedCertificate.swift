import Foundation

/// A self-signed RSA certificate for `localhost` and `127.0.0.1`, valid for two days, with its
/// unencrypted key, made by the openssl tool in a folder of its own. A client trusts it by
/// taking ``certificatePath`` as its CA file; ``remove()`` deletes the folder.
public struct SelfSignedCertificate: Sendable {
    /// The folder holding both files.
    public let folder: String

    /// The PEM certificate.
    public var certificatePath: String { self.folder + "/cert.pem" }

    /// The PEM private key.
    public var keyPath: String { self.folder + "/key.pem" }

    /// Generates a key pair and its certificate.
    ///
    /// - Throws: ``TestSetupError`` when the openssl tool fails.
    public static func make() throws -> SelfSignedCertificate {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let certificate = SelfSignedCertificate(folder: folder)
        let result = try Subprocess.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "2",
                "-keyout", certificate.keyPath, "-out", certificate.certificatePath,
            ]
        )
        guard result.status == 0 else {
            certificate.remove()
            throw TestSetupError("openssl req failed: \(result.standardError)")
        }
        return certificate
    }

    /// Deletes the folder and both files.
    public func remove() {
        try? FileManager.default.removeItem(atPath: self.folder)
    }
}
