/// Writes return files of every kind (the bank's side: for tests, sample fixtures and the
/// benchmark's simulated bank).
///
/// The lines are numbered by their position (their ``ReturnLine/lineNumber`` is not written),
/// so what ``ReturnFile/parse(_:)`` gives back has the lines in the same order, numbered from 1.
public enum ReturnFileWriter {
    /// The answer to `batchNumber` in `format`.
    ///
    /// - Parameters:
    ///   - format: The format to write.
    ///   - batchNumber: The payment batch answered: `SB` and 13 digits.
    ///   - bankCode: The answering bank: 1 to 12 capital letters or digits.
    ///   - answeredOn: The day of the answer.
    ///   - lines: The answer's lines; a failed one with a reason code, a paid one without.
    /// - Returns: The file.
    /// - Precondition: the values fit the format as a reader checks them, and every line has an
    ///   amount for the fixed format and camt.054 (pain.002 may go without). Only tests and the
    ///   simulated bank write these files, from values they make themselves.
    public static func write(
        _ format: ReturnFileFormat,
        batchNumber: String,
        bankCode: String,
        answeredOn: BankDate,
        lines: [ReturnLine]
    ) -> [UInt8] {
        precondition((try? FieldCheck.batchNumber(batchNumber, .file)) != nil, "not a batch number")
        precondition((try? FieldCheck.code(bankCode, .bankCode, .file)) != nil, "not a bank code")
        precondition(answeredOn.isValid, "not a date")
        for line in lines {
            precondition((try? line.check(at: .file)) != nil, "a return line that does not fit: \(line.lineNumber)")
            precondition(format == .pain002 || line.amountFen != nil, "a return line without an amount")
        }
        switch format {
        case .fixed:
            return FixedReturnFile.write(
                batchNumber: batchNumber,
                bankCode: bankCode,
                answeredOn: answeredOn,
                lines: lines
            )
        case .pain002:
            return Pain002Writer.write(
                batchNumber: batchNumber,
                bankCode: bankCode,
                answeredOn: answeredOn,
                lines: lines
            )
        case .camt054:
            return Camt054Writer.write(
                batchNumber: batchNumber,
                bankCode: bankCode,
                answeredOn: answeredOn,
                lines: lines
            )
        }
    }
}
