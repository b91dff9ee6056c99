extension EventLoop {
    /// `<prefix>-<counter in hex>`, written straight into the string's storage.
    func nextRequestID() -> String {
        self.requestCounter += 1
        let counter = self.requestCounter
        let digits = max(1, (64 - counter.leadingZeroBitCount + 3) / 4)
        let prefix = self.requestIDPrefix.utf8
        return String(unsafeUninitializedCapacity: prefix.count + 1 + digits) { buffer in
            var index = 0
            for byte in prefix {
                buffer[index] = byte
                index += 1
            }
            buffer[index] = UInt8(ascii: "-")
            index += digits
            var rest = counter
            for position in stride(from: index, to: index - digits, by: -1) {
                buffer[position] = Self.hexDigits[Int(rest & 0xF)]
                rest >>= 4
            }
            return index + 1
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The client's `X-Request-ID` if it is 1–64 characters of `[A-Za-z0-9._-]`, else a new one.
    func requestID(from headers: HTTPHeaders) -> String {
        if let given = headers["X-Request-ID"], (1...64).contains(given.utf8.count),
            given.utf8.allSatisfy({ byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2E || byte == 0x5F || byte == 0x2D
            })
        {
            return given
        }
        return self.nextRequestID()
    }
}
