/// The bank's debit notification as ISO 20022 camt.054.001.02
/// (BankToCustomerDebitCreditNotificationV02): one notification with its totals, one entry per
/// line. A paid line is a booked debit of the payer's account (bank transaction code
/// PMNT/ICDT/DMCT); a failed one is the return of the money, a booked credit (PMNT/ICDT/RRTN)
/// whose transaction carries RtrInf with the reason.
enum Camt054Writer {
    static func write(batchNumber: String, bankCode: String, answeredOn: BankDate, lines: [ReturnLine]) -> [UInt8] {
        var xml = XMLWriter(reservingCapacity: 2048 + lines.count * 900)
        let messageId = bankCode + "-" + batchNumber
        xml.openDocument(.camt054)
        xml.open("BkToCstmrDbtCdtNtfctn")
        xml.open("GrpHdr")
        xml.element("MsgId", messageId)
        xml.element("CreDtTm", XMLWriter.midnight(answeredOn))
        xml.close("GrpHdr")
        xml.open("Ntfctn")
        xml.element("Id", messageId)
        xml.element("CreDtTm", XMLWriter.midnight(answeredOn))
        xml.open("Acct")
        // The simulated bank does not know the payer's account; the schema requires one.
        xml.path(["Id", "Othr", "Id"], "NOTPROVIDED")
        xml.element("Ccy", "CNY")
        xml.path(["Svcr", "FinInstnId", "ClrSysMmbId", "MmbId"], bankCode)
        xml.close("Acct")
        xml.open("TxsSummry")
        xml.open("TtlNtries")
        xml.element("NbOfNtries", String(lines.count))
        // The writer's preconditions give every line an amount.
        xml.decimal("Sum", fen: lines.reduce(0) { $0 + $1.amountFen! })
        xml.close("TtlNtries")
        xml.close("TxsSummry")
        for line in lines {
            let amountFen = line.amountFen!
            xml.open("Ntry")
            xml.amount("Amt", fen: amountFen)
            xml.element("CdtDbtInd", line.paid ? "DBIT" : "CRDT")
            xml.element("Sts", "BOOK")
            xml.path(["BookgDt", "Dt"], answeredOn.iso)
            xml.open("BkTxCd")
            xml.open("Domn")
            xml.element("Cd", "PMNT")
            xml.open("Fmly")
            xml.element("Cd", "ICDT")
            xml.element("SubFmlyCd", line.paid ? "DMCT" : "RRTN")
            xml.close("Fmly")
            xml.close("Domn")
            xml.close("BkTxCd")
            xml.open("NtryDtls")
            xml.open("TxDtls")
            xml.open("Refs")
            xml.element("MsgId", batchNumber)
            xml.element("PmtInfId", batchNumber)
            xml.element("EndToEndId", line.reference)
            xml.close("Refs")
            xml.open("AmtDtls")
            xml.open("TxAmt")
            xml.amount("Amt", fen: amountFen)
            xml.close("TxAmt")
            xml.close("AmtDtls")
            if let code = line.reasonCode {
                xml.open("RtrInf")
                xml.reason(code)
                xml.close("RtrInf")
            }
            xml.close("TxDtls")
            xml.close("NtryDtls")
            xml.close("Ntry")
        }
        xml.close("Ntfctn")
        xml.close("BkToCstmrDbtCdtNtfctn")
        xml.closeDocument()
        return xml.bytes
    }
}
