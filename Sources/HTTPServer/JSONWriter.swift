/// A small, fast JSON writer: appends UTF-8 bytes directly, with correct string escaping
/// (RFC 8259 §7). The caller is responsible for the structure (keys inside objects, commas are
/// added automatically).
public struct JSONWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []
    // One entry per open container: whether it already holds an element (comma needed).
    private var hasElement: [Bool] = []
    private var afterKey = false

    public init(capacity: Int = 64) {
        self.bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() {
        self.separate()
        self.bytes.append(UInt8(ascii: "{"))
        self.hasElement.append(false)
    }

    public mutating func endObject() {
        self.hasElement.removeLast()
        self.bytes.append(UInt8(ascii: "}"))
    }

    public mutating func beginArray() {
        self.separate()
        self.bytes.append(UInt8(ascii: "["))
        self.hasElement.append(false)
    }

    public mutating func endArray() {
        self.hasElement.removeLast()
        self.bytes.append(UInt8(ascii: "]"))
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

    public mutating func null() {
        self.separate()
        self.bytes.append(contentsOf: "null".utf8)
    }

    private mutating func separate() {
        if self.afterKey {
            self.afterKey = false
            return
        }
        if let last = self.hasElement.last {
            if last {
                self.bytes.append(UInt8(ascii: ","))
            }
            self.hasElement[self.hasElement.count - 1] = true
        }
    }

    private mutating func appendString(_ value: String) {
        self.bytes.append(UInt8(ascii: "\""))
        // Most strings need no escaping: copy them whole.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            self.bytes.append(contentsOf: value.utf8)
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
