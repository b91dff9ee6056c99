/// The bank's answer to one payment batch, read and checked whole.
public struct ReturnFile: Sendable, Equatable {
    /// The format it was read in.
    public var format: ReturnFileFormat
    /// The payment batch it answers, where the format names it: the fixed header's batch
    /// number, pain.002's OrgnlMsgId, camt.054's Refs/MsgId (or PmtInfId); nil where a camt.054
    /// names none.
    public var batchNumber: String?
    /// Its lines, in the order of the file.
    public var lines: [ReturnLine]
    /// The number of lines, as the trailer or summary states it where there is one, checked
    /// against the lines.
    public var count: Int
    /// The sum in fen of the lines' amounts (of those that carry one), as the trailer or summary
    /// states it where there is one, checked against the lines.
    public var totalFen: Int64
    /// The answering bank's code where the format names it: the fixed header's, or the
    /// ClrSysMmbId/MmbId of pain.002's DbtrAgt or camt.054's Acct/Svcr.
    public var bankCode: String?
    /// The day of the answer where the format names it: the fixed header's date, or the date
    /// of the XML group header's CreDtTm.
    public var answeredOn: BankDate?
    /// pain.002's status of the whole group (GrpSts: `ACSC`, `PART`, `RJCT`, …) where it is
    /// given; nil for the other formats. A bank that refuses the whole batch answers `RJCT`,
    /// perhaps without listing a single transaction.
    public var groupStatus: String?
    /// The reason pain.002 gives for the group's status (its StsRsnInf), where it gives one.
    public var groupReasonCode: String?

    /// A return file of these values.
    public init(
        format: ReturnFileFormat,
        batchNumber: String?,
        lines: [ReturnLine],
        count: Int,
        totalFen: Int64,
        bankCode: String? = nil,
        answeredOn: BankDate? = nil,
        groupStatus: String? = nil,
        groupReasonCode: String? = nil
    ) {
        self.format = format
        self.batchNumber = batchNumber
        self.lines = lines
        self.count = count
        self.totalFen = totalFen
        self.bankCode = bankCode
        self.answeredOn = answeredOn
        self.groupStatus = groupStatus
        self.groupReasonCode = groupReasonCode
    }

    /// Parses and checks a whole file: every line well-formed, and the trailer (fixed: count and
    /// sum of all lines; camt.054: TxsSummry totals; pain.002: NbOfTxsPerSts where present) equal
    /// to what the lines add up to — otherwise the whole file is refused with ``BankFileError``
    /// (never half-read).
    ///
    /// The format is told by ``ReturnFileFormat/detect(_:)``; `docs/bank-files.md` lists every
    /// check of every format.
    ///
    /// - Parameter bytes: The file as received.
    /// - Returns: The file's lines and totals.
    /// - Throws: ``BankFileError`` for the first fault found.
    public static func parse(_ bytes: [UInt8]) throws -> ReturnFile {
        try BankFileLimits.check(bytes)
        switch ReturnFileFormat.detect(bytes) {
        case .fixed: return try FixedReturnFile.parse(bytes)
        case .pain002: return try Pain002Reader.parse(bytes)
        case .camt054: return try Camt054Reader.parse(bytes)
        case nil:
            throw BankFileError.unknownFormat(
                zh: "定长回盘文件、pain.002.001.03 或 camt.054.001.02",
                en: "a fixed-width return file, pain.002.001.03 or camt.054.001.02"
            )
        }
    }
}
