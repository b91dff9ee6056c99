/// A request method, exactly as received: methods are case-sensitive (RFC 9110 §9.1), so `get` is
/// not `GET`.
public struct HTTPMethod: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
    /// The method's token.
    public let rawValue: String

    /// Wraps a method token.
    /// - Parameter rawValue: the token, case preserved.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The method's token.
    public var description: String { self.rawValue }

    /// `GET`.
    public static let get = HTTPMethod(rawValue: "GET")
    /// `HEAD`.
    public static let head = HTTPMethod(rawValue: "HEAD")
    /// `POST`.
    public static let post = HTTPMethod(rawValue: "POST")
    /// `PUT`.
    public static let put = HTTPMethod(rawValue: "PUT")
    /// `PATCH`.
    public static let patch = HTTPMethod(rawValue: "PATCH")
    /// `DELETE`.
    public static let delete = HTTPMethod(rawValue: "DELETE")
    /// `OPTIONS`.
    public static let options = HTTPMethod(rawValue: "OPTIONS")
    /// `CONNECT`.
    public static let connect = HTTPMethod(rawValue: "CONNECT")
    /// `TRACE`.
    public static let trace = HTTPMethod(rawValue: "TRACE")

    private static let common: [HTTPMethod] = [.get, .post, .put, .patch, .delete, .head, .options, .connect, .trace]

    /// The method spelled by `bytes`, sharing the common methods' storage so that parsing the usual
    /// requests allocates no string.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> HTTPMethod {
        if ASCII.equals(bytes, 0..<bytes.count, "GET") { return .get }
        if ASCII.equals(bytes, 0..<bytes.count, "POST") { return .post }
        for method in common where method.rawValue.utf8.count == bytes.count {
            if method.rawValue.utf8.elementsEqual(bytes) {
                return method
            }
        }
        return HTTPMethod(rawValue: String(decoding: bytes, as: UTF8.self))
    }
}
