/// Writes one batch's payment file. Deterministic: the same header and lines give the same bytes.
/// Streaming: lines are appended one at a time, each line's fields straight into one byte buffer
/// reserved for the whole batch, so that 50,000 lines cost little more than their bytes.
///
/// The header is checked when the writer is made; a header that does not fit its format makes
/// every ``append(_:)`` throw its error. A batch has at least one line: pain.001 needs one, and
/// an empty payment file is of no use to a bank.
public struct PaymentFileWriter: Sendable {
    /// The format written.
    public let format: PaymentFileFormat
    /// The batch's header.
    public let header: PaymentBatchHeader
    /// Why the header does not fit the format, or nil when it does.
    public let headerError: BankFileError?

    // The fixed format's lines, the header's first; or pain.001's CdtTrfTxInf elements, which
    // finish() wraps in the group header once it knows the count and the sum.
    private var fixed: [UInt8] = []
    private var transactions: XMLWriter
    private var totals = Totals()
    private var isFinished = false

    /// A writer of `header`'s batch in `format`.
    ///
    /// - Parameters:
    ///   - format: The format to write.
    ///   - header: The batch's header; see ``headerError``.
    ///   - expectedLines: How many lines will be appended, to reserve the buffer at once (0:
    ///     grow as needed).
    public init(format: PaymentFileFormat, header: PaymentBatchHeader, expectedLines: Int = 0) {
        self.format = format
        self.header = header
        let lines = max(expectedLines, 0)
        var headerError: BankFileError?
        do throws(BankFileError) {
            try header.check(for: format, at: format == .fixed ? .line(1) : .file)
        } catch {
            headerError = error
        }
        self.headerError = headerError
        switch format {
        case .fixed:
            self.transactions = XMLWriter()
            // A Chinese name of three characters takes 9 bytes and 47 of padding.
            self.fixed.reserveCapacity((lines + 2) * (FixedLayout.paymentDetailWidth + 8))
            if headerError == nil { FixedPaymentFile.appendHeader(header, to: &self.fixed) }
        case .pain001:
            self.transactions = XMLWriter(depth: Pain001Writer.transactionDepth, reservingCapacity: lines * 480)
        }
    }

    /// Checks a header against what `format` carries, as a writer would when it is made.
    ///
    /// - Throws: ``BankFileError`` naming the first field that does not fit.
    public static func validate(_ header: PaymentBatchHeader, for format: PaymentFileFormat) throws {
        try header.check(for: format, at: format == .fixed ? .line(1) : .file)
    }

    /// The number of lines appended so far.
    public var count: Int { self.totals.count }

    /// The sum in fen of the lines appended so far.
    public var totalFen: Int64 { self.totals.sumFen }

    /// Appends the next line of the batch.
    ///
    /// - Parameter line: The payment; its ``PaymentLine/sequence`` must be ``count`` + 1.
    /// - Throws: ``BankFileError`` for a field that does not fit the format (fieldTooLong,
    ///   invalidField), for a header that does not (``headerError``), or when the count or the
    ///   sum would outgrow the trailer; nothing is appended then.
    public mutating func append(_ line: PaymentLine) throws {
        precondition(!self.isFinished, "a line appended to a finished payment file")
        if let headerError = self.headerError { throw headerError }
        let sequence = self.totals.count + 1
        let place: Place = self.format == .fixed ? .line(sequence + 1) : .transaction(sequence)
        try line.check(sequence: sequence, at: place)
        if let outgrown = self.totals.add(line.amountFen) { throw BankFileError.tooLong(outgrown, place) }
        switch self.format {
        case .fixed: FixedPaymentFile.appendDetail(line, to: &self.fixed)
        case .pain001: Pain001Writer.appendTransaction(line, remittance: self.header.remittance, to: &self.transactions)
        }
    }

    /// Writes the trailer (the count and the sum) and returns the whole file.
    ///
    /// - Precondition: at least one line was appended (which also means that the header fits),
    ///   and the writer was not finished before.
    public mutating func finish() -> [UInt8] {
        precondition(!self.isFinished, "a payment file finished twice")
        precondition(self.totals.count > 0, "a payment file finished without a line")
        self.isFinished = true
        switch self.format {
        case .fixed:
            FixedWidthFile.appendTrailer(self.totals, to: &self.fixed)
            defer { self.fixed = [] }
            return self.fixed
        case .pain001:
            defer { self.transactions = XMLWriter() }
            return Pain001Writer.document(self.header, self.totals, transactions: self.transactions)
        }
    }
}
