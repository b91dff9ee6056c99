import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A self-signed certificate for `localhost` and `127.0.0.1` with its unencrypted key, made by
/// the `openssl` command-line tool in a fresh temporary folder. The certificate is its own CA:
/// a client trusts it by loading ``certificatePath`` as its CA file.
///
/// ```swift
/// let certificate = try TestCertificate.make(.p256)
/// defer { certificate.remove() }
/// ```
struct TestCertificate: Sendable {
    /// The kind of key pair to generate.
    enum KeyType: Sendable {
        case rsa2048
        case p256
    }

    /// The folder holding `c.pem` and `k.pem`; ``remove()`` deletes it.
    let folder: String

    /// The PEM certificate.
    var certificatePath: String {
        self.folder + "/c.pem"
    }

    /// The PEM private key (unencrypted PKCS #8).
    var privateKeyPath: String {
        self.folder + "/k.pem"
    }

    /// Generates a key pair and a certificate valid for two days.
    static func make(_ keyType: KeyType = .rsa2048) throws -> TestCertificate {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-test-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let certificate = TestCertificate(folder: folder)
        let key: [String] =
            switch keyType {
            case .rsa2048: ["-newkey", "rsa:2048"]
            case .p256: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
            }
        do {
            try Self.openssl(
                ["req", "-x509"] + key + [
                    "-nodes", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-days", "2", "-keyout", certificate.privateKeyPath, "-out", certificate.certificatePath,
                ]
            )
        } catch {
            certificate.remove()
            throw error
        }
        return certificate
    }

    /// Deletes the folder and everything in it.
    func remove() {
        try? FileManager.default.removeItem(atPath: self.folder)
    }

    /// Runs `openssl` (found on `PATH`) with `arguments` and waits for it; returns its standard
    /// output. Standard input is `/dev/null`, and both output streams go to temporary files, so
    /// the tool can neither wait for input nor stall on a full pipe.
    ///
    /// - Throws: ``TestSetupError`` if `openssl` cannot be started or exits with a failure.
    @discardableResult
    static func openssl(_ arguments: [String]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("openssl-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, folder + "/out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, folder + "/err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = (["openssl"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, "openssl", &actions, nil, argv, environ)
        guard rc == 0 else {
            throw TestSetupError("cannot start openssl: \(String(cString: strerror(rc)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: folder + "/out", encoding: .utf8)) ?? ""
        guard status == 0 else {
            let errors = (try? String(contentsOfFile: folder + "/err", encoding: .utf8)) ?? ""
            throw TestSetupError("openssl \(arguments.joined(separator: " ")) failed (status \(status)): \(errors)")
        }
        return output
    }
}

/// A test could not prepare what it needs (as opposed to the code under test failing).
struct TestSetupError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
