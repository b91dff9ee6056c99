/// Writes an XML document into bytes, one element a line, indented by two spaces a level, in
/// the order it is told: the same calls give the same bytes.
struct XMLWriter {
    private(set) var bytes: [UInt8] = []
    private var depth = 0

    /// A writer whose document starts at `depth` (for a part that goes inside another).
    init(depth: Int = 0, reservingCapacity capacity: Int = 0) {
        self.depth = depth
        self.bytes.reserveCapacity(capacity)
    }

    /// The XML declaration and the root `Document` element of `namespace`, opened.
    mutating func openDocument(_ namespace: Namespace) {
        self.bytes.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"")
        self.bytes.append(contentsOf: namespace.uri.utf8)
        self.bytes.append("\">\n")
        self.depth = 1
    }

    /// Closes the root element.
    mutating func closeDocument() {
        self.depth = 0
        self.bytes.append("</Document>\n")
    }

    /// `<name>` on a line of its own; the next elements go inside it.
    mutating func open(_ name: StaticString) {
        self.indent()
        self.bytes.append(UInt8(ascii: "<"))
        self.bytes.append(name)
        self.bytes.append(">\n")
        self.depth += 1
    }

    /// `</name>`, closing the last element opened.
    mutating func close(_ name: StaticString) {
        self.depth -= 1
        self.indent()
        self.bytes.append("</")
        self.bytes.append(name)
        self.bytes.append(">\n")
    }

    /// `<name>text</name>`, the text escaped.
    mutating func element(_ name: StaticString, _ text: String) {
        self.leaf(name, "") { $0.appendEscaped(text) }
    }

    /// `<name Ccy="CNY">12.34</name>`: an amount of fen in yuan with two decimals.
    mutating func amount(_ name: StaticString, fen: Int64) {
        self.leaf(name, " Ccy=\"CNY\"") { $0.appendYuan(fen) }
    }

    /// `<name>12.34</name>`: a sum of fen in yuan with two decimals, without a currency.
    mutating func decimal(_ name: StaticString, fen: Int64) {
        self.leaf(name, "") { $0.appendYuan(fen) }
    }

    /// `<name attributes>content</name>` on a line of its own.
    private mutating func leaf(_ name: StaticString, _ attributes: StaticString, _ content: (inout Self) -> Void) {
        self.indent()
        self.bytes.append(UInt8(ascii: "<"))
        self.bytes.append(name)
        self.bytes.append(attributes)
        self.bytes.append(UInt8(ascii: ">"))
        content(&self)
        self.bytes.append("</")
        self.bytes.append(name)
        self.bytes.append(">\n")
    }

    /// Nested elements, one inside the other, the innermost holding `text`:
    /// `path(["Id", "Othr", "Id"], "6222…")`.
    mutating func path(_ names: [StaticString], _ text: String) {
        for name in names.dropLast() { self.open(name) }
        self.element(names[names.count - 1], text)
        for name in names.dropLast().reversed() { self.close(name) }
    }

    /// Appends what another writer wrote (started at the right depth).
    mutating func append(_ other: XMLWriter) {
        self.bytes.append(contentsOf: other.bytes)
    }

    private mutating func indent() {
        self.bytes.append(contentsOf: repeatElement(ASCII.space, count: 2 * self.depth))
    }

    private mutating func appendYuan(_ fen: Int64) {
        self.bytes.append(contentsOf: String(fen / 100).utf8)
        self.bytes.append(UInt8(ascii: "."))
        self.bytes.appendZeroPadded(fen % 100, width: 2)
    }

    /// `text` with `&`, `<`, `>` and `"` escaped (XML 1.0 §2.4); the checks keep control
    /// characters out, so nothing else needs escaping.
    private mutating func appendEscaped(_ text: String) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): self.bytes.append("&amp;")
            case UInt8(ascii: "<"): self.bytes.append("&lt;")
            case UInt8(ascii: ">"): self.bytes.append("&gt;")
            case UInt8(ascii: "\""): self.bytes.append("&quot;")
            default: self.bytes.append(byte)
            }
        }
    }
}
