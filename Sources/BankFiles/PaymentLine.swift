/// One payment of a batch: who is paid, to which card, how much.
public struct PaymentLine: Sendable, Equatable {
    /// The line's 1-based position in the batch.
    public var sequence: Int
    /// The payment's reference, 1 to 20 capital letters or digits (`SB00000012345`): the
    /// EndToEndId of ISO 20022, which the bank's answer gives back.
    public var reference: String
    /// The payee's bank card: 16 to 19 digits.
    public var cardNumber: String
    /// The payee's name, 1 to 50 Unicode scalars (a Chinese name, perhaps with `·`).
    public var payeeName: String
    /// The amount in fen (1 yuan = 100 fen): above 0, at most 15 digits.
    public var amountFen: Int64

    /// A line of these values; ``PaymentFileWriter/append(_:)`` checks them.
    public init(sequence: Int, reference: String, cardNumber: String, payeeName: String, amountFen: Int64) {
        self.sequence = sequence
        self.reference = reference
        self.cardNumber = cardNumber
        self.payeeName = payeeName
        self.amountFen = amountFen
    }

    /// Checks every field, and that the line is the `sequence`th of its batch.
    ///
    /// - Throws: ``BankFileError`` naming the first field that does not fit.
    func check(sequence: Int, at place: Place) throws(BankFileError) {
        guard self.sequence == sequence else { throw .invalid(.sequence, place) }
        try FieldCheck.code(self.reference, .reference, place)
        try FieldCheck.digits(self.cardNumber, .cardNumber, place, counts: [16, 17, 18, 19])
        try FieldCheck.text(self.payeeName, .payeeName, place, allowsEmpty: false)
        try FieldCheck.amount(self.amountFen, place)
    }
}
