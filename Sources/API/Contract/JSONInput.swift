import Domain
import Foundation

/// A JSON value as a client sent it, before it is checked against its schema: integers kept
/// apart from other numbers (JSON Schema's `integer` is any number without a fraction), object
/// members by name.
enum JSONInput: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONInput])
    case object([String: JSONInput])

    /// The largest body nesting taken: the decoder recurses, so deeper bodies are refused before
    /// it sees them.
    static let maxDepth = 32

    /// Parses `bytes` as one JSON value.
    ///
    /// - Throws: ``ShapeFailure`` naming the body (`field` empty) when it is not JSON or nests
    ///   deeper than ``maxDepth``.
    static func parse(_ bytes: [UInt8]) throws(ShapeFailure) -> JSONInput {
        guard Self.nestingDepth(of: bytes) <= Self.maxDepth else {
            throw ShapeFailure([
                ValidationIssue(field: "", code: .nestedTooDeep, arguments: ["max": "\(Self.maxDepth)"])
            ])
        }
        do {
            return try JSONDecoder().decode(JSONInput.self, from: Data(bytes))
        } catch {
            throw ShapeFailure([ValidationIssue(field: "", code: .invalidJSON)])
        }
    }

    /// The deepest nesting of arrays and objects, counting brackets outside strings. Linear, no
    /// recursion: safe on any input.
    static func nestingDepth(of bytes: [UInt8]) -> Int {
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

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONInput].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONInput].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value):
            // An integral number checked as an `integer` is written as one, so that a decoder of
            // `Int` takes `1.0` as the schema did.
            if value.rounded() == value, let integer = Int64(exactly: value) {
                try container.encode(integer)
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The JSON type names this value has: `integer` values are `number`s too.
    var typeNames: [String] {
        switch self {
        case .null: ["null"]
        case .bool: ["boolean"]
        case .integer: ["integer", "number"]
        case .number(let value): value.rounded() == value && value.isFinite ? ["integer", "number"] : ["number"]
        case .string: ["string"]
        case .array: ["array"]
        case .object: ["object"]
        }
    }

    /// The value as a whole number, when it is one within 64 bits.
    var integerValue: Int64? {
        switch self {
        case .integer(let value): value
        case .number(let value): value.rounded() == value ? Int64(exactly: value) : nil
        case .null, .bool, .string, .array, .object: nil
        }
    }

    /// The value as a number.
    var numberValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        case .null, .bool, .string, .array, .object: nil
        }
    }

    /// Decodes this (checked) value as `T`, through its canonical JSON.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: try JSONEncoder().encode(self))
    }
}

/// What a request's shape checks found: the issues, each naming its member or parameter. Answered
/// as 400 with `errors`.
struct ShapeFailure: Error, Sendable {
    var issues: [ValidationIssue]

    init(_ issues: [ValidationIssue]) {
        self.issues = issues
    }

    /// The 400 problem document listing every issue.
    var businessError: BusinessError {
        BusinessError(
            400,
            zh: "请求格式错误：\(self.issues.count) 处不符合接口说明，见 errors",
            en: "the request does not match the API description in \(self.issues.count) place(s): see errors",
            issues: self.issues
        )
    }
}
