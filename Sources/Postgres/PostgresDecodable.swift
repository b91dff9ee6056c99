public import Foundation

/// Where a value being decoded came from, for error messages.
public struct PostgresDecodingContext: Sendable {
    private enum Source: Sendable {
        case result(_PGResult, column: Int32)
        case name(String)
    }

    private let source: Source
    /// The column's type OID.
    public var typeOID: UInt32

    /// A context for a column of a result; its name is read only if an error needs it.
    init(result: _PGResult, column: Int32, typeOID: UInt32) {
        self.source = .result(result, column: column)
        self.typeOID = typeOID
    }

    /// A context with a known column name.
    public init(column: String, typeOID: UInt32) {
        self.source = .name(column)
        self.typeOID = typeOID
    }

    /// The column's name.
    public var column: String {
        switch self.source {
        case .result(let result, let index): result.columnName(index)
        case .name(let name): name
        }
    }

    /// A decoding error for this column, naming the type that was asked for.
    public func mismatch<T>(_ type: T.Type) -> PostgresError {
        PostgresError(code: .decoding, column: self.column, expectedType: "\(T.self)", typeOID: self.typeOID)
    }
}

/// A Swift type that can be read from a result column (results arrive in text form).
///
/// A value of a column type the Swift type does not accept, or text that does not parse,
/// throws ``PostgresError/Code/decoding`` naming the column. NULL into a non-optional type throws
/// ``PostgresError/Code/unexpectedNull``; `Optional` turns NULL into `nil`.
public protocol PostgresDecodable: Sendable {
    /// Decodes the text form of a non-NULL value.
    static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> Self
    /// The value for SQL NULL; throws unless the type can represent it.
    static func decodeNull(context: PostgresDecodingContext) throws -> Self
}

extension PostgresDecodable {
    public static func decodeNull(context: PostgresDecodingContext) throws -> Self {
        throw PostgresError(
            code: .unexpectedNull,
            column: context.column,
            expectedType: "\(Self.self)",
            typeOID: context.typeOID
        )
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> Self {
        try Wrapped.decode(from: bytes, context: context)
    }

    public static func decodeNull(context: PostgresDecodingContext) throws -> Self {
        nil
    }
}

extension String: PostgresDecodable {
    /// Any column decodes as `String`: its text form (so extension types such as `ltree` or
    /// `inet` can be read too).
    public static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

extension Bool: PostgresDecodable {
    public static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> Bool {
        guard context.typeOID == PostgresTypeOID.bool, bytes.count == 1 else {
            throw context.mismatch(Bool.self)
        }
        switch bytes[0] {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: throw context.mismatch(Bool.self)
        }
    }
}

extension FixedWidthInteger where Self: SignedInteger {
    static func parseDecimal(_ bytes: UnsafeRawBufferPointer) -> Self? {
        var index = 0
        var isNegative = false
        if bytes.count > 0, bytes[0] == UInt8(ascii: "-") {
            isNegative = true
            index = 1
        }
        guard index < bytes.count else { return nil }
        var value: Self = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Self(byte - UInt8(ascii: "0"))
            // Accumulate negatively so that Self.min parses without overflow.
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times10.subtractingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = next
            index += 1
        }
        if isNegative {
            return value
        }
        let (positive, overflow) = Self(0).subtractingReportingOverflow(value)
        return overflow ? nil : positive
    }

    static func decodeInteger(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> Self {
        guard PostgresTypeOID.integers.contains(context.typeOID), let value = Self.parseDecimal(bytes) else {
            throw context.mismatch(Self.self)
        }
        return value
    }
}

extension Int64: PostgresDecodable {
    public static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> Int64 {
        try Self.decodeInteger(from: bytes, context: context)
    }
}

extension Int: PostgresDecodable {
    public static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> Int {
        try Self.decodeInteger(from: bytes, context: context)
    }
}

extension Int32: PostgresDecodable {
    public static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> Int32 {
        try Self.decodeInteger(from: bytes, context: context)
    }
}

extension Int16: PostgresDecodable {
    public static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> Int16 {
        try Self.decodeInteger(from: bytes, context: context)
    }
}

extension Double: PostgresDecodable {
    public static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> Double {
        let accepted: Set<UInt32> = [PostgresTypeOID.float4, PostgresTypeOID.float8]
        guard accepted.contains(context.typeOID), let value = Double(String(decoding: bytes, as: UTF8.self)) else {
            throw context.mismatch(Double.self)
        }
        return value
    }
}

extension Decimal: PostgresDecodable {
    /// `numeric` (and integer) columns, exactly: never through `Double`.
    public static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> Decimal {
        guard context.typeOID == PostgresTypeOID.numeric || PostgresTypeOID.integers.contains(context.typeOID) else {
            throw context.mismatch(Decimal.self)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), !value.isNaN,
            value.description == PostgresNumeric.canonical(text)
        else {
            // NaN, infinities, and values beyond Decimal's 38 digits: read them as PostgresNumeric.
            throw context.mismatch(Decimal.self)
        }
        return value
    }
}

/// A `numeric` value kept as PostgreSQL's exact text, for any precision and for `NaN`.
public struct PostgresNumeric: Hashable, Sendable, CustomStringConvertible, PostgresEncodable, PostgresDecodable {
    /// The exact decimal text, e.g. `-12.3400`.
    public var text: String

    public init(_ text: String) {
        self.text = text
    }

    public var description: String { self.text }

    /// The value as `Decimal`, if it fits exactly.
    public var decimal: Decimal? {
        guard let value = Decimal(string: self.text, locale: Locale(identifier: "en_US_POSIX")),
            value.description == Self.canonical(self.text)
        else {
            return nil
        }
        return value
    }

    public var postgresTypeOID: UInt32 { PostgresTypeOID.numeric }

    public func encode(into buffer: inout [UInt8]) throws {
        try self.text.encode(into: &buffer)
    }

    public static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> Self {
        guard context.typeOID == PostgresTypeOID.numeric || PostgresTypeOID.integers.contains(context.typeOID) else {
            throw context.mismatch(PostgresNumeric.self)
        }
        return PostgresNumeric(String(decoding: bytes, as: UTF8.self))
    }

    /// The text as `Decimal.description` would print the same value: no trailing fraction zeros,
    /// no leading zeros, `0` for zero.
    static func canonical(_ text: String) -> String {
        var sign = ""
        var body = Substring(text)
        if body.first == "-" {
            sign = "-"
            body = body.dropFirst()
        }
        var integer = body.prefix { $0 != "." }
        var fraction = body.dropFirst(integer.count + 1)
        while integer.count > 1, integer.first == "0" {
            integer = integer.dropFirst()
        }
        while fraction.last == "0" {
            fraction = fraction.dropLast()
        }
        if integer.isEmpty {
            integer = "0"
        }
        let result = fraction.isEmpty ? String(integer) : "\(integer).\(fraction)"
        return result == "0" ? "0" : sign + result
    }
}

extension PostgresDate: PostgresDecodable {
    public static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> Self {
        guard context.typeOID == PostgresTypeOID.date, let date = PostgresTimestamp.parseDate(bytes) else {
            throw context.mismatch(PostgresDate.self)
        }
        return date
    }
}

extension Date: PostgresDecodable {
    /// `timestamptz` and `timestamp` (read as UTC). `infinity` does not decode.
    public static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> Date {
        guard context.typeOID == PostgresTypeOID.timestamptz || context.typeOID == PostgresTypeOID.timestamp,
            let date = PostgresTimestamp.parse(bytes)
        else {
            throw context.mismatch(Date.self)
        }
        return date
    }
}

extension UUID: PostgresDecodable {
    public static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> UUID {
        guard context.typeOID == PostgresTypeOID.uuid,
            let uuid = UUID(uuidString: String(decoding: bytes, as: UTF8.self))
        else {
            throw context.mismatch(UUID.self)
        }
        return uuid
    }
}

extension PostgresBytes: PostgresDecodable {
    /// `bytea` in hex output form (`\x…`), which the connection selects.
    public static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> Self {
        guard context.typeOID == PostgresTypeOID.bytea, let value = Self.parseHex(bytes) else {
            throw context.mismatch(PostgresBytes.self)
        }
        return PostgresBytes(value)
    }

    static func parseHex(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        guard bytes.count >= 2, bytes.count % 2 == 0, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x")
        else {
            return nil
        }
        func nibble(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var result = [UInt8](repeating: 0, count: (bytes.count - 2) / 2)
        var index = 2
        var out = 0
        while index < bytes.count {
            guard let high = nibble(bytes[index]), let low = nibble(bytes[index + 1]) else { return nil }
            result[out] = high << 4 | low
            out += 1
            index += 2
        }
        return result
    }
}

extension Data: PostgresDecodable {
    public static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> Data {
        Data(try PostgresBytes.decode(from: bytes, context: context).bytes)
    }
}

/// A `json` or `jsonb` value as its JSON text.
public struct PostgresJSON: Hashable, Sendable, PostgresEncodable, PostgresDecodable {
    /// The JSON document's text.
    public var text: String

    public init(text: String) {
        self.text = text
    }

    /// Encodes an `Encodable` value with `JSONEncoder` (sorted keys, so equal values give equal text).
    public init<T: Encodable>(encoding value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        self.text = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes the JSON text into `type`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(self.text.utf8))
    }

    public var postgresTypeOID: UInt32 { PostgresTypeOID.jsonb }

    public func encode(into buffer: inout [UInt8]) throws {
        try self.text.encode(into: &buffer)
    }

    public static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> Self {
        guard context.typeOID == PostgresTypeOID.jsonb || context.typeOID == PostgresTypeOID.json else {
            throw context.mismatch(PostgresJSON.self)
        }
        return PostgresJSON(text: String(decoding: bytes, as: UTF8.self))
    }
}

extension Array: PostgresDecodable where Element: PostgresArrayDecodable {
    /// One-dimensional arrays; a NULL element throws ``PostgresError/Code/unexpectedNull``.
    public static func decode(from bytes: UnsafeRawBufferPointer, context: PostgresDecodingContext) throws -> [Element]
    {
        guard Element.postgresArrayTypeOIDs.contains(context.typeOID),
            let elements = PostgresArrayParser.parse(bytes)
        else {
            throw context.mismatch([Element].self)
        }
        var elementContext = context
        elementContext.typeOID = Element.postgresElementTypeOID
        return try elements.map { element in
            guard let element else {
                return try Element.decodeNull(context: elementContext)
            }
            return try Array<UInt8>(element.utf8).withUnsafeBytes {
                try Element.decode(from: $0, context: elementContext)
            }
        }
    }
}

/// A type that can be an element of a decoded array.
public protocol PostgresArrayDecodable: PostgresDecodable {
    /// The array type OIDs accepted.
    static var postgresArrayTypeOIDs: Set<UInt32> { get }
    /// The element type OID the elements are decoded as.
    static var postgresElementTypeOID: UInt32 { get }
}

extension Int64: PostgresArrayDecodable {
    public static var postgresArrayTypeOIDs: Set<UInt32> {
        [PostgresTypeOID.int8Array, PostgresTypeOID.int4Array, PostgresTypeOID.int2Array]
    }
    public static var postgresElementTypeOID: UInt32 { PostgresTypeOID.int8 }
}

extension Int: PostgresArrayDecodable {
    public static var postgresArrayTypeOIDs: Set<UInt32> {
        [PostgresTypeOID.int8Array, PostgresTypeOID.int4Array, PostgresTypeOID.int2Array]
    }
    public static var postgresElementTypeOID: UInt32 { PostgresTypeOID.int8 }
}

extension String: PostgresArrayDecodable {
    public static var postgresArrayTypeOIDs: Set<UInt32> { [PostgresTypeOID.textArray, PostgresTypeOID.varcharArray] }
    public static var postgresElementTypeOID: UInt32 { PostgresTypeOID.text }
}

extension Optional: PostgresArrayDecodable where Wrapped: PostgresArrayDecodable {
    public static var postgresArrayTypeOIDs: Set<UInt32> { Wrapped.postgresArrayTypeOIDs }
    public static var postgresElementTypeOID: UInt32 { Wrapped.postgresElementTypeOID }
}

/// Parses the text form of a one-dimensional array: `{a,"b c",NULL,"q\"uote"}`.
enum PostgresArrayParser {
    static func parse(_ bytes: UnsafeRawBufferPointer) -> [String?]? {
        var index = 0
        // A lower bound other than 1 is printed as `[0:2]={…}`: skip the decoration.
        if bytes.first == UInt8(ascii: "[") {
            guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            index = equals + 1
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else {
            return nil
        }
        index += 1
        let end = bytes.count - 1
        var elements: [String?] = []
        if index == end {
            return elements
        }
        while index <= end {
            var element: [UInt8] = []
            var wasQuoted = false
            if bytes[index] == UInt8(ascii: "\"") {
                wasQuoted = true
                index += 1
                while true {
                    guard index < end else { return nil }
                    let byte = bytes[index]
                    if byte == UInt8(ascii: "\\") {
                        guard index + 1 < end else { return nil }
                        element.append(bytes[index + 1])
                        index += 2
                    } else if byte == UInt8(ascii: "\"") {
                        index += 1
                        break
                    } else {
                        element.append(byte)
                        index += 1
                    }
                }
            } else {
                while index < end, bytes[index] != UInt8(ascii: ",") {
                    // Nested arrays are not supported: one dimension only.
                    if bytes[index] == UInt8(ascii: "{") { return nil }
                    element.append(bytes[index])
                    index += 1
                }
            }
            if !wasQuoted, element == Array("NULL".utf8) {
                elements.append(nil)
            } else {
                elements.append(String(decoding: element, as: UTF8.self))
            }
            if index == end {
                break
            }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
        return elements
    }
}
