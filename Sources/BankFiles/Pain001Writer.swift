/// The payment file as ISO 20022 pain.001.001.03 (CustomerCreditTransferInitiationV03): one
/// group header, one payment information of the batch, one credit transfer per line.
enum Pain001Writer {
    /// The depth of a CdtTrfTxInf: Document › CstmrCdtTrfInitn › PmtInf › CdtTrfTxInf.
    static let transactionDepth = 3

    /// Appends the CdtTrfTxInf of a checked line.
    static func appendTransaction(_ line: PaymentLine, remittance: String, to xml: inout XMLWriter) {
        xml.open("CdtTrfTxInf")
        xml.path(["PmtId", "EndToEndId"], line.reference)
        xml.open("Amt")
        xml.amount("InstdAmt", fen: line.amountFen)
        xml.close("Amt")
        xml.path(["Cdtr", "Nm"], line.payeeName)
        xml.path(["CdtrAcct", "Id", "Othr", "Id"], line.cardNumber)
        if !remittance.isEmpty { xml.path(["RmtInf", "Ustrd"], remittance) }
        xml.close("CdtTrfTxInf")
    }

    /// The whole document of a checked header around the transactions already written.
    static func document(_ header: PaymentBatchHeader, _ totals: Totals, transactions: XMLWriter) -> [UInt8] {
        var xml = XMLWriter(reservingCapacity: transactions.bytes.count + 2048)
        xml.openDocument(.pain001)
        xml.open("CstmrCdtTrfInitn")
        xml.open("GrpHdr")
        xml.element("MsgId", header.batchNumber)
        xml.element("CreDtTm", header.createdAt)
        xml.element("NbOfTxs", String(totals.count))
        xml.decimal("CtrlSum", fen: totals.sumFen)
        xml.open("InitgPty")
        xml.element("Nm", header.payerName)
        xml.path(["Id", "OrgId", "Othr", "Id"], header.officeCode)
        xml.close("InitgPty")
        xml.close("GrpHdr")
        xml.open("PmtInf")
        xml.element("PmtInfId", header.batchNumber)
        xml.element("PmtMtd", "TRF")
        xml.element("NbOfTxs", String(totals.count))
        xml.decimal("CtrlSum", fen: totals.sumFen)
        xml.element("ReqdExctnDt", header.valueDate.iso)
        xml.path(["Dbtr", "Nm"], header.payerName)
        xml.open("DbtrAcct")
        xml.path(["Id", "Othr", "Id"], header.payerAccount)
        xml.element("Ccy", header.currency)
        xml.close("DbtrAcct")
        xml.path(["DbtrAgt", "FinInstnId", "BIC"], header.payerBIC)
        xml.append(transactions)
        xml.close("PmtInf")
        xml.close("CstmrCdtTrfInitn")
        xml.closeDocument()
        return xml.bytes
    }
}
