import HTTP1
import Testing

/// Every byte value tried in every position of the head's grammar.
@Suite struct ByteClassTests {
    // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
    //       / DIGIT / ALPHA                                       (RFC 9110 §5.6.2)
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    private static let allBytes = Array(UInt8.min...UInt8.max)

    @Test(arguments: allBytes)
    func aMethodIsAcceptedOnlyWhenEveryByteIsATokenCharacter(_ byte: UInt8) {
        let request = [byte] + Array("ET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        let result = Feeding.parseEveryWay(request)
        if Self.isTokenCharacter(byte) {
            guard case .complete(let head) = result else {
                Issue.record("byte \(byte): \(result)")
                return
            }
            #expect(Array(head.method.rawValue.utf8) == [byte] + Array("ET".utf8))
        } else {
            #expect(result.refusalStatus == 400, "byte \(byte): \(result)")
        }
    }

    @Test(arguments: allBytes)
    func aFieldNameIsAcceptedOnlyWhenEveryByteIsATokenCharacter(_ byte: UInt8) {
        let prefix = Array("GET / HTTP/1.1\r\nHost: a\r\n".utf8)
        let leading = Feeding.parseEveryWay(prefix + [byte] + Array("name: v\r\n\r\n".utf8))
        let inner = Feeding.parseEveryWay(prefix + Array("na".utf8) + [byte] + Array("me: v\r\n\r\n".utf8))
        if Self.isTokenCharacter(byte) {
            #expect(
                leading.fieldNames(in: prefix + [byte] + Array("name: v\r\n\r\n".utf8)).last == [byte]
                    + Array("name".utf8)
            )
            #expect(
                inner.fieldNames(in: prefix + Array("na".utf8) + [byte] + Array("me: v\r\n\r\n".utf8)).last == Array(
                    "na".utf8
                ) + [byte] + Array("me".utf8)
            )
        } else {
            #expect(leading.refusalStatus == 400, "byte \(byte): \(leading)")
            if byte != UInt8(ascii: ":") {
                #expect(inner.refusalStatus == 400, "byte \(byte): \(inner)")
            }
        }
    }

    // field-value = *field-content; field-content = field-vchar [ 1*( SP / HTAB / field-vchar ) field-vchar ]
    // field-vchar = VCHAR / obs-text; obs-text = %x80-FF                (RFC 9110 §5.5)
    @Test(arguments: allBytes)
    func aFieldValueAcceptsVisibleCharactersWhitespaceAndObsTextOnly(_ byte: UInt8) {
        let request = Array("GET / HTTP/1.1\r\nHost: a\r\nX-V: a".utf8) + [byte] + Array("b\r\n\r\n".utf8)
        let result = Feeding.parseEveryWay(request)
        let allowed = byte == 0x09 || byte == 0x20 || (0x21...0x7E).contains(byte) || byte >= 0x80
        if allowed {
            #expect(result.fieldValues(in: request).last == [UInt8(ascii: "a"), byte, UInt8(ascii: "b")])
        } else {
            #expect(result.refusalStatus == 400, "byte \(byte): \(result)")
        }
    }

    // request-target = origin-form / absolute-form / authority-form / asterisk-form, all made of
    // visible ASCII: VCHAR = %x21-7E                                     (RFC 9112 §3.2)
    @Test(arguments: allBytes)
    func aRequestTargetAcceptsVisibleASCIIOnly(_ byte: UInt8) {
        let request = Array("GET /a".utf8) + [byte] + Array("b HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        let result = Feeding.parseEveryWay(request)
        if (0x21...0x7E).contains(byte) {
            guard case .complete(let head) = result else {
                Issue.record("byte \(byte): \(result)")
                return
            }
            #expect(Array(request[head.target]) == Array("/a".utf8) + [byte] + Array("b".utf8))
        } else {
            #expect(result.refusalStatus == 400, "byte \(byte): \(result)")
        }
    }

    // path-abempty = *( "/" segment ); segment = *pchar; query = *( pchar / "/" / "?" )
    // pchar = unreserved / pct-encoded / sub-delims / ":" / "@"          (RFC 3986 §3.3, §3.4)
    @Test(arguments: allBytes)
    func aDecodedTargetAcceptsTheRFC3986PathCharactersOnly(_ byte: UInt8) {
        let allowed = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?".utf8)
        let result = ([UInt8(ascii: "/"), UInt8(ascii: "a"), byte, UInt8(ascii: "b")]).withUnsafeBytes {
            RequestTarget.parse($0)
        }
        switch result {
        case .success:
            #expect(allowed.contains(byte), "byte \(byte) was accepted")
        case .failure(let error):
            #expect(!allowed.contains(byte), "byte \(byte): \(error)")
            #expect(error.status == 400)
        }
    }
}

extension HTTPHeadParseResult {
    /// The status of a refusal, or nil when the request was not refused.
    var refusalStatus: Int? {
        if case .invalid(let error) = self { return error.status }
        return nil
    }

    /// The field names of a complete head, copied out of `bytes`.
    func fieldNames(in bytes: [UInt8]) -> [[UInt8]] {
        guard case .complete(let head) = self else { return [] }
        return head.fields.map { Array(bytes[$0.name]) }
    }

    /// The field values of a complete head, copied out of `bytes`.
    func fieldValues(in bytes: [UInt8]) -> [[UInt8]] {
        guard case .complete(let head) = self else { return [] }
        return head.fields.map { Array(bytes[$0.value]) }
    }
}
