import COpenSSL
import TLS
import Testing

/// What the server offers, as testssl.sh would probe it: clients restricted to one suite, one
/// group or one protocol version, each against RSA and ECDSA certificates. The server must
/// follow Mozilla's "intermediate" profile: ECDHE with AEAD ciphers under TLS 1.2, the three
/// standard suites under TLS 1.3, nothing older (TLS 1.1 and older are refused in
/// ``TLSSessionHandshakeTests``).
@Suite struct TLSContextAlgorithmTests {
    /// The suite a client offering only what is given settled on with a server of `context`,
    /// or nil when the handshake failed.
    private static func negotiated(
        _ context: TLSContext,
        _ certificate: TestCertificate,
        maxVersion: Int32 = TLS1_3_VERSION,
        cipherList: String? = nil,
        cipherSuites: String? = nil,
        groups: String? = nil
    ) throws -> String? {
        let connection = try InMemoryConnection(
            context: context,
            client: TestClient(
                caFile: certificate.certificatePath,
                maxVersion: maxVersion,
                cipherList: cipherList,
                cipherSuites: cipherSuites,
                groups: groups
            )
        )
        do {
            try connection.handshake()
        } catch {
            return nil
        }
        guard connection.clientFailure == nil, connection.server.isHandshakeComplete else { return nil }
        return connection.client.negotiatedCipher
    }

    /// ``negotiated(_:_:maxVersion:cipherList:cipherSuites:groups:)`` with a server of its own.
    private static func negotiated(
        _ keyType: TestCertificate.KeyType,
        maxVersion: Int32 = TLS1_3_VERSION,
        cipherList: String? = nil,
        cipherSuites: String? = nil,
        groups: String? = nil
    ) throws -> String? {
        var suite: String?
        try withTestServer(keyType) { context, certificate in
            suite = try Self.negotiated(
                context,
                certificate,
                maxVersion: maxVersion,
                cipherList: cipherList,
                cipherSuites: cipherSuites,
                groups: groups
            )
        }
        return suite
    }

    @Test(arguments: [
        (TestCertificate.KeyType.rsa2048, "ECDHE-RSA-AES128-GCM-SHA256"),
        (.rsa2048, "ECDHE-RSA-AES256-GCM-SHA384"),
        (.rsa2048, "ECDHE-RSA-CHACHA20-POLY1305"),
        (.p256, "ECDHE-ECDSA-AES128-GCM-SHA256"),
        (.p256, "ECDHE-ECDSA-AES256-GCM-SHA384"),
        (.p256, "ECDHE-ECDSA-CHACHA20-POLY1305"),
    ])
    func anAEADSuiteWithECDHENegotiatesUnderTLS12(keyType: TestCertificate.KeyType, suite: String) throws {
        #expect(try Self.negotiated(keyType, maxVersion: TLS1_2_VERSION, cipherList: suite) == suite)
    }

    /// CBC (LUCKY13), static RSA key exchange (no forward secrecy), DHE without parameters, and
    /// the rest of the old suites.
    @Test(arguments: [
        (TestCertificate.KeyType.rsa2048, "ECDHE-RSA-AES128-SHA256"),
        (.rsa2048, "ECDHE-RSA-AES256-SHA384"),
        (.rsa2048, "ECDHE-RSA-AES128-SHA"),
        (.rsa2048, "AES128-SHA"),
        (.rsa2048, "AES128-GCM-SHA256"),
        (.rsa2048, "AES256-SHA256"),
        (.rsa2048, "DHE-RSA-AES128-GCM-SHA256"),
        (.rsa2048, "DHE-RSA-CHACHA20-POLY1305"),
        (.p256, "ECDHE-ECDSA-AES128-SHA256"),
        (.p256, "ECDHE-ECDSA-AES256-SHA"),
        (.p256, "ECDHE-ECDSA-AES128-CCM"),
    ])
    func everyOtherSuiteIsRefusedUnderTLS12(keyType: TestCertificate.KeyType, suite: String) throws {
        #expect(try Self.negotiated(keyType, maxVersion: TLS1_2_VERSION, cipherList: suite) == nil)
    }

    /// Every TLS 1.2 suite this OpenSSL knows, one at a time: exactly the profile's three per
    /// certificate type get through.
    @Test(arguments: [TestCertificate.KeyType.rsa2048, .p256])
    func underTLS12ExactlyTheProfilesSuitesAreOffered(keyType: TestCertificate.KeyType) throws {
        let everySuite = try TestClient.everyTLS12CipherName()
        try #require(everySuite.count > 30, "\(everySuite)")
        var accepted: Set<String> = []
        try withTestServer(keyType) { context, certificate in
            for suite in everySuite
            where try Self.negotiated(context, certificate, maxVersion: TLS1_2_VERSION, cipherList: suite) != nil {
                accepted.insert(suite)
            }
        }
        let kind = keyType == .rsa2048 ? "RSA" : "ECDSA"
        #expect(
            accepted == [
                "ECDHE-\(kind)-AES128-GCM-SHA256", "ECDHE-\(kind)-AES256-GCM-SHA384",
                "ECDHE-\(kind)-CHACHA20-POLY1305",
            ]
        )
    }

    @Test(arguments: ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"])
    func theStandardSuitesNegotiateUnderTLS13(_ suite: String) throws {
        #expect(try Self.negotiated(.rsa2048, cipherSuites: suite) == suite)
        #expect(try Self.negotiated(.p256, cipherSuites: suite) == suite)
    }

    @Test(arguments: ["TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"])
    func theCCMSuitesAreNotOfferedUnderTLS13(_ suite: String) throws {
        #expect(try Self.negotiated(.rsa2048, cipherSuites: suite) == nil)
    }

    @Test(arguments: [("X25519", true), ("P-256", true), ("P-384", true), ("P-521", false), ("ffdhe2048", false)])
    func keyExchangeRunsOverTheProfilesGroupsOnly(group: String, isOffered: Bool) throws {
        #expect(try (Self.negotiated(.rsa2048, groups: group) != nil) == isOffered)
        #expect(try (Self.negotiated(.rsa2048, maxVersion: TLS1_2_VERSION, groups: group) != nil) == isOffered)
    }
}
