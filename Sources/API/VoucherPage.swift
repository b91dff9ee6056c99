public import Business
import Domain
import HTTPServer

/// The pages of a voucher: the printable A4 voucher handed to the applicant, and the public
/// answer of `/verify/{number}` (HTML and JSON). Pure functions of the content.
///
/// Every piece of text from the content, the code or the path is HTML-escaped where it is
/// written; only the fixed markup below is not.
public enum VoucherPage {
    /// The printable voucher (社会保险业务办理凭证): a complete, self-contained HTML page laid out
    /// for A4, in Chinese.
    /// - Parameters:
    ///   - content: what the voucher says.
    ///   - verificationCode: the voucher's ``VoucherCode``.
    ///   - verifyPath: where the public checks a voucher, e.g. `https://example.gov.cn/verify`.
    /// - Returns: the HTML document.
    public static func html(_ content: VoucherContent, verificationCode: String, verifyPath: String) -> String {
        var rows: [(label: String, value: String)] = [
            ("凭证编号", content.number),
            ("业务名称", content.businessNameZh),
            ("业务流水号", String(content.applicationId)),
            ("办理结果", Self.resultText(content.result)),
        ]
        if let name = content.personName { rows.append(("参保人", name)) }
        if let id = content.personCitizenIdMasked { rows.append(("身份证号", Self.ensureMasked(id, Masking.citizenID))) }
        if let name = content.employerName { rows.append(("参保单位", name)) }
        if let code = content.employerCreditCodeMasked {
            rows.append(("统一社会信用代码", Self.ensureMasked(code, Masking.creditCode)))
        }
        rows += [
            ("经办机构", "\(content.officeName)（\(content.officeCode)）"),
            ("经办人", "\(content.makerName)（\(content.makerUsername)）"),
            ("复核人", "\(content.reviewerName)（\(content.reviewerUsername)）"),
            ("受理时间", Self.displayTime(content.submittedAt)),
            ("办结时间", Self.displayTime(content.issuedAt)),
        ]
        rows += content.details.map { ($0.labelZh, $0.value) }
        if let days = content.timeLimitWorkingDays { rows.append(("办理时限", "\(days) 个工作日")) }
        // Records and queries are free of charge (SIHR art. 32, domain rules §11.1).
        rows.append(("收费", "不收费"))

        let body = """
            <h1>社会保险业务办理凭证</h1>
            <p class="number">凭证编号：\(Self.escaped(content.number))</p>
            \(Self.table(rows))
            <section class="verify">
            <p class="code-label">验证码</p>
            <p class="code">\(Self.escaped(verificationCode))</p>
            <p>验证方式：访问 \(Self.escaped(verifyPath)) 输入凭证编号与验证码，或拨打 12333</p>
            </section>
            <footer>本凭证由社会保险经办系统生成，与加盖印章的纸质凭证具有同等效力。</footer>
            <p class="screen-only">请使用浏览器的“打印”功能，以 A4 纸打印本凭证。</p>
            """
        return Self.document(title: "社会保险业务办理凭证 \(content.number)", body: body)
    }

    /// The public answer of `/verify/{number}` as HTML: that the voucher is authentic, with only
    /// what identifies it (masked), or that there is no such voucher.
    ///
    /// Pass the content only once the code given has matched
    /// (``VoucherCode/verify(_:number:content:key:)``): a number alone must not reveal whom a
    /// voucher concerns.
    /// - Parameters:
    ///   - content: the voucher's content when the number exists and the code matched; nil otherwise.
    ///   - number: the number asked about, shown back when nothing matched.
    /// - Returns: the HTML document.
    public static func verificationHTML(_ content: VoucherContent?, number: String) -> String {
        guard let content else {
            let body = """
                <h1>社会保险业务办理凭证验证</h1>
                <p class="status invalid">未找到该凭证或验证码不符</p>
                <p>凭证编号：\(Self.escaped(String(number.prefix(64))))</p>
                <p class="note">请核对凭证编号与验证码后重新输入，或拨打 12333 咨询。</p>
                \(Self.codeForm)
                """
            return Self.document(title: "凭证验证", body: body)
        }
        var rows: [(label: String, value: String)] = [
            ("凭证编号", content.number),
            ("业务名称", content.businessNameZh),
            ("办理结果", Self.resultText(content.result)),
            ("经办机构", content.officeName),
            ("办结时间", Self.displayTime(content.issuedAt)),
        ]
        if let name = content.personName { rows.append(("参保人", Masking.name(name))) }
        if let id = content.personCitizenIdMasked { rows.append(("身份证号", Self.ensureMasked(id, Masking.citizenID))) }
        if let name = content.employerName { rows.append(("参保单位", name)) }
        if let code = content.employerCreditCodeMasked {
            rows.append(("统一社会信用代码", Self.ensureMasked(code, Masking.creditCode)))
        }
        let body = """
            <h1>社会保险业务办理凭证验证</h1>
            <p class="status valid">经核验，该凭证真实有效。</p>
            \(Self.table(rows))
            <p class="note">为保护个人信息，姓名与证件号码已作脱敏处理。请核对纸质凭证与以上信息是否一致。</p>
            <footer>本凭证由社会保险经办系统生成，与加盖印章的纸质凭证具有同等效力。</footer>
            """
        return Self.document(title: "凭证验证 \(content.number)", body: body)
    }

    /// The public answer of `/verify/{number}` as JSON: `{"valid":false}`, or `{"valid":true}` with
    /// `number`, `businessType`, `businessName`, `result`, `officeName`, `issuedAt`, `personName`
    /// (masked), `personCitizenIdMasked`, `employerName` and `employerCreditCodeMasked` (absent
    /// ones as null). Like ``verificationHTML(_:number:)``, only for a code that matched.
    /// - Parameters:
    ///   - content: the voucher's content when the number exists and the code matched; nil otherwise.
    ///   - number: the number asked about; a match answers with the content's own.
    /// - Returns: the UTF-8 bytes of the JSON object.
    /// The page where a person types the verification code printed on voucher `number`: a form
    /// that asks this same address again with `?code=`. No script: it works under any policy.
    public static func verificationForm(number: String) -> String {
        let body = """
            <h1>社会保险业务办理凭证验证</h1>
            <p>凭证编号：\(Self.escaped(String(number.prefix(64))))</p>
            \(Self.codeForm)
            <p class="note">验证码印在凭证下方的“凭证验证”栏中，不区分大小写，空格与连字符可省略。</p>
            """
        return Self.document(title: "凭证验证 \(String(number.prefix(64)))", body: body)
    }

    /// A form for the code of the voucher, sent back to the page's own address (`/verify/<number>`) by GET.
    private static var codeForm: String {
        """
        <form class="verify" method="get" action="">
        <p><label for="code" class="code-label">请输入凭证上的验证码 / Verification code</label></p>
        <p><input id="code" name="code" type="text" required maxlength="64" autocomplete="off" \
        autocapitalize="characters" spellcheck="false" inputmode="text" class="code"></p>
        <p><button type="submit">验证 / Verify</button></p>
        </form>
        """
    }

    public static func verificationJSON(_ content: VoucherContent?, number: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.key("valid")
        writer.bool(content != nil)
        if let content {
            for (key, value) in [
                ("number", content.number), ("businessType", content.businessType),
                ("businessName", content.businessNameZh), ("result", content.result),
                ("officeName", content.officeName), ("issuedAt", content.issuedAt),
                ("personName", content.personName.map(Masking.name)),
                (
                    "personCitizenIdMasked",
                    content.personCitizenIdMasked.map { Self.ensureMasked($0, Masking.citizenID) }
                ),
                ("employerName", content.employerName),
                (
                    "employerCreditCodeMasked",
                    content.employerCreditCodeMasked.map { Self.ensureMasked($0, Masking.creditCode) }
                ),
            ] {
                writer.key(key)
                if let value { writer.string(value) } else { writer.null() }
            }
        }
        writer.endObject()
        return writer.bytes
    }

    /// `value` as it is when it is masked already (holds a `*`), else through `mask`: a caller's
    /// slip must not print a full citizen ID.
    static func ensureMasked(_ value: String, _ mask: (String) -> String) -> String {
        value.contains("*") ? value : mask(value)
    }

    /// The application's outcome in words.
    static func resultText(_ result: String) -> String {
        switch ApplicationStatus(rawValue: result) {
        case .approved: "已办结（准予办理）"
        case .rejected: "不予办理"
        case .draft, .submitted, .returned, .cancelled, nil: result
        }
    }

    /// An ISO 8601 time as "YYYY年MM月DD日 HH:MM" in Beijing time (+08:00), converted from any
    /// other offset (`Z`, `+00:00`, …); taken as Beijing time when it has none; shown as it is
    /// when it is not of the form `YYYY-MM-DD[T ]HH:MM[:SS[.fraction]][offset]`.
    static func displayTime(_ iso: String) -> String {
        let bytes = Array(iso.utf8)
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<(index + count)] {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }
        func skip(_ byte: UInt8) -> Bool {
            guard index < bytes.count && bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), skip(UInt8(ascii: "-")), let month = digits(2), skip(UInt8(ascii: "-")),
            let day = digits(2), skip(UInt8(ascii: "T")) || skip(UInt8(ascii: " ")) || skip(UInt8(ascii: "t")),
            let hour = digits(2), skip(UInt8(ascii: ":")), let minute = digits(2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60
        else { return iso }
        if skip(UInt8(ascii: ":")) {
            guard let second = digits(2), second < 61 else { return iso }
            if skip(UInt8(ascii: ".")) || skip(UInt8(ascii: ",")) {
                guard digits(1) != nil else { return iso }
                while digits(1) != nil {}
            }
        }
        let beijing = 8 * 60
        var offset = beijing
        if skip(UInt8(ascii: "Z")) || skip(UInt8(ascii: "z")) {
            offset = 0
        } else if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = digits(2), hours < 24 else { return iso }
            _ = skip(UInt8(ascii: ":"))
            let minutes = index < bytes.count ? digits(2) : 0
            guard let minutes, minutes < 60 else { return iso }
            offset = sign * (hours * 60 + minutes)
        }
        // Years 1 and 9999 stay as given: moving them to Beijing time could leave CalendarDate's range.
        guard index == bytes.count, (2...9998).contains(year),
            let date = CalendarDate(year: year, month: month, day: day)
        else { return iso }
        let minutes = date.daysSinceEpoch * 1440 + hour * 60 + minute - offset
        let local = CalendarDate(secondsSinceEpoch: Int64(minutes) * 60, utcOffsetSeconds: beijing * 60)
        let minuteOfDay = ((minutes + beijing) % 1440 + 1440) % 1440
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(local.year)年\(two(local.month))月\(two(local.day))日 \(two(minuteOfDay / 60)):\(two(minuteOfDay % 60))"
    }

    /// `text` safe in HTML content and in quoted attribute values: `&`, `<`, `>`, `"` and `'` as
    /// character references.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    private static func table(_ rows: [(label: String, value: String)]) -> String {
        var html = "<table>\n<tbody>\n"
        for row in rows {
            html += "<tr><th scope=\"row\">\(Self.escaped(row.label))</th><td>\(Self.escaped(row.value))</td></tr>\n"
        }
        return html + "</tbody>\n</table>"
    }

    private static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex, nofollow">
        <title>\(Self.escaped(title))</title>
        <style>
        \(Self.style)
        </style>
        </head>
        <body>
        <main class="sheet">
        \(body)
        </main>
        </body>
        </html>

        """
    }

    private static let style = """
        @page { size: A4; margin: 18mm }
        * { box-sizing: border-box }
        html { background: #fff; color: #000 }
        body {
          margin: 0;
          font-family: "Songti SC", "STSong", "SimSun", "Noto Serif CJK SC", "Source Han Serif SC",
            "Noto Serif SC", "AR PL UMing CN", serif;
          font-size: 11pt;
          line-height: 1.6;
        }
        .sheet { max-width: 174mm; margin: 0 auto; padding: 10mm 0 }
        h1 { margin: 0 0 4mm; text-align: center; font-size: 20pt; letter-spacing: 0.3em }
        .number { margin: 0 0 2mm; text-align: right; font-size: 10pt }
        table { width: 100%; border-collapse: collapse }
        tr { break-inside: avoid; page-break-inside: avoid }
        th, td { border: 0.3mm solid #000; padding: 1.8mm 3mm; text-align: left; vertical-align: top }
        th { width: 42mm; font-weight: bold; background: #f2f2f2 }
        td { overflow-wrap: anywhere }
        .verify { margin-top: 6mm; padding: 4mm; border: 0.6mm solid #000; text-align: center; break-inside: avoid }
        .verify p { margin: 1mm 0 }
        .code-label { font-weight: bold }
        .code { font-family: "Courier New", "Noto Sans Mono", monospace; font-size: 18pt; font-weight: bold;
          letter-spacing: 0.15em }
        .status { margin: 4mm 0; padding: 3mm; border: 0.6mm solid #000; text-align: center; font-size: 14pt;
          font-weight: bold }
        .note { font-size: 10pt }
        footer { margin-top: 6mm; text-align: center; font-size: 9pt }
        .screen-only { margin-top: 6mm; text-align: center; font-size: 9pt; color: #555 }
        @media print {
          .sheet { max-width: none; padding: 0 }
          th { background: none }
          .screen-only { display: none }
        }
        """
}
