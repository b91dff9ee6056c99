/// The formats of the bank's answers.
public enum ReturnFileFormat: String, Sendable, CaseIterable {
    /// Fixed-width lines of UTF-8: a header, one `R` record per payment, a trailer.
    case fixed = "fixed-return"
    /// ISO 20022 `pain.002.001.03`, CustomerPaymentStatusReportV03.
    case pain002 = "pain.002"
    /// ISO 20022 `camt.054.001.02`, BankToCustomerDebitCreditNotificationV02.
    case camt054 = "camt.054"

    /// Which format `bytes` are in, by their first bytes (an `H` record, or the XML namespace);
    /// nil if none.
    ///
    /// An `H` record is a return file's unless its line is as long as a payment file's header;
    /// an XML document is known by the namespace its root element declares.
    public static func detect(_ bytes: [UInt8]) -> ReturnFileFormat? {
        if let width = FixedWidthFile.headerWidth(bytes) {
            return width == FixedLayout.paymentHeaderWidth ? nil : .fixed
        }
        guard let tag = XMLProlog.rootStartTag(bytes) else { return nil }
        if Namespace.pain002.isDeclared(in: tag) { return .pain002 }
        if Namespace.camt054.isDeclared(in: tag) { return .camt054 }
        return nil
    }
}
