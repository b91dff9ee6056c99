/// One line of the bank's answer: whether one payment was paid, and why not.
public struct ReturnLine: Sendable, Equatable {
    /// The 1-based ordinal of the line or transaction in the file.
    public var lineNumber: Int
    /// The payment's reference (EndToEndId), as the payment file gave it.
    public var reference: String
    /// The amount in fen, nil where the format's line carries none (a pain.002 transaction
    /// without OrgnlTxRef/Amt).
    public var amountFen: Int64?
    /// Whether the payee was credited.
    public var paid: Bool
    /// For a failed line, why: 1 to 8 capital letters or digits, an ISO 20022 external status
    /// or return reason code (AC01, AC04, MD07, …; ``ReturnReason`` names them). Nil for a paid
    /// line.
    public var reasonCode: String?

    /// A line of these values.
    public init(lineNumber: Int, reference: String, amountFen: Int64?, paid: Bool, reasonCode: String?) {
        self.lineNumber = lineNumber
        self.reference = reference
        self.amountFen = amountFen
        self.paid = paid
        self.reasonCode = reasonCode
    }

    /// Checks the fields every format shares: the reference, the amount where there is one, and
    /// that a failed line, and only a failed line, has a reason.
    ///
    /// - Throws: ``BankFileError`` naming the first field that does not fit.
    func check(at place: Place) throws(BankFileError) {
        try FieldCheck.code(self.reference, .reference, place)
        if let amountFen = self.amountFen { try FieldCheck.amount(amountFen, place) }
        switch (self.paid, self.reasonCode) {
        case (true, nil): break
        case (true, .some):
            throw BankFileError(
                .invalidField,
                place,
                zh: "已付的行带有原因代码",
                en: "a paid line carries a reason code"
            )
        case (false, nil):
            throw BankFileError(
                .invalidField,
                place,
                zh: "失败的行缺少原因代码",
                en: "a failed line has no reason code"
            )
        case (false, .some(let code)): try FieldCheck.code(code, .reasonCode, place)
        }
    }
}
