/// What the two fixed-width files share: LF-ended lines of a header, details of one letter and
/// a trailer that counts and sums them.
enum FixedWidthFile {
    /// The widths of one kind of file.
    struct Layout {
        var headerWidth: Int
        var detailLetter: UInt8
        var detailWidth: Int
    }

    /// The length in bytes of the first line when `bytes` start with an `H` record (up to 512:
    /// longer is no header of either file), or nil when they do not.
    static func headerWidth(_ bytes: [UInt8]) -> Int? {
        guard bytes.first == FixedLayout.headerLetter else { return nil }
        let scanned = bytes.prefix(512)
        return scanned.firstIndex(of: ASCII.lineFeed) ?? scanned.count
    }

    /// Appends the trailer: `T`, the count in 7 digits, the sum in 18.
    static func appendTrailer(_ totals: Totals, to bytes: inout [UInt8]) {
        bytes.append(FixedLayout.trailerLetter)
        bytes.appendZeroPadded(Int64(totals.count), width: 7)
        bytes.appendZeroPadded(totals.sumFen, width: 18)
        bytes.append(ASCII.lineFeed)
    }

    /// Reads a whole file: the header first, then the details in order, then the trailer, last,
    /// whose count and sum must be what the details add up to.
    ///
    /// - Parameters:
    ///   - bytes: The file.
    ///   - layout: Its widths.
    ///   - header: Reads the header line's fields (after the letter).
    ///   - detail: Reads a detail line's fields (after the letter), given the line's ordinal
    ///     among the details, and returns its amount.
    /// - Returns: The count and sum, as stated and checked.
    /// - Throws: ``BankFileError`` for the first fault, from the callbacks or of the file's shape.
    static func read(
        _ bytes: [UInt8],
        layout: Layout,
        header: (inout FixedLine) throws(BankFileError) -> Void,
        detail: (inout FixedLine, _ ordinal: Int) throws(BankFileError) -> Int64
    ) throws(BankFileError) -> Totals {
        try bytes.withUnsafeBufferPointer { (buffer) throws(BankFileError) -> Totals in
            var totals = Totals()
            var outgrown: BankField?
            var ordinal = 0
            var start = 0
            var number = 0
            while start < buffer.count {
                number += 1
                let letter = buffer[start]
                let (kind, width) =
                    switch letter {
                    case _ where number == 1: (BankFileError.Kind.malformedHeader, layout.headerWidth)
                    case layout.detailLetter: (.malformedLine, layout.detailWidth)
                    case FixedLayout.trailerLetter: (.malformedTrailer, FixedLayout.trailerWidth)
                    default:
                        throw BankFileError(
                            .malformedLine,
                            .line(number),
                            zh: "未知的记录类型",
                            en: "the record type is not known"
                        )
                    }
                guard let end = Self.lineFeed(in: buffer, from: start) else {
                    throw BankFileError(
                        kind,
                        .line(number),
                        zh: "最后一行没有以换行符结束，文件可能不完整",
                        en: "the last line is not ended by a line feed; the file may be cut short"
                    )
                }
                var line = FixedLine(
                    buffer: buffer,
                    number: number,
                    kind: kind,
                    width: width,
                    position: start + 1,
                    end: end
                )
                // The width first, so that a line too long or too short is said to be so, not
                // blamed on the field its shift garbles.
                guard Self.scalars(in: buffer, start..<end) == width else { throw line.wrongWidth }
                if number == 1 {
                    guard letter == FixedLayout.headerLetter else {
                        throw BankFileError(
                            .malformedHeader,
                            .line(1),
                            zh: "第一行不是文件头（H）",
                            en: "the first line is not a header (H)"
                        )
                    }
                    try header(&line)
                    try line.finish()
                } else if letter == layout.detailLetter {
                    ordinal += 1
                    let amount = try detail(&line, ordinal)
                    try line.finish()
                    if outgrown == nil { outgrown = totals.add(amount) }
                } else {
                    let count = try line.number(7, .count)
                    let sum = try line.number(18, .sum)
                    try line.finish()
                    guard end + 1 == buffer.count else {
                        throw BankFileError(
                            .malformedTrailer,
                            .line(number + 1),
                            zh: "汇总行（T）之后还有内容",
                            en: "there are more lines after the trailer (T)"
                        )
                    }
                    if let outgrown { throw .mismatch(outgrown, .line(number)) }
                    guard count == totals.count else { throw .mismatch(.count, .line(number)) }
                    guard sum == totals.sumFen else { throw .mismatch(.sum, .line(number)) }
                    return totals
                }
                start = end + 1
            }
            throw BankFileError(
                .malformedTrailer,
                .file,
                zh: "文件没有汇总行（T），可能不完整",
                en: "the file has no trailer (T); it may be cut short"
            )
        }
    }

    /// The number of Unicode scalars of UTF-8 bytes: the bytes that are not continuation bytes.
    private static func scalars(in buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var count = 0
        for index in range where buffer[index] & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// The index of the first line feed at or after `start`, or nil.
    private static func lineFeed(in buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index < buffer.count {
            if buffer[index] == ASCII.lineFeed { return index }
            index += 1
        }
        return nil
    }
}
