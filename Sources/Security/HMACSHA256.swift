internal import COpenSSL

/// HMAC (RFC 2104) with SHA-256 (FIPS 180-4), through the system OpenSSL: the MAC behind the
/// verification codes of vouchers.
public enum HMACSHA256 {
    /// The 32-byte MAC of `message` under `key`.
    /// - Parameters:
    ///   - message: the bytes to authenticate.
    ///   - key: the secret key; RFC 2104 §3 asks for at least the digest length (32 bytes).
    /// - Returns: the 32-byte MAC.
    public static func authenticate(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        OneShotHMAC.authenticate(message, key: key, digest: EVP_sha256(), length: 32)
    }
}

/// One-shot HMAC through OpenSSL, for a digest of a known length.
enum OneShotHMAC {
    static func authenticate(_ message: [UInt8], key: [UInt8], digest: OpaquePointer?, length expected: Int) -> [UInt8]
    {
        var mac = [UInt8](repeating: 0, count: expected)
        var length: UInt32 = 0
        key.withUnsafeBufferPointer { key in
            message.withUnsafeBufferPointer { message in
                mac.withUnsafeMutableBufferPointer { output in
                    // Cannot fail with a valid digest and valid pointers.
                    let result = HMAC(
                        digest,
                        key.baseAddress,
                        Int32(key.count),
                        message.baseAddress,
                        message.count,
                        output.baseAddress,
                        &length
                    )
                    precondition(result != nil && Int(length) == expected, "HMAC failed")
                }
            }
        }
        return mac
    }
}
