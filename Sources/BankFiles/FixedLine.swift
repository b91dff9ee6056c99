/// A cursor over one line of a fixed-width file, reading its fields left to right.
///
/// It holds a pointer into the file's bytes, so it lives only inside the
/// `withUnsafeBufferPointer` closure of ``FixedWidthFile/read(_:layout:header:detail:)``.
struct FixedLine {
    let buffer: UnsafeBufferPointer<UInt8>
    /// The 1-based physical line.
    let number: Int
    /// The kind of a fault of the line's shape: malformedHeader, malformedLine or
    /// malformedTrailer.
    let kind: BankFileError.Kind
    /// The line's width in Unicode scalars.
    let width: Int
    /// The next byte to read.
    var position: Int
    /// The line feed's index.
    let end: Int

    var place: Place { .line(self.number) }

    /// The line is too short or too long.
    var wrongWidth: BankFileError {
        BankFileError(
            self.kind,
            self.place,
            zh: "该行长度不是 \(self.width) 个字符",
            en: "the line is not \(self.width) characters long"
        )
    }

    /// The byte range of the next field of `width` Unicode scalars, each a byte that is not a
    /// UTF-8 continuation byte with the continuation bytes after it (the bytes are checked to be
    /// UTF-8 when a text is made of them).
    mutating func field(_ width: Int) throws(BankFileError) -> Range<Int> {
        let start = self.position
        var index = start
        for _ in 0..<width {
            guard index < self.end else { throw self.wrongWidth }
            index += 1
            while index < self.end && self.buffer[index] & 0xC0 == 0x80 { index += 1 }
        }
        self.position = index
        return start..<index
    }

    /// The next field as text: left-aligned, the padding spaces on its right taken off.
    mutating func text(_ width: Int) throws(BankFileError) -> String {
        let range = try self.field(width)
        var last = range.upperBound
        while last > range.lowerBound && self.buffer[last - 1] == ASCII.space { last -= 1 }
        let bytes = UnsafeBufferPointer(rebasing: self.buffer[range.lowerBound..<last])
        let text = String(decoding: bytes, as: UTF8.self)
        // Decoding repairs what is not UTF-8 with U+FFFD: valid bytes, and only they, come back
        // the same. (String(validating:) costs a generic lookup a call: a quarter of reading a
        // million lines.)
        guard bytes.allSatisfy({ $0 < 0x80 }) || text.utf8.elementsEqual(bytes) else {
            throw BankFileError(self.kind, self.place, zh: "该行不是有效的 UTF-8", en: "the line is not valid UTF-8")
        }
        return text
    }

    /// The next field as a number: right-aligned, zero-padded digits.
    ///
    /// - Throws: ``BankFileError`` (invalidField for `field`) when a byte is not a digit.
    mutating func number(_ width: Int, _ field: BankField) throws(BankFileError) -> Int64 {
        let range = try self.field(width)
        guard let value = ASCII.decimal(self.buffer[range]) else { throw .invalid(field, self.place) }
        return value
    }

    /// The next field as a date `YYYYMMDD`.
    ///
    /// - Throws: ``BankFileError`` (invalidField for `field`) when it is not a real day.
    mutating func date(_ field: BankField) throws(BankFileError) -> BankDate {
        let range = try self.field(8)
        guard let date = BankDate(digits: self.buffer[range]) else { throw .invalid(field, self.place) }
        return date
    }

    /// The next field as a creation time `YYYYMMDDHHMMSS`.
    mutating func creationTime() throws(BankFileError) -> CreationTime {
        let range = try self.field(14)
        guard let time = CreationTime(digits: self.buffer[range]) else { throw .invalid(.createdAt, self.place) }
        return time
    }

    /// The next field of one scalar, as its first byte.
    mutating func letter() throws(BankFileError) -> UInt8 {
        self.buffer[try self.field(1).lowerBound]
    }

    /// Checks that every field has been read and the line has no more.
    func finish() throws(BankFileError) {
        guard self.position == self.end else { throw self.wrongWidth }
    }
}
