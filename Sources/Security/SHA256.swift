internal import COpenSSL

/// SHA-256 (FIPS 180-4) through the system OpenSSL.
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        let input = Array(bytes)
        input.withUnsafeBufferPointer { source in
            digest.withUnsafeMutableBufferPointer { output in
                // One-shot EVP_Digest; cannot fail for SHA-256 with valid pointers.
                let ok = EVP_Digest(source.baseAddress, source.count, output.baseAddress, nil, EVP_sha256(), nil)
                precondition(ok == 1, "EVP_Digest(SHA-256) failed")
            }
        }
        return digest
    }

    /// The digest of `bytes` as 64 lowercase hex digits.
    public static func hexDigest(_ bytes: some Collection<UInt8>) -> String {
        Hex.encode(Self.hash(bytes))
    }
}

/// Lowercase hexadecimal text.
public enum Hex {
    /// `bytes` as lowercase hex digits, two per byte.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
