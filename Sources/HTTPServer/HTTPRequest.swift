public import HTTP1

/// A request as a handler sees it: an owned, immutable copy that may cross to a handler thread.
public struct HTTPRequest: Sendable {
    /// The method, as received.
    public var method: HTTPMethod
    /// The protocol version.
    public var version: HTTPVersion
    /// The path, percent-decoded once (``RequestTarget/path``).
    public var path: String
    /// The path's segments, empty ones dropped.
    public var pathSegments: [String]
    /// The query string, not decoded.
    public var rawQuery: String? { self.target.rawQuery }
    /// The parsed request-target.
    public let target: RequestTarget
    /// The header fields.
    public var headers: HTTPHeaders
    /// The body, decoded from its framing (empty if none).
    public var body: [UInt8]
    /// The request ID: the client's `X-Request-ID` when it is well-formed, otherwise generated.
    public var requestID: String
    /// The peer's IP address.
    public var remoteAddress: String
    /// Values of the route pattern's `:name` segments.
    public var parameters: [String: String] = [:]

    public init(
        method: HTTPMethod,
        version: HTTPVersion = .http1_1,
        target: RequestTarget,
        headers: HTTPHeaders,
        body: [UInt8] = [],
        requestID: String,
        remoteAddress: String = "127.0.0.1"
    ) {
        self.method = method
        self.version = version
        self.path = target.path
        self.pathSegments = target.segments
        self.target = target
        self.headers = headers
        self.body = body
        self.requestID = requestID
        self.remoteAddress = remoteAddress
    }

    /// The decoded query items.
    public var queryItems: [(name: String, value: String)] {
        self.target.queryItems()
    }

    /// The first value of the query parameter `name`.
    public func query(_ name: String) -> String? {
        self.queryItems.first { $0.name == name }?.value
    }
}

/// Header fields kept as one copy of the request head plus offsets: no string per field until
/// one is asked for. Names compare ASCII-case-insensitively.
public struct HTTPHeaders: Sendable, Sequence {
    private let storage: [UInt8]
    private let fields: [HTTPField]

    /// Fields that are offsets into `storage`.
    public init(storage: [UInt8], fields: [HTTPField]) {
        self.storage = storage
        self.fields = fields
    }

    /// Fields from name/value pairs (tests, in-process requests).
    public init(_ pairs: [(name: String, value: String)]) {
        var storage: [UInt8] = []
        var fields: [HTTPField] = []
        for (name, value) in pairs {
            let nameStart = storage.count
            storage.append(contentsOf: name.utf8)
            let valueStart = storage.count
            storage.append(contentsOf: value.utf8)
            fields.append(HTTPField(name: nameStart..<valueStart, value: valueStart..<storage.count))
        }
        self.init(storage: storage, fields: fields)
    }

    /// The first value of `name`.
    public subscript(name: String) -> String? {
        for field in self.fields where self.matches(field, name) {
            return String(decoding: self.storage[field.value], as: UTF8.self)
        }
        return nil
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        self.fields.filter { self.matches($0, name) }.map {
            String(decoding: self.storage[$0.value], as: UTF8.self)
        }
    }

    /// Number of fields.
    public var count: Int { self.fields.count }

    public func makeIterator() -> some IteratorProtocol<(name: String, value: String)> {
        self.fields.lazy.map {
            (
                String(decoding: self.storage[$0.name], as: UTF8.self),
                String(decoding: self.storage[$0.value], as: UTF8.self)
            )
        }.makeIterator()
    }

    /// The language the first `Accept-Language` asks for, for the server's own answers; read
    /// from the bytes, without making a string.
    var responseLanguage: ResponseLanguage {
        self.storage.withUnsafeBytes { buffer in
            let field = self.fields.first { $0.hasName("Accept-Language", in: buffer) }
            return AcceptLanguage.preferred(field.map { UnsafeRawBufferPointer(rebasing: buffer[$0.value]) })
        }
    }

    private func matches(_ field: HTTPField, _ name: String) -> Bool {
        self.storage.withUnsafeBytes { field.hasName(name, in: $0) }
    }
}
