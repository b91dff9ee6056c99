/// The formats a payment file is written in.
public enum PaymentFileFormat: String, Sendable, CaseIterable {
    /// Fixed-width lines of UTF-8: a header, one detail per payment, a trailer.
    case fixed
    /// ISO 20022 `pain.001.001.03`, CustomerCreditTransferInitiationV03.
    case pain001 = "pain.001"

    /// Which format `bytes` are in, by their first bytes: an `H` record whose line is not a
    /// return file's header, or a root element of the pain.001.001.03 namespace; nil if neither.
    public static func detect(_ bytes: [UInt8]) -> PaymentFileFormat? {
        if let width = FixedWidthFile.headerWidth(bytes) {
            return width == FixedLayout.returnHeaderWidth ? nil : .fixed
        }
        return XMLProlog.rootStartTag(bytes).flatMap { tag in
            Namespace.pain001.isDeclared(in: tag) ? .pain001 : nil
        }
    }
}
