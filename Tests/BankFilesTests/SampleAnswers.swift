import BankFiles

/// Answers as a bank sends them, written out by hand: each says that SB00000012345 was paid
/// and SB00000012346 failed because the account is closed (AC04).
enum SampleAnswers {
    /// The lines both XML samples read to, the paid one's amount as the sample gives it.
    static func xmlLines(paidAmountFen: Int64?) -> [ReturnLine] {
        [
            ReturnLine(
                lineNumber: 1,
                reference: "SB00000012345",
                amountFen: paidAmountFen,
                paid: true,
                reasonCode: nil
            ),
            ReturnLine(lineNumber: 2, reference: "SB00000012346", amountFen: 250_000, paid: false, reasonCode: "AC04"),
        ]
    }

    static let fixed =
        "HSB000000004200110230100001220261216\n"
        + "R0000001SB00000012345       000000000123456P        \n"
        + "R0000002SB00000012346       000000000250000FAC04    \n"
        + "R0000003SB00000012347       000000000000099P        \n"
        + "T0000003000000000000373555\n"

    // A status report in the bank's own layout: tabs, an xsi namespace, elements the reader
    // does not need (StsId, AccptncDtTm, AddtlInf), the paid transaction without an amount.
    static let pain002 = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
        \t<CstmrPmtStsRpt>
        \t\t<GrpHdr>
        \t\t\t<MsgId>ICBC20261216000123</MsgId>
        \t\t\t<CreDtTm>2026-12-16T09:30:00+08:00</CreDtTm>
        \t\t\t<DbtrAgt><FinInstnId><BIC>ICBKCNBJNJG</BIC><ClrSysMmbId><MmbId>102301000012</MmbId></ClrSysMmbId></FinInstnId></DbtrAgt>
        \t\t</GrpHdr>
        \t\t<OrgnlGrpInfAndSts>
        \t\t\t<OrgnlMsgId>SB0000000042001</OrgnlMsgId>
        \t\t\t<OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>
        \t\t\t<OrgnlNbOfTxs>2</OrgnlNbOfTxs>
        \t\t\t<GrpSts>PART</GrpSts>
        \t\t\t<NbOfTxsPerSts><DtldNbOfTxs>1</DtldNbOfTxs><DtldSts>ACSC</DtldSts></NbOfTxsPerSts>
        \t\t\t<NbOfTxsPerSts><DtldNbOfTxs>1</DtldNbOfTxs><DtldSts>RJCT</DtldSts><DtldCtrlSum>2500.00</DtldCtrlSum></NbOfTxsPerSts>
        \t\t</OrgnlGrpInfAndSts>
        \t\t<OrgnlPmtInfAndSts>
        \t\t\t<OrgnlPmtInfId>SB0000000042001</OrgnlPmtInfId>
        \t\t\t<TxInfAndSts>
        \t\t\t\t<StsId>1</StsId>
        \t\t\t\t<OrgnlEndToEndId>SB00000012345</OrgnlEndToEndId>
        \t\t\t\t<TxSts>ACSC</TxSts>
        \t\t\t\t<AccptncDtTm>2026-12-15T08:00:00</AccptncDtTm>
        \t\t\t</TxInfAndSts>
        \t\t\t<TxInfAndSts>
        \t\t\t\t<OrgnlEndToEndId>SB00000012346</OrgnlEndToEndId>
        \t\t\t\t<TxSts>RJCT</TxSts>
        \t\t\t\t<StsRsnInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>账户已销户</AddtlInf></StsRsnInf>
        \t\t\t\t<OrgnlTxRef><Amt><InstdAmt Ccy="CNY">2500.00</InstdAmt></Amt><ReqdExctnDt>2026-12-15</ReqdExctnDt></OrgnlTxRef>
        \t\t\t</TxInfAndSts>
        \t\t</OrgnlPmtInfAndSts>
        \t</CstmrPmtStsRpt>
        </Document>
        """

    // A notification of the payer's account: the paid payment a booked debit whose amount is
    // the entry's, the failed one a booked credit returning the money, with RtrInf.
    static let camt054 = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
          <BkToCstmrDbtCdtNtfctn>
            <GrpHdr><MsgId>CAMT054-20261216-01</MsgId><CreDtTm>2026-12-16T18:00:00</CreDtTm></GrpHdr>
            <Ntfctn>
              <Id>N-20261216-01</Id>
              <CreDtTm>2026-12-16T18:00:00</CreDtTm>
              <Acct><Id><Othr><Id>32001234567890123456</Id></Othr></Id><Ccy>CNY</Ccy></Acct>
              <TxsSummry><TtlNtries><NbOfNtries>2</NbOfNtries><Sum>3734.56</Sum></TtlNtries></TxsSummry>
              <Ntry>
                <NtryRef>1</NtryRef>
                <Amt Ccy="CNY">1234.56</Amt>
                <CdtDbtInd>DBIT</CdtDbtInd>
                <Sts>BOOK</Sts>
                <BookgDt><Dt>2026-12-15</Dt></BookgDt>
                <ValDt><Dt>2026-12-15</Dt></ValDt>
                <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
                <NtryDtls><TxDtls><Refs><EndToEndId>SB00000012345</EndToEndId></Refs></TxDtls></NtryDtls>
              </Ntry>
              <Ntry>
                <NtryRef>2</NtryRef>
                <Amt Ccy="CNY">2500.00</Amt>
                <CdtDbtInd>CRDT</CdtDbtInd>
                <Sts>BOOK</Sts>
                <BookgDt><Dt>2026-12-16</Dt></BookgDt>
                <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly></Domn></BkTxCd>
                <NtryDtls>
                  <TxDtls>
                    <Refs><MsgId>SB0000000042001</MsgId><EndToEndId>SB00000012346</EndToEndId></Refs>
                    <AmtDtls><InstdAmt><Amt Ccy="CNY">2500.00</Amt></InstdAmt></AmtDtls>
                    <RtrInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>账户已销户</AddtlInf></RtrInf>
                  </TxDtls>
                </NtryDtls>
              </Ntry>
            </Ntfctn>
          </BkToCstmrDbtCdtNtfctn>
        </Document>
        """
}
