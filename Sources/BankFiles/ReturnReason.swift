/// A reason code's meaning for people.
///
/// The codes named are those of the ISO 20022 external code sets (ExternalStatusReason1Code,
/// ExternalReturnReason1Code) that a bank gives for a credit transfer it could not make.
public enum ReturnReason {
    /// What `code` means, in Chinese and in English; a code not named here reads
    /// `其他原因（代码 X）` / `other reason (code X)`.
    public static func describe(_ code: String) -> (zh: String, en: String) {
        Self.known[code] ?? ("其他原因（代码 \(code)）", "other reason (code \(code))")
    }

    /// The codes known, each with its ISO 20022 name's sense.
    static let known: [String: (zh: String, en: String)] = [
        "AC01": ("账号错误", "incorrect account number"),
        "AC03": ("收款账号无效", "invalid creditor account number"),
        "AC04": ("账户已销户", "closed account number"),
        "AC06": ("账户已冻结", "blocked account"),
        "AG01": ("该账户不允许此类交易", "transaction forbidden on this account"),
        "AG02": ("银行业务代码无效", "invalid bank operation code"),
        "AM01": ("金额为零", "zero amount"),
        "AM02": ("金额超出允许范围", "amount not allowed"),
        "AM04": ("余额不足", "insufficient funds"),
        "AM05": ("重复支付", "duplication"),
        "BE01": ("收款人信息与账户不符", "payee inconsistent with the account holder"),
        "BE04": ("缺少收款人地址", "missing creditor address"),
        "CUST": ("应客户要求", "requested by customer"),
        "FF01": ("文件格式无效", "invalid file format"),
        "MD07": ("收款人已身故", "end customer deceased"),
        "MS02": ("客户方未说明原因", "reason not specified, customer generated"),
        "MS03": ("银行方未说明原因", "reason not specified, agent generated"),
        "NARR": ("原因见附加说明", "reason in the narrative"),
        "RC01": ("银行识别码错误", "bank identifier incorrect"),
        "RR04": ("监管原因", "regulatory reason"),
        "TM01": ("超过截止时间", "cut-off time passed"),
    ]
}
