/// A small, fast JSON writer: appends UTF-8 bytes directly, with correct string escaping
/// (RFC 8259 §7). The caller is responsible for the structure (keys inside objects, commas are
/// added automatically).
public struct JSONWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []
    // One bit per open container, innermost lowest: whether it already holds an element (a comma
    // is needed before the next). Containers deeper than 64 keep their bits in `deeper`.
    private var hasElement: UInt64 = 0
    private var depth = 0
    private var deeper: [UInt64] = []
    private var afterKey = false

    public init(capacity: Int = 64) {
        self.bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() {
        self.separate()
        self.bytes.append(UInt8(ascii: "{"))
        self.open()
    }

    public mutating func endObject() {
        self.close()
        self.bytes.append(UInt8(ascii: "}"))
    }

    public mutating func beginArray() {
        self.separate()
        self.bytes.append(UInt8(ascii: "["))
        self.open()
    }

    public mutating func endArray() {
        self.close()
        self.bytes.append(UInt8(ascii: "]"))
    }

    private mutating func open() {
        if self.depth > 0 && self.depth % 64 == 0 {
            self.deeper.append(self.hasElement)
            self.hasElement = 0
        } else {
            self.hasElement <<= 1
        }
        self.depth += 1
    }

    private mutating func close() {
        precondition(self.depth > 0, "JSONWriter: a container was closed that was never opened")
        self.depth -= 1
        if self.depth > 0 && self.depth % 64 == 0 {
            self.hasElement = self.deeper.removeLast()
        } else {
            self.hasElement >>= 1
        }
    }

    /// An object key; the next value written is its value.
    public mutating func key(_ key: String) {
        self.separate()
        self.appendString(key)
        self.bytes.append(UInt8(ascii: ":"))
        self.afterKey = true
    }

    public mutating func string(_ value: String) {
        self.separate()
        self.appendString(value)
    }

    public mutating func number(_ value: Int) {
        self.separate()
        self.bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func number(_ value: Int64) {
        self.separate()
        self.bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func bool(_ value: Bool) {
        self.separate()
        self.bytes.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
    }

    /// A value that is JSON already, written as it is: only for text from a trusted encoder
    /// (PostgreSQL's `jsonb` output, say), never for input.
    public mutating func json(_ text: String) {
        self.separate()
        self.bytes.append(contentsOf: text.utf8)
    }

    public mutating func null() {
        self.separate()
        self.bytes.append(contentsOf: "null".utf8)
    }

    private mutating func separate() {
        if self.afterKey {
            self.afterKey = false
            return
        }
        if self.depth > 0 {
            if self.hasElement & 1 != 0 {
                self.bytes.append(UInt8(ascii: ","))
            }
            self.hasElement |= 1
        }
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private mutating func appendString(_ value: String) {
        self.bytes.append(UInt8(ascii: "\""))
        // Most strings need no escaping: copy them whole, from the string's own storage.
        let copied = value.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard !utf8.contains(where: Self.needsEscape) else { return false }
            self.bytes.append(contentsOf: utf8)
            return true
        }
        if copied == true {
            self.bytes.append(UInt8(ascii: "\""))
            return
        }
        let hex = Array("0123456789abcdef".utf8)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                self.bytes.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                ])
                self.bytes.append(hex[Int(byte >> 4)])
                self.bytes.append(hex[Int(byte & 0x0F)])
            default:
                self.bytes.append(byte)
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }
}
