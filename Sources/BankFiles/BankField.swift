/// The fields of the files, named for the error sentences, with what each allows.
enum BankField: Sendable {
    case batchNumber, officeCode, valueDate, period, currency, payerAccount, payerName, payerBIC, createdAt
    case remittance, sequence, reference, cardNumber, payeeName, amount
    case bankCode, answerDate, status, reasonCode, count, sum

    /// The field's name in Chinese.
    var zh: String {
        switch self {
        case .batchNumber: "批次号"
        case .officeCode: "经办机构代码"
        case .valueDate: "入账日期"
        case .period: "所属期"
        case .currency: "币种"
        case .payerAccount: "付款账号"
        case .payerName: "付款户名"
        case .payerBIC: "付款行 BIC"
        case .createdAt: "生成时间"
        case .remittance: "附言"
        case .sequence: "序号"
        case .reference: "支付参考号"
        case .cardNumber: "银行卡号"
        case .payeeName: "收款人姓名"
        case .amount: "金额"
        case .bankCode: "银行代码"
        case .answerDate: "回盘日期"
        case .status: "状态"
        case .reasonCode: "原因代码"
        case .count: "笔数"
        case .sum: "总金额"
        }
    }

    /// The field's name in English, lower case.
    var en: String {
        switch self {
        case .batchNumber: "batch number"
        case .officeCode: "office code"
        case .valueDate: "value date"
        case .period: "period"
        case .currency: "currency"
        case .payerAccount: "payer account"
        case .payerName: "payer name"
        case .payerBIC: "payer BIC"
        case .createdAt: "creation time"
        case .remittance: "remittance text"
        case .sequence: "sequence number"
        case .reference: "payment reference"
        case .cardNumber: "card number"
        case .payeeName: "payee name"
        case .amount: "amount"
        case .bankCode: "bank code"
        case .answerDate: "answer date"
        case .status: "status"
        case .reasonCode: "reason code"
        case .count: "line count"
        case .sum: "sum"
        }
    }

    /// What the field allows, to follow "expected" in the sentences.
    var rule: (zh: String, en: String) {
        switch self {
        case .batchNumber: ("SB 加 13 位数字", "SB and 13 digits")
        case .officeCode: ("6 位或 9 位数字", "6 or 9 digits")
        case .valueDate, .answerDate: ("真实存在的日期", "a real calendar date")
        case .period: ("年月 YYYYMM", "a month YYYYMM")
        case .currency: ("CNY", "CNY")
        case .payerAccount: ("8 至 32 位数字", "8 to 32 digits")
        case .payerName:
            (
                "1 至 70 个字符，不含控制字符，首尾无空格",
                "1 to 70 characters without control characters or leading and trailing spaces"
            )
        case .payerBIC: ("8 位或 11 位的 BIC（ISO 9362）", "a BIC of 8 or 11 characters (ISO 9362)")
        case .createdAt: ("本地日期时间 YYYY-MM-DDTHH:MM:SS", "a local date-time YYYY-MM-DDTHH:MM:SS")
        case .remittance:
            (
                "至多 140 个字符，不含控制字符，首尾无空格",
                "up to 140 characters without control characters or leading and trailing spaces"
            )
        case .sequence: ("该行在批次中的位置，从 1 起", "the line's position in the batch, from 1")
        case .reference, .bankCode, .reasonCode:
            ("1 至 \(self.maximum) 位大写字母或数字", "1 to \(self.maximum) capital letters or digits")
        case .cardNumber: ("16 至 19 位数字", "16 to 19 digits")
        case .payeeName:
            (
                "1 至 50 个字符，不含控制字符，首尾无空格",
                "1 to 50 characters without control characters or leading and trailing spaces"
            )
        case .amount: ("大于 0 的整数分，至多 15 位", "a whole number of fen above 0, at most 15 digits")
        case .status: ("P（已付）或 F（失败）", "P (paid) or F (failed)")
        case .count: ("至多 7 位数字", "at most 7 digits")
        case .sum: ("至多 18 位数字的分", "at most 18 digits of fen")
        }
    }

    /// The most Unicode scalars (digits for numbers) the field takes.
    var maximum: Int {
        switch self {
        case .batchNumber: 15
        case .officeCode: 9
        case .valueDate, .answerDate: 8
        case .period: 6
        case .currency: 3
        case .payerAccount: 32
        case .payerName: 70
        case .payerBIC: 11
        case .createdAt: 19
        case .remittance: 140
        case .sequence, .count: 7
        case .reference: 20
        case .cardNumber: 19
        case .payeeName: 50
        case .amount: 15
        case .bankCode: 12
        case .status: 1
        case .reasonCode: 8
        case .sum: 18
        }
    }
}
