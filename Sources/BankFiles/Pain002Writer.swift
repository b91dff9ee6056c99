/// The bank's status report as ISO 20022 pain.002.001.03 (CustomerPaymentStatusReportV03):
/// the group's status with the number of transactions per status, then one TxInfAndSts per
/// line inside one OrgnlPmtInfAndSts.
enum Pain002Writer {
    static func write(batchNumber: String, bankCode: String, answeredOn: BankDate, lines: [ReturnLine]) -> [UInt8] {
        var xml = XMLWriter(reservingCapacity: 2048 + lines.count * 420)
        xml.openDocument(.pain002)
        xml.open("CstmrPmtStsRpt")
        xml.open("GrpHdr")
        xml.element("MsgId", bankCode + "-" + batchNumber)
        xml.element("CreDtTm", XMLWriter.midnight(answeredOn))
        xml.path(["DbtrAgt", "FinInstnId", "ClrSysMmbId", "MmbId"], bankCode)
        xml.close("GrpHdr")
        xml.open("OrgnlGrpInfAndSts")
        xml.element("OrgnlMsgId", batchNumber)
        xml.element("OrgnlMsgNmId", "pain.001.001.03")
        let paid = lines.filter(\.paid)
        let failed = lines.filter { !$0.paid }
        if !lines.isEmpty { xml.element("GrpSts", failed.isEmpty ? "ACSC" : paid.isEmpty ? "RJCT" : "PART") }
        for (status, group) in [("ACSC", paid), ("RJCT", failed)] where !group.isEmpty {
            xml.open("NbOfTxsPerSts")
            xml.element("DtldNbOfTxs", String(group.count))
            xml.element("DtldSts", status)
            let amounts = group.compactMap(\.amountFen)
            if amounts.count == group.count { xml.decimal("DtldCtrlSum", fen: amounts.reduce(0, +)) }
            xml.close("NbOfTxsPerSts")
        }
        xml.close("OrgnlGrpInfAndSts")
        if !lines.isEmpty {
            xml.open("OrgnlPmtInfAndSts")
            xml.element("OrgnlPmtInfId", batchNumber)
            for line in lines {
                xml.open("TxInfAndSts")
                xml.element("OrgnlEndToEndId", line.reference)
                xml.element("TxSts", line.paid ? "ACSC" : "RJCT")
                if let code = line.reasonCode {
                    xml.open("StsRsnInf")
                    xml.reason(code)
                    xml.close("StsRsnInf")
                }
                if let amountFen = line.amountFen {
                    xml.open("OrgnlTxRef")
                    xml.open("Amt")
                    xml.amount("InstdAmt", fen: amountFen)
                    xml.close("Amt")
                    xml.close("OrgnlTxRef")
                }
                xml.close("TxInfAndSts")
            }
            xml.close("OrgnlPmtInfAndSts")
        }
        xml.close("CstmrPmtStsRpt")
        xml.closeDocument()
        return xml.bytes
    }
}
