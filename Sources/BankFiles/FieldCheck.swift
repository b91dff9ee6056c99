/// The checks the writers and readers share, each throwing the field's error.
enum FieldCheck {
    /// The largest amount of one payment: the fixed format's 15 digits, whatever the format.
    static let maximumAmountFen: Int64 = 999_999_999_999_999
    /// The largest sum of a file: the fixed trailer's 18 digits, which pain.001's CtrlSum (18
    /// digits in all) also holds.
    static let maximumSumFen: Int64 = 999_999_999_999_999_999
    /// The most lines of a file: the fixed count's 7 digits.
    static let maximumCount = 9_999_999

    /// `SB` and 13 digits.
    static func batchNumber(_ value: String, _ place: Place) throws(BankFileError) {
        let bytes = value.utf8
        guard value.unicodeScalars.count <= BankField.batchNumber.maximum else { throw .tooLong(.batchNumber, place) }
        guard bytes.count == 15, bytes.starts(with: "SB".utf8), bytes.dropFirst(2).allSatisfy(ASCII.isDigit) else {
            throw .invalid(.batchNumber, place)
        }
    }

    /// Digits, as many as one of `counts`.
    static func digits(_ value: String, _ field: BankField, _ place: Place, counts: Set<Int>) throws(BankFileError) {
        guard !counts.contains(value.utf8.count) || !value.utf8.allSatisfy(ASCII.isDigit) else { return }
        throw value.unicodeScalars.count > field.maximum ? .tooLong(field, place) : .invalid(field, place)
    }

    /// 1 to the field's maximum of capital letters A–Z and digits: a reference, a reason code,
    /// a bank code.
    static func code(_ value: String, _ field: BankField, _ place: Place) throws(BankFileError) {
        guard !ASCII.isUpperAlphanumeric(value, count: 1...field.maximum) else { return }
        throw value.unicodeScalars.count > field.maximum ? .tooLong(field, place) : .invalid(field, place)
    }

    /// Text of at most the field's maximum of Unicode scalars, without control characters
    /// (which would break a fixed-width line or an XML document) and without a space at either
    /// end (which neither format would give back).
    static func text(_ value: String, _ field: BankField, _ place: Place, allowsEmpty: Bool) throws(BankFileError) {
        let scalars = value.unicodeScalars
        guard scalars.count <= field.maximum else { throw .tooLong(field, place) }
        guard allowsEmpty || !scalars.isEmpty, scalars.first != " ", scalars.last != " ",
            scalars.allSatisfy(Self.isAllowedInText)
        else { throw .invalid(field, place) }
    }

    /// Not a C0 or C1 control character, DEL, or one of the two noncharacters XML 1.0 forbids.
    static func isAllowedInText(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0xFFFE, 0xFFFF: false
        default: true
        }
    }

    /// ISO 9362, as the pain.001.001.03 schema's BICIdentifier pattern has it:
    /// `[A-Z]{6,6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3,3}){0,1}`.
    static func bic(_ value: String, _ place: Place) throws(BankFileError) {
        guard value.unicodeScalars.count <= BankField.payerBIC.maximum else { throw .tooLong(.payerBIC, place) }
        let bytes = Array(value.utf8)
        guard bytes.count == 8 || bytes.count == 11, bytes.prefix(6).allSatisfy(ASCII.isUpper),
            ASCII.isUpper(bytes[6]) || (UInt8(ascii: "2")...UInt8(ascii: "9")).contains(bytes[6]),
            (ASCII.isUpper(bytes[7]) && bytes[7] != UInt8(ascii: "O")) || ASCII.isDigit(bytes[7]),
            bytes.dropFirst(8).allSatisfy({ ASCII.isUpper($0) || ASCII.isDigit($0) })
        else { throw .invalid(.payerBIC, place) }
    }

    /// An amount of one payment or return line: above 0, at most 15 digits.
    static func amount(_ fen: Int64, _ place: Place) throws(BankFileError) {
        guard fen <= Self.maximumAmountFen else { throw .tooLong(.amount, place) }
        guard fen > 0 else { throw .invalid(.amount, place) }
    }
}

/// The running count and sum of a file's lines, within what a trailer can state.
struct Totals: Sendable, Equatable {
    var count = 0
    var sumFen: Int64 = 0

    /// Counts one more line of `fen`, unless the count or the sum would outgrow the trailer's 7
    /// and 18 digits.
    ///
    /// - Returns: nil when counted, or the field that would outgrow its digits (nothing is
    ///   counted then).
    mutating func add(_ fen: Int64) -> BankField? {
        guard self.count < FieldCheck.maximumCount else { return .count }
        let (sum, overflow) = self.sumFen.addingReportingOverflow(fen)
        guard !overflow, sum <= FieldCheck.maximumSumFen else { return .sum }
        self.count += 1
        self.sumFen = sum
        return nil
    }
}
