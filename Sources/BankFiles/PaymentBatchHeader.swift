/// What heads a payment file: one batch of one disbursement run.
///
/// A writer checks the fields its format carries before it writes a line
/// (``PaymentFileWriter/validate(_:for:)``); `docs/bank-files.md` says which format carries
/// which field.
public struct PaymentBatchHeader: Sendable, Equatable {
    /// `SB` and 13 digits, 15 in all: `SB0000000042001`.
    public var batchNumber: String
    /// The social insurance office paying: 6 or 9 digits.
    public var officeCode: String
    /// The day the bank credits the payees.
    public var valueDate: BankDate
    /// The month paid for, as `YYYYMM`: 202612 (the fixed format carries it, pain.001 does not).
    public var period: Int
    /// `CNY`: amounts are fen, two decimals of the yuan.
    public var currency: String
    /// The fund's account the payments are drawn on: 8 to 32 digits.
    public var payerAccount: String
    /// The account holder's name, 1 to 70 characters: pain.001 needs it, the fixed format does
    /// not carry it.
    public var payerName: String
    /// The payer's bank, ISO 9362: 8 or 11 characters.
    public var payerBIC: String
    /// When the file was made, a local date-time without zone: `2026-12-04T10:15:00`. The
    /// caller gives it so that the same batch always gives the same bytes.
    public var createdAt: String
    /// The free text each payee's statement shows, up to 140 characters: `养老金 202612`. Only
    /// pain.001 carries it; empty writes none.
    public var remittance: String

    /// A header of these values; ``PaymentFileWriter`` checks them.
    public init(
        batchNumber: String,
        officeCode: String,
        valueDate: BankDate,
        period: Int,
        currency: String,
        payerAccount: String,
        payerName: String,
        payerBIC: String,
        createdAt: String,
        remittance: String
    ) {
        self.batchNumber = batchNumber
        self.officeCode = officeCode
        self.valueDate = valueDate
        self.period = period
        self.currency = currency
        self.payerAccount = payerAccount
        self.payerName = payerName
        self.payerBIC = payerBIC
        self.createdAt = createdAt
        self.remittance = remittance
    }
}

extension PaymentBatchHeader {
    /// Checks every field that `format` carries (the fixed format has no payer name and no
    /// remittance, pain.001 no period).
    ///
    /// - Parameters:
    ///   - format: The file's format.
    ///   - place: Where errors point: the header line, or the file.
    /// - Throws: ``BankFileError`` naming the first field that does not fit.
    func check(for format: PaymentFileFormat, at place: Place) throws(BankFileError) {
        try FieldCheck.batchNumber(self.batchNumber, place)
        try FieldCheck.digits(self.officeCode, .officeCode, place, counts: [6, 9])
        guard self.valueDate.isValid else { throw .invalid(.valueDate, place) }
        if format == .fixed {
            guard (100_001...999_912).contains(self.period), (1...12).contains(self.period % 100) else {
                throw .invalid(.period, place)
            }
        }
        guard self.currency.unicodeScalars.count <= BankField.currency.maximum else { throw .tooLong(.currency, place) }
        guard self.currency == "CNY" else { throw .invalid(.currency, place) }
        try FieldCheck.digits(self.payerAccount, .payerAccount, place, counts: Set(8...32))
        if format == .pain001 { try FieldCheck.text(self.payerName, .payerName, place, allowsEmpty: false) }
        try FieldCheck.bic(self.payerBIC, place)
        guard CreationTime(iso: self.createdAt) != nil else { throw .invalid(.createdAt, place) }
        if format == .pain001 { try FieldCheck.text(self.remittance, .remittance, place, allowsEmpty: true) }
    }
}
