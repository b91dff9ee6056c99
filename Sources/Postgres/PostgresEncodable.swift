public import Foundation

/// A Swift value that can be sent to PostgreSQL as a bind parameter or a `COPY` field.
///
/// Values travel in text form (parsed by the column type's input function), except `bytea`,
/// which travels in binary form. Text can never contain a NUL byte; encoding one throws rather
/// than silently cutting the value short.
public protocol PostgresEncodable: Sendable {
    /// The parameter's type OID, or ``PostgresTypeOID/unspecified`` to let the server infer it
    /// from the statement (what plain strings do, so they bind to any type).
    var postgresTypeOID: UInt32 { get }
    /// The form ``encode(into:)`` writes.
    var postgresFormat: PostgresFormat { get }
    /// Appends the value's bytes in ``postgresFormat``.
    ///
    /// - Throws: ``PostgresError/Code/decoding`` never; ``PostgresEncodingError`` if the value
    ///   cannot be represented (a NUL in text).
    func encode(into buffer: inout [UInt8]) throws
    /// Appends the value's text form, as `COPY … FROM STDIN` text format expects before escaping.
    func encodeText(into buffer: inout [UInt8]) throws
}

extension PostgresEncodable {
    public var postgresFormat: PostgresFormat { .text }

    public func encodeText(into buffer: inout [UInt8]) throws {
        try self.encode(into: &buffer)
    }
}

/// A value that cannot be sent: PostgreSQL text cannot hold a NUL character.
public struct PostgresEncodingError: Error, Sendable, CustomStringConvertible {
    /// Which bind parameter (1-based) or COPY field, when known.
    public var position: Int?

    public var description: String {
        "value \(self.position.map { "at position \($0) " } ?? "")contains a NUL character, which PostgreSQL text cannot hold"
    }
}

extension String: PostgresEncodable {
    public var postgresTypeOID: UInt32 { PostgresTypeOID.unspecified }

    public func encode(into buffer: inout [UInt8]) throws {
        let start = buffer.count
        buffer.append(contentsOf: self.utf8)
        if buffer[start...].contains(0) {
            buffer.removeSubrange(start...)
            throw PostgresEncodingError()
        }
    }
}

extension Substring: PostgresEncodable {
    public var postgresTypeOID: UInt32 { PostgresTypeOID.unspecified }

    public func encode(into buffer: inout [UInt8]) throws {
        try String(self).encode(into: &buffer)
    }
}

extension Bool: PostgresEncodable {
    public var postgresTypeOID: UInt32 { PostgresTypeOID.bool }

    public func encode(into buffer: inout [UInt8]) {
        buffer.append(self ? UInt8(ascii: "t") : UInt8(ascii: "f"))
    }
}

extension FixedWidthInteger where Self: SignedInteger {
    func appendDecimal(into buffer: inout [UInt8]) {
        if self == 0 {
            buffer.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = self.magnitude
        var digits: [UInt8] = []
        digits.reserveCapacity(20)
        while magnitude > 0 {
            digits.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        if self < 0 {
            buffer.append(UInt8(ascii: "-"))
        }
        buffer.append(contentsOf: digits.reversed())
    }
}

extension Int64: PostgresEncodable {
    public var postgresTypeOID: UInt32 { PostgresTypeOID.int8 }
    public func encode(into buffer: inout [UInt8]) { self.appendDecimal(into: &buffer) }
}

extension Int: PostgresEncodable {
    public var postgresTypeOID: UInt32 { PostgresTypeOID.int8 }
    public func encode(into buffer: inout [UInt8]) { self.appendDecimal(into: &buffer) }
}

extension Int32: PostgresEncodable {
    public var postgresTypeOID: UInt32 { PostgresTypeOID.int4 }
    public func encode(into buffer: inout [UInt8]) { self.appendDecimal(into: &buffer) }
}

extension Int16: PostgresEncodable {
    public var postgresTypeOID: UInt32 { PostgresTypeOID.int2 }
    public func encode(into buffer: inout [UInt8]) { self.appendDecimal(into: &buffer) }
}

extension Double: PostgresEncodable {
    public var postgresTypeOID: UInt32 { PostgresTypeOID.float8 }

    public func encode(into buffer: inout [UInt8]) {
        let text: String
        if self.isNaN {
            text = "NaN"
        } else if self.isInfinite {
            text = self < 0 ? "-Infinity" : "Infinity"
        } else {
            text = "\(self)"
        }
        buffer.append(contentsOf: text.utf8)
    }
}

extension Decimal: PostgresEncodable {
    public var postgresTypeOID: UInt32 { PostgresTypeOID.numeric }

    public func encode(into buffer: inout [UInt8]) {
        // Decimal's description is locale-independent, with '.' as the separator.
        buffer.append(contentsOf: self.description.utf8)
    }
}

extension UUID: PostgresEncodable {
    public var postgresTypeOID: UInt32 { PostgresTypeOID.uuid }

    public func encode(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: self.uuidString.lowercased().utf8)
    }
}

extension Date: PostgresEncodable {
    public var postgresTypeOID: UInt32 { PostgresTypeOID.timestamptz }

    public func encode(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: PostgresTimestamp.format(self).utf8)
    }
}

/// Raw bytes, sent as `bytea`.
public struct PostgresBytes: Sendable, Hashable {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }
}

extension PostgresBytes: PostgresEncodable {
    public var postgresTypeOID: UInt32 { PostgresTypeOID.bytea }
    public var postgresFormat: PostgresFormat { .binary }

    public func encode(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: self.bytes)
    }

    public func encodeText(into buffer: inout [UInt8]) {
        PostgresBytes.appendHex(self.bytes, into: &buffer)
    }

    static func appendHex(_ bytes: [UInt8], into buffer: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        buffer.reserveCapacity(buffer.count + 2 + bytes.count * 2)
        buffer.append(UInt8(ascii: "\\"))
        buffer.append(UInt8(ascii: "x"))
        for byte in bytes {
            buffer.append(digits[Int(byte >> 4)])
            buffer.append(digits[Int(byte & 0x0F)])
        }
    }
}

extension Data: PostgresEncodable {
    public var postgresTypeOID: UInt32 { PostgresTypeOID.bytea }
    public var postgresFormat: PostgresFormat { .binary }

    public func encode(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: self)
    }

    public func encodeText(into buffer: inout [UInt8]) {
        PostgresBytes.appendHex(Array(self), into: &buffer)
    }
}

extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public var postgresTypeOID: UInt32 { Element.postgresArrayTypeOID }

    public func encode(into buffer: inout [UInt8]) throws {
        buffer.append(UInt8(ascii: "{"))
        for (index, element) in self.enumerated() {
            if index > 0 {
                buffer.append(UInt8(ascii: ","))
            }
            var text: [UInt8] = []
            try element.encode(into: &text)
            // Every element is quoted, so commas, braces, spaces and the word NULL stay data.
            buffer.append(UInt8(ascii: "\""))
            for byte in text {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    buffer.append(UInt8(ascii: "\\"))
                }
                buffer.append(byte)
            }
            buffer.append(UInt8(ascii: "\""))
        }
        buffer.append(UInt8(ascii: "}"))
    }
}

/// A type whose arrays PostgreSQL knows: the OID of its one-dimensional array type.
public protocol PostgresArrayElement: PostgresEncodable {
    static var postgresArrayTypeOID: UInt32 { get }
}

extension Int64: PostgresArrayElement {
    public static var postgresArrayTypeOID: UInt32 { PostgresTypeOID.int8Array }
}

extension Int: PostgresArrayElement {
    public static var postgresArrayTypeOID: UInt32 { PostgresTypeOID.int8Array }
}

extension Int32: PostgresArrayElement {
    public static var postgresArrayTypeOID: UInt32 { PostgresTypeOID.int4Array }
}

extension String: PostgresArrayElement {
    public static var postgresArrayTypeOID: UInt32 { PostgresTypeOID.textArray }
}
