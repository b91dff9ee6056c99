internal import COpenSSL

/// Password hashes with scrypt (RFC 7914) through the system OpenSSL, in a self-describing
/// text form so that the parameters can be raised later and old hashes recognised:
///
///     $scrypt$ln=17,r=8,p=1$<salt, base64>$<hash, base64>
///
/// The defaults are OWASP's (N = 2^17, r = 8, p = 1): about 128 MiB and a few hundred
/// milliseconds per hash, so callers bound how many run at once.
public struct PasswordHash: Sendable, Equatable {
    public struct Parameters: Sendable, Equatable {
        /// log2 of N, the CPU/memory cost.
        public var logN: Int
        public var r: Int
        public var p: Int

        public init(logN: Int, r: Int, p: Int) {
            self.logN = logN
            self.r = r
            self.p = p
        }

        /// OWASP's recommendation for scrypt.
        public static let recommended = Parameters(logN: 17, r: 8, p: 1)

        /// Bytes of memory one hash needs (128 · N · r), plus room.
        var memoryBound: UInt64 {
            128 * (UInt64(1) << UInt64(self.logN)) * UInt64(self.r) * UInt64(self.p + 1) + (1 << 20)
        }
    }

    public var parameters: Parameters
    public var salt: [UInt8]
    public var hash: [UInt8]

    /// Hashes `password` with a fresh 16-byte salt.
    ///
    /// - Throws: ``SecurityError`` if OpenSSL refuses (out of memory, bad parameters).
    public static func make(password: String, parameters: Parameters = .recommended) throws -> PasswordHash {
        let salt = try Random.bytes(16)
        return PasswordHash(
            parameters: parameters,
            salt: salt,
            hash: try Self.derive(password: password, salt: salt, parameters: parameters)
        )
    }

    /// Parses the text form; nil if it is not one.
    public init?(encoded: String) {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "scrypt" else { return nil }
        var values: [String: Int] = [:]
        for pair in parts[2].split(separator: ",") {
            let keyValue = pair.split(separator: "=")
            guard keyValue.count == 2, let value = Int(keyValue[1]) else { return nil }
            values[String(keyValue[0])] = value
        }
        guard let logN = values["ln"], let r = values["r"], let p = values["p"], (1...30).contains(logN),
            (1...64).contains(r), (1...16).contains(p),
            let salt = Base64.decode(String(parts[3])), let hash = Base64.decode(String(parts[4])),
            salt.count >= 8, hash.count >= 16
        else {
            return nil
        }
        self.init(parameters: Parameters(logN: logN, r: r, p: p), salt: salt, hash: hash)
    }

    init(parameters: Parameters, salt: [UInt8], hash: [UInt8]) {
        self.parameters = parameters
        self.salt = salt
        self.hash = hash
    }

    /// The text form.
    public var encoded: String {
        "$scrypt$ln=\(self.parameters.logN),r=\(self.parameters.r),p=\(self.parameters.p)$"
            + "\(Base64.encode(self.salt))$\(Base64.encode(self.hash))"
    }

    /// Whether `password` is the one hashed (constant-time compare).
    public func verify(_ password: String) throws -> Bool {
        let candidate = try Self.derive(password: password, salt: self.salt, parameters: self.parameters)
        return ConstantTime.equal(candidate, self.hash)
    }

    /// Whether the hash was made with weaker parameters than `parameters` (rehash at log-in).
    public func needsUpgrade(to parameters: Parameters = .recommended) -> Bool {
        self.parameters.logN < parameters.logN || self.parameters.r < parameters.r || self.parameters.p < parameters.p
    }

    static func derive(password: String, salt: [UInt8], parameters: Parameters) throws -> [UInt8] {
        var key = [UInt8](repeating: 0, count: 32)
        let secret = Array(password.utf8)
        let ok = secret.withUnsafeBufferPointer { secretBuffer in
            salt.withUnsafeBufferPointer { saltBuffer in
                key.withUnsafeMutableBufferPointer { keyBuffer in
                    secretBuffer.withMemoryRebound(to: CChar.self) { secretChars in
                        EVP_PBE_scrypt(
                            secretChars.baseAddress,
                            secretChars.count,
                            saltBuffer.baseAddress,
                            saltBuffer.count,
                            UInt64(1) << UInt64(parameters.logN),
                            UInt64(parameters.r),
                            UInt64(parameters.p),
                            parameters.memoryBound,
                            keyBuffer.baseAddress,
                            keyBuffer.count
                        )
                    }
                }
            }
        }
        guard ok == 1 else {
            ERR_clear_error()
            throw SecurityError("scrypt failed (parameters or memory)")
        }
        return key
    }
}

/// A failure of the crypto library.
public struct SecurityError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Random bytes from OpenSSL's CSPRNG.
public enum Random {
    public static func bytes(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let ok = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        guard ok == 1 else { throw SecurityError("RAND_bytes failed") }
        return bytes
    }
}

/// Comparisons whose time does not depend on where the inputs differ.
public enum ConstantTime {
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0 }
        }
    }
}

/// Standard base64 (RFC 4648 §4) with padding.
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value = 0
            for (offset, byte) in chunk.enumerated() { value |= Int(byte) << (16 - 8 * offset) }
            for position in 0..<4 {
                output.append(
                    position <= chunk.count ? Self.alphabet[(value >> (18 - 6 * position)) & 0x3F] : UInt8(ascii: "=")
                )
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes, or nil if `text` is not padded standard base64.
    public static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        var index = 0
        while index < characters.count {
            var value = 0
            var padding = 0
            for position in 0..<4 {
                let character = characters[index + position]
                if character == UInt8(ascii: "=") && index + 4 == characters.count && position >= 2 {
                    padding += 1
                    continue
                }
                guard padding == 0, let digit = Self.alphabet.firstIndex(of: character) else { return nil }
                value |= digit << (18 - 6 * position)
            }
            output.append(UInt8((value >> 16) & 0xFF))
            if padding < 2 { output.append(UInt8((value >> 8) & 0xFF)) }
            if padding < 1 { output.append(UInt8(value & 0xFF)) }
            index += 4
        }
        return output
    }
}
