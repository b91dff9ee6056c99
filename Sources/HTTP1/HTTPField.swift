/// One header field as byte offsets into the buffer that was parsed, so parsing copies nothing.
public struct HTTPField: Sendable, Equatable {
    /// The offsets of the field name.
    public let name: Range<Int>
    /// The offsets of the field value, without the optional whitespace around it.
    public let value: Range<Int>

    /// Creates a field from offsets.
    /// - Parameters:
    ///   - name: the offsets of the name.
    ///   - value: the offsets of the trimmed value.
    public init(name: Range<Int>, value: Range<Int>) {
        self.name = name
        self.value = value
    }

    /// Whether this field's name is `name`, compared ASCII-case-insensitively (never Unicode
    /// folding).
    /// - Parameters:
    ///   - name: the field name, in any case.
    ///   - buffer: the buffer the field's offsets index.
    public func hasName(_ name: String, in buffer: UnsafeRawBufferPointer) -> Bool {
        ASCII.equalsIgnoringCase(buffer, self.name, name)
    }
}
