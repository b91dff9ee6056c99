import Foundation
import TLS
import Testing

@Suite struct TLSContextTests {
    @Test func loadsAnRSACertificateAndItsKey() throws {
        let certificate = try TestCertificate.make(.rsa2048)
        defer { certificate.remove() }
        _ = try TLSContext(configuration: Self.configuration(certificate))
    }

    @Test func loadsAnECCertificateAndItsKey() throws {
        let certificate = try TestCertificate.make(.p256)
        defer { certificate.remove() }
        _ = try TLSContext(configuration: Self.configuration(certificate))
    }

    @Test func refusesAMissingCertificateFileNamingIt() throws {
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        let missing = certificate.folder + "/missing.pem"
        let error = #expect(throws: TLSError.self) {
            try TLSContext(
                configuration: TLSConfiguration(
                    certificateChainPath: missing,
                    privateKeyPath: certificate.privateKeyPath
                )
            )
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("cannot load the certificate chain from \(missing)") == true)
        #expect(error?.message.contains("No such file or directory") == true)
    }

    @Test func refusesAMissingKeyFileNamingIt() throws {
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        let missing = certificate.folder + "/missing-key.pem"
        let error = #expect(throws: TLSError.self) {
            try TLSContext(
                configuration: TLSConfiguration(
                    certificateChainPath: certificate.certificatePath,
                    privateKeyPath: missing
                )
            )
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("cannot load the private key from \(missing)") == true)
    }

    @Test func refusesACertificateFileThatIsNotPEM() throws {
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        let garbage = certificate.folder + "/garbage.pem"
        try Data("this is not a certificate\n".utf8).write(to: URL(fileURLWithPath: garbage))
        let error = #expect(throws: TLSError.self) {
            try TLSContext(
                configuration: TLSConfiguration(
                    certificateChainPath: garbage,
                    privateKeyPath: certificate.privateKeyPath
                )
            )
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("cannot load the certificate chain from \(garbage)") == true)
        #expect(error?.message.contains("no start line") == true)
    }

    @Test func refusesAKeyFileThatIsNotPEM() throws {
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        let garbage = certificate.folder + "/garbage-key.pem"
        try Data("-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n-----END PRIVATE KEY-----\n".utf8)
            .write(to: URL(fileURLWithPath: garbage))
        let error = #expect(throws: TLSError.self) {
            try TLSContext(
                configuration: TLSConfiguration(
                    certificateChainPath: certificate.certificatePath,
                    privateKeyPath: garbage
                )
            )
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("cannot load the private key from \(garbage)") == true)
    }

    @Test func refusesTheKeyOfAnotherCertificate() throws {
        let first = try TestCertificate.make()
        defer { first.remove() }
        let second = try TestCertificate.make()
        defer { second.remove() }
        let error = #expect(throws: TLSError.self) {
            try TLSContext(
                configuration: TLSConfiguration(
                    certificateChainPath: first.certificatePath,
                    privateKeyPath: second.privateKeyPath
                )
            )
        }
        #expect(error?.code == .configuration)
        #expect(
            error?.message.contains(
                "the private key in \(second.privateKeyPath) does not match the certificate in \(first.certificatePath)"
            ) == true
        )
    }

    @Test func refusesAKeyOfAnotherTypeThanTheCertificate() throws {
        let rsa = try TestCertificate.make(.rsa2048)
        defer { rsa.remove() }
        let ec = try TestCertificate.make(.p256)
        defer { ec.remove() }
        let error = #expect(throws: TLSError.self) {
            try TLSContext(
                configuration: TLSConfiguration(
                    certificateChainPath: rsa.certificatePath,
                    privateKeyPath: ec.privateKeyPath
                )
            )
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("does not match the certificate in \(rsa.certificatePath)") == true)
    }

    @Test func refusesAnEncryptedKeyInsteadOfAskingForItsPassphrase() throws {
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        let encrypted = certificate.folder + "/encrypted.pem"
        try TestCertificate.openssl([
            "pkey", "-in", certificate.privateKeyPath, "-aes256", "-passout", "pass:secret", "-out", encrypted,
        ])
        let error = #expect(throws: TLSError.self) {
            try TLSContext(
                configuration: TLSConfiguration(
                    certificateChainPath: certificate.certificatePath,
                    privateKeyPath: encrypted
                )
            )
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("cannot load the private key from \(encrypted)") == true)
    }

    @Test func describesItsErrorsWithTheCodeAndMessage() {
        let error = TLSError(code: .configuration, message: "cannot load the private key from /k.pem")
        #expect(error.description == "TLSError.configuration: cannot load the private key from /k.pem")
    }

    static func configuration(_ certificate: TestCertificate) -> TLSConfiguration {
        TLSConfiguration(
            certificateChainPath: certificate.certificatePath,
            privateKeyPath: certificate.privateKeyPath
        )
    }
}
