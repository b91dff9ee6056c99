import Foundation
import TestSupport

/// A self-signed certificate for one DNS name and no address, made by the openssl tool in a
/// folder of its own: trusted as its own CA, it still does not match a connection to 127.0.0.1.
struct NamedCertificate {
    let folder: String
    var certificatePath: String { self.folder + "/cert.pem" }
    var keyPath: String { self.folder + "/key.pem" }

    /// - Parameter name: the only name the certificate holds.
    /// - Throws: ``TestSetupError`` when the openssl tool fails.
    init(name: String) throws {
        self.folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: self.folder, withIntermediateDirectories: true)
        let result = try Subprocess.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(name)",
                "-addext", "subjectAltName=DNS:\(name)", "-days", "2",
                "-keyout", self.keyPath, "-out", self.certificatePath,
            ]
        )
        guard result.status == 0 else {
            self.remove()
            throw TestSetupError("openssl req failed: \(result.standardError)")
        }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: self.folder)
    }
}
