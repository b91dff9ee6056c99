import Foundation

/// Decoding request bodies as JSON with limits, so that hostile JSON is a 400, never a crash:
/// nesting is bounded before the decoder (which recurses) sees the bytes, and so is the size.
public enum JSONBody {
    /// Limits for ``decode(_:from:maxDepth:maxBytes:)``.
    public static let defaultMaxDepth = 32
    public static let defaultMaxBytes = 1 << 20

    /// Decodes `bytes` as `T`.
    ///
    /// - Throws: ``HTTPError`` 400 naming what is wrong (too deep, too large, not JSON, wrong
    ///   shape), with no echo of the input; 415 is the caller's business (check Content-Type).
    public static func decode<T: Decodable>(
        _ type: T.Type,
        from bytes: [UInt8],
        maxDepth: Int = Self.defaultMaxDepth,
        maxBytes: Int = Self.defaultMaxBytes
    ) throws -> T {
        guard bytes.count <= maxBytes else {
            throw HTTPError(400, "the JSON body is larger than \(maxBytes) bytes")
        }
        guard Self.nestingDepth(of: bytes) <= maxDepth else {
            throw HTTPError(400, "the JSON body nests deeper than \(maxDepth) levels")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw HTTPError(400, Self.describe(error))
        } catch {
            throw HTTPError(400, "the body is not valid JSON")
        }
    }

    /// The deepest nesting of arrays and objects, counting brackets outside strings. Linear, no
    /// recursion: safe on any input.
    public static func nestingDepth(of bytes: [UInt8]) -> Int {
        var depth = 0
        var deepest = 0
        var isInString = false
        var isEscaped = false
        for byte in bytes {
            if isInString {
                if isEscaped {
                    isEscaped = false
                } else if byte == UInt8(ascii: "\\") {
                    isEscaped = true
                } else if byte == UInt8(ascii: "\"") {
                    isInString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                isInString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default:
                break
            }
        }
        return deepest
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "the body" : path
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context)): missing field \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)): wrong type or missing value"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context)): invalid value"
        @unknown default:
            return "the body does not match the expected shape"
        }
    }
}
