/// Why a request was refused, with the status to answer it with.
///
/// The reason is one of a fixed set of short English phrases: it never contains request bytes, so it
/// is safe to log and to send back in a response body.
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The response status: 400, 413, 414, 417, 431, 501 or 505.
    public var status: Int
    /// A constant English phrase naming the problem.
    public var reason: String

    /// Creates an error.
    /// - Parameters:
    ///   - status: the response status.
    ///   - reason: a constant phrase that does not echo request bytes.
    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }

    /// The status followed by the reason, e.g. `400 bare LF`.
    public var description: String { "\(self.status) \(self.reason)" }
}

extension HTTPParseError {
    static let bareLF = HTTPParseError(status: 400, reason: "bare LF")
    static let bareCR = HTTPParseError(status: 400, reason: "bare CR")
    static let tooManyEmptyLines = HTTPParseError(status: 400, reason: "too many empty lines before the request line")
    static let invalidMethod = HTTPParseError(status: 400, reason: "invalid method")
    static let invalidRequestLine = HTTPParseError(status: 400, reason: "malformed request line")
    static let emptyTarget = HTTPParseError(status: 400, reason: "empty request target")
    static let invalidVersion = HTTPParseError(status: 400, reason: "malformed HTTP version")
    static let unsupportedVersion = HTTPParseError(status: 505, reason: "unsupported HTTP version")
    static let requestLineTooLong = HTTPParseError(status: 414, reason: "request line too long")

    static let obsFold = HTTPParseError(status: 400, reason: "obsolete line folding")
    static let emptyFieldName = HTTPParseError(status: 400, reason: "empty field name")
    static let invalidFieldName = HTTPParseError(status: 400, reason: "invalid field name")
    static let whitespaceBeforeColon = HTTPParseError(status: 400, reason: "whitespace before colon")
    static let missingColon = HTTPParseError(status: 400, reason: "field line without colon")
    static let invalidFieldValue = HTTPParseError(status: 400, reason: "invalid field value")
    static let fieldLineTooLong = HTTPParseError(status: 431, reason: "field line too long")
    static let headerSectionTooLong = HTTPParseError(status: 431, reason: "header section too long")
    static let tooManyFields = HTTPParseError(status: 431, reason: "too many header fields")

    static let missingHost = HTTPParseError(status: 400, reason: "missing Host")
    static let multipleHosts = HTTPParseError(status: 400, reason: "more than one Host")
    static let invalidHost = HTTPParseError(status: 400, reason: "invalid Host")
    static let invalidContentLength = HTTPParseError(status: 400, reason: "invalid Content-Length")
    static let multipleContentLengths = HTTPParseError(status: 400, reason: "more than one Content-Length")
    static let contentLengthAndTransferEncoding = HTTPParseError(
        status: 400,
        reason: "both Content-Length and Transfer-Encoding"
    )
    static let multipleTransferEncodings = HTTPParseError(status: 400, reason: "more than one Transfer-Encoding")
    static let invalidTransferEncoding = HTTPParseError(status: 400, reason: "invalid Transfer-Encoding")
    static let transferEncodingInHTTP10 = HTTPParseError(status: 400, reason: "Transfer-Encoding in HTTP/1.0")
    static let unsupportedTransferCoding = HTTPParseError(status: 501, reason: "unsupported transfer coding")
    static let bodyTooLarge = HTTPParseError(status: 413, reason: "body too large")
    static let unsupportedExpectation = HTTPParseError(status: 417, reason: "unsupported expectation")

    static let invalidChunkSize = HTTPParseError(status: 400, reason: "invalid chunk size")
    static let chunkSizeTooLong = HTTPParseError(status: 400, reason: "chunk size too long")
    static let invalidChunkExtension = HTTPParseError(status: 400, reason: "invalid chunk extension")
    static let chunkExtensionTooLong = HTTPParseError(status: 400, reason: "chunk extension too long")
    static let missingChunkDataCRLF = HTTPParseError(status: 400, reason: "missing CRLF after chunk data")
    static let invalidTrailer = HTTPParseError(status: 400, reason: "invalid trailer field")
    static let trailerSectionTooLong = HTTPParseError(status: 431, reason: "trailer section too long")

    static let invalidTarget = HTTPParseError(status: 400, reason: "invalid request target")
    static let invalidPercentEncoding = HTTPParseError(status: 400, reason: "invalid percent-encoding in target")
    static let controlCharacterInTarget = HTTPParseError(status: 400, reason: "control character in target")
    static let encodedSeparatorInTarget = HTTPParseError(status: 400, reason: "encoded slash or backslash in target")
    static let dotSegmentInTarget = HTTPParseError(status: 400, reason: "dot segment in target")
    static let invalidUTF8InTarget = HTTPParseError(status: 400, reason: "invalid UTF-8 in target")
}
