/// A payment file read back: for round-trip tests, and for a bank simulator in tests and
/// benchmarks.
public struct PaymentFile: Sendable, Equatable {
    /// The format it was read in.
    public var format: PaymentFileFormat
    /// Its header. A format leaves out what it does not carry: the fixed format's header comes
    /// back with an empty ``PaymentBatchHeader/payerName`` and ``PaymentBatchHeader/remittance``,
    /// pain.001's with ``PaymentBatchHeader/period`` 0.
    public var header: PaymentBatchHeader
    /// Its lines, in the order of the file.
    public var lines: [PaymentLine]
    /// The number of lines, as the trailer (fixed) or NbOfTxs (pain.001) states it, checked.
    public var count: Int
    /// The sum in fen, as the trailer (fixed) or CtrlSum (pain.001) states it, checked.
    public var totalFen: Int64

    /// A payment file of these values.
    public init(
        format: PaymentFileFormat,
        header: PaymentBatchHeader,
        lines: [PaymentLine],
        count: Int,
        totalFen: Int64
    ) {
        self.format = format
        self.header = header
        self.lines = lines
        self.count = count
        self.totalFen = totalFen
    }

    /// Parses and checks a whole payment file, as ``ReturnFile/parse(_:)`` does an answer:
    /// every field as the writer would check it, and the totals against the lines.
    ///
    /// - Parameter bytes: The file.
    /// - Returns: The file's header, lines and totals.
    /// - Throws: ``BankFileError`` for the first fault found.
    public static func parse(_ bytes: [UInt8]) throws -> PaymentFile {
        try BankFileLimits.check(bytes)
        switch PaymentFileFormat.detect(bytes) {
        case .fixed: return try FixedPaymentFile.parse(bytes)
        case .pain001: return try Pain001Reader.parse(bytes)
        case nil:
            throw BankFileError.unknownFormat(
                zh: "定长付款文件或 pain.001.001.03",
                en: "a fixed-width payment file or pain.001.001.03"
            )
        }
    }
}
