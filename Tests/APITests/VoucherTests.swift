import Foundation
import Security
import Testing

@testable import API
@testable import Business

/// Vouchers (办理凭证): the content, its canonical bytes and code, the printable page and the
/// public verification answers.
@Suite struct VoucherTests {
    static let key = Array("voucher-test-key-0123456789abcdef".utf8)

    /// A voucher with every field present.
    static let full = VoucherContent(
        number: "320102001-20261130-000017",
        businessType: "base_declaration",
        businessNameZh: "缴费基数申报",
        businessNameEn: "Contribution base declaration",
        applicationId: 4711,
        personName: "欧阳娜娜",
        personCitizenIdMasked: "110105********1239",
        employerName: "南京玄武科技有限公司",
        employerCreditCodeMasked: "91320102********3X",
        officeCode: "320102001",
        officeName: "南京市玄武区社会保险经办中心",
        makerName: "李经办",
        makerUsername: "li.jingban",
        reviewerName: "王复核",
        reviewerUsername: "wang.fuhe",
        submittedAt: "2026-11-30T09:41:07+08:00",
        issuedAt: "2026-11-30T14:05:09+08:00",
        result: "approved",
        details: [
            .init(
                labelZh: "企业职工基本养老保险 月缴费",
                labelEn: "Employee basic pension, monthly contribution",
                value: "单位 720.00 元，个人 360.00 元，基数 4500.00 元"
            )
        ],
        timeLimitWorkingDays: 10
    )

    /// A person's voucher with escapes in its strings, whose canonical bytes and code were
    /// computed apart from this code, by Python (`json.dumps(c, sort_keys=True,
    /// separators=(",", ":"), ensure_ascii=False)`, `hmac`, `base64.b32encode`).
    static let golden = VoucherContent(
        number: "320102001-20261130-000017",
        businessType: "person_registration",
        businessNameZh: "个人参保登记",
        businessNameEn: "Person \"registration\"\\",
        applicationId: 42,
        personName: "张三\n",
        personCitizenIdMasked: "110105********1239",
        officeCode: "320102001",
        officeName: "玄武区\t经办\u{01}",
        makerName: "李四",
        makerUsername: "li.si",
        reviewerName: "王五",
        reviewerUsername: "wang.wu",
        submittedAt: "2026-11-30T09:41:07+08:00",
        issuedAt: "2026-11-30T14:05:09+08:00",
        result: "approved",
        details: [.init(labelZh: "养老\u{08}", labelEn: "Pension\u{0C}", value: "单位 720.00 元\r")],
        timeLimitWorkingDays: 10
    )

    static let goldenCanonical =
        #"{"applicationId":42,"businessNameEn":"Person \"registration\"\\","businessNameZh":"个人参保登记","#
        + #""businessType":"person_registration","details":[{"labelEn":"Pension\f","labelZh":"养老\b","#
        + #""value":"单位 720.00 元\r"}],"issuedAt":"2026-11-30T14:05:09+08:00","makerName":"李四","#
        + #""makerUsername":"li.si","number":"320102001-20261130-000017","officeCode":"320102001","#
        + #""officeName":"玄武区\t经办\u0001","personCitizenIdMasked":"110105********1239","personName":"张三\n","#
        + #""result":"approved","reviewerName":"王五","reviewerUsername":"wang.wu","#
        + #""submittedAt":"2026-11-30T09:41:07+08:00","timeLimitWorkingDays":10}"#

    static let goldenCode = "CYXTNPKAHU35SIG2"

    /// The keys of a JSON object, in the order they are written.
    static func keys(ofObject bytes: [UInt8]) throws -> [String] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        var keys: [String] = []
        var rest = Substring(String(decoding: bytes, as: UTF8.self))
        // A top-level key is a string followed by a colon at depth one.
        var depth = 0
        var isInString = false
        var isEscaped = false
        var current = ""
        var lastString = ""
        while let character = rest.first {
            rest = rest.dropFirst()
            if isInString {
                if isEscaped {
                    isEscaped = false
                    current.append(character)
                } else if character == "\\" {
                    isEscaped = true
                    current.append(character)
                } else if character == "\"" {
                    isInString = false
                    lastString = current
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case "\"":
                isInString = true
                current = ""
            case "{", "[": depth += 1
            case "}", "]": depth -= 1
            case ":" where depth == 1: keys.append(lastString)
            default: break
            }
        }
        #expect(Set(keys) == Set(object.keys))
        return keys
    }

    // MARK: content and canonical bytes

    @Test func canonicalBytesMatchAnIndependentlyComputedForm() {
        #expect(String(decoding: Self.golden.canonicalBytes(), as: UTF8.self) == Self.goldenCanonical)
    }

    @Test func canonicalBytesAreStableSortedAndWithoutWhitespace() throws {
        let bytes = Self.full.canonicalBytes()
        #expect(bytes == Self.full.canonicalBytes())
        let keys = try Self.keys(ofObject: bytes)
        #expect(keys == keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(keys.count == 20)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"applicationId":4711,"businessNameEn":"#))
        #expect(text.hasSuffix(#","timeLimitWorkingDays":10}"#))
        #expect(text.contains(#""details":[{"labelEn":"Employee basic pension, monthly contribution","labelZh":"#))
        #expect(!text.contains(": ") && !text.contains("\n") && !text.contains(", \""))
    }

    @Test func absentValuesAreLeftOutOfTheCanonicalBytes() throws {
        var content = Self.full
        content.employerName = nil
        content.employerCreditCodeMasked = nil
        content.timeLimitWorkingDays = nil
        let keys = try Self.keys(ofObject: content.canonicalBytes())
        #expect(keys.count == 17)
        #expect(!keys.contains("employerName") && !keys.contains("timeLimitWorkingDays"))
        #expect(!String(decoding: content.canonicalBytes(), as: UTF8.self).contains("null"))
    }

    @Test func theStoredFormDecodesToAnEqualContentWithEqualCanonicalBytes() throws {
        for content in [Self.full, Self.golden] {
            // jsonb keeps neither key order nor whitespace: what comes back is decoded, not compared.
            for stored in [content.jsonBytes, content.canonicalBytes(), try JSONEncoder().encode(content).map { $0 }] {
                let decoded = try JSONDecoder().decode(VoucherContent.self, from: Data(stored))
                #expect(decoded == content)
                #expect(decoded.canonicalBytes() == content.canonicalBytes())
            }
        }
    }

    @Test func theAPIJSONNamesEveryFieldInCamelCase() throws {
        let keys = try Self.keys(ofObject: Self.full.jsonBytes)
        let fields = Mirror(reflecting: Self.full).children.compactMap(\.label)
        #expect(keys == fields)
        var person = Self.full
        person.employerName = nil
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(person.jsonBytes)) as? [String: Any]
        )
        #expect(object["employerName"] is NSNull)
        #expect(object["applicationId"] as? Int == 4711)
        #expect(object["number"] as? String == "320102001-20261130-000017")
    }

    // MARK: code

    @Test func theCodeMatchesAnIndependentlyComputedMAC() {
        #expect(VoucherCode.compute(number: Self.golden.number, content: Self.golden, key: Self.key) == Self.goldenCode)
    }

    @Test func theCodeIsDeterministicAndFitsTheTableCheck() throws {
        let code = VoucherCode.compute(number: Self.full.number, content: Self.full, key: Self.key)
        #expect(code == VoucherCode.compute(number: Self.full.number, content: Self.full, key: Self.key))
        #expect(code.count == 16)
        #expect(code.allSatisfy { ("A"..."Z").contains($0) || ("2"..."7").contains($0) })
        // sql/0007: CHECK (verification_code ~ '^[0-9A-Z]{8,32}$')
        #expect(try Regex("^[0-9A-Z]{8,32}$").wholeMatch(in: code) != nil)
    }

    @Test func theCodeChangesWhenAnyFieldChanges() {
        let base = VoucherCode.compute(number: Self.full.number, content: Self.full, key: Self.key)
        let changes: [(String, (inout VoucherContent) -> Void)] = [
            ("number", { $0.number = "320102001-20261130-000018" }),
            ("businessType", { $0.businessType = "person_change" }),
            ("businessNameZh", { $0.businessNameZh += "。" }),
            ("businessNameEn", { $0.businessNameEn += "." }),
            ("applicationId", { $0.applicationId += 1 }),
            ("personName", { $0.personName = nil }),
            ("personCitizenIdMasked", { $0.personCitizenIdMasked = "110105********1238" }),
            ("employerName", { $0.employerName = "" }),
            ("employerCreditCodeMasked", { $0.employerCreditCodeMasked = nil }),
            ("officeCode", { $0.officeCode = "320102002" }),
            ("officeName", { $0.officeName = "南京市鼓楼区社会保险经办中心" }),
            ("makerName", { $0.makerName = "李经" }),
            ("makerUsername", { $0.makerUsername = "li.jingban2" }),
            ("reviewerName", { $0.reviewerName = "王" }),
            ("reviewerUsername", { $0.reviewerUsername = "Wang.fuhe" }),
            ("submittedAt", { $0.submittedAt = "2026-11-30T09:41:08+08:00" }),
            ("issuedAt", { $0.issuedAt = "2026-11-30T14:05:10+08:00" }),
            ("result", { $0.result = "rejected" }),
            ("details", { $0.details[0].value = "单位 720.00 元，个人 360.00 元，基数 4500.01 元" }),
            ("timeLimitWorkingDays", { $0.timeLimitWorkingDays = 20 }),
        ]
        // Every stored field has a change above: a field added later must be covered too.
        #expect(changes.map(\.0) == Mirror(reflecting: Self.full).children.compactMap(\.label))
        var codes: Set<String> = [base]
        for (field, change) in changes {
            var content = Self.full
            change(&content)
            let code = VoucherCode.compute(number: Self.full.number, content: content, key: Self.key)
            #expect(code != base, "changing \(field) kept the code")
            codes.insert(code)
        }
        #expect(codes.count == changes.count + 1)
        var detail = Self.full
        detail.details.append(detail.details[0])
        #expect(VoucherCode.compute(number: Self.full.number, content: detail, key: Self.key) != base)
        #expect(VoucherCode.compute(number: "320102001-20261130-000018", content: Self.full, key: Self.key) != base)
    }

    @Test func theCodeChangesWithTheKey() {
        let base = VoucherCode.compute(number: Self.full.number, content: Self.full, key: Self.key)
        var other = Self.key
        other[0] ^= 0x01
        #expect(VoucherCode.compute(number: Self.full.number, content: Self.full, key: other) != base)
        // Not `+ [0]`: HMAC pads a short key with zeros (RFC 2104 §2), so a trailing zero is the same key.
        #expect(VoucherCode.compute(number: Self.full.number, content: Self.full, key: Self.key + [1]) != base)
    }

    @Test func verifyAcceptsTheCodeInAnyCaseAndSpacing() {
        let code = VoucherCode.compute(number: Self.full.number, content: Self.full, key: Self.key)
        let grouped = stride(from: 0, to: 16, by: 4).map { Array(code)[$0..<($0 + 4)] }.map { String($0) }
        for typed in [
            code, code.lowercased(), "  \(code)\n", "\u{3000}\(code.lowercased())\t", grouped.joined(separator: "-"),
            grouped.joined(separator: " ").lowercased(),
        ] {
            #expect(VoucherCode.verify(typed, number: Self.full.number, content: Self.full, key: Self.key), "\(typed)")
        }
    }

    @Test func verifyRejectsAnyOtherCode() {
        let code = Array(VoucherCode.compute(number: Self.full.number, content: Self.full, key: Self.key))
        for position in code.indices {
            var changed = code
            changed[position] = changed[position] == "A" ? "B" : "A"
            #expect(
                !VoucherCode.verify(String(changed), number: Self.full.number, content: Self.full, key: Self.key),
                "changed at \(position)"
            )
        }
        for typed in ["", String(code.dropLast()), String(code) + "A", String(code) + String(code.last!), "ÄÄ"] {
            #expect(!VoucherCode.verify(typed, number: Self.full.number, content: Self.full, key: Self.key))
        }
        var altered = Self.full
        altered.details[0].value = "单位 7200.00 元"
        #expect(!VoucherCode.verify(String(code), number: Self.full.number, content: altered, key: Self.key))
        #expect(
            !VoucherCode.verify(String(code), number: "320102001-20261130-000018", content: Self.full, key: Self.key)
        )
        #expect(
            !VoucherCode.verify(String(code), number: Self.full.number, content: Self.full, key: Self.key.reversed())
        )
    }

    // MARK: the printable page

    @Test func thePageIsACompletePrintableA4DocumentInChinese() {
        let html = VoucherPage.html(Self.full, verificationCode: "CYXTNPKAHU35SIG2", verifyPath: "/verify")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains(#"<html lang="zh-CN">"#))
        #expect(html.contains(#"<meta charset="utf-8">"#))
        #expect(html.contains("@page { size: A4; margin: 18mm }"))
        #expect(html.contains("serif"))
        #expect(html.contains("<h1>社会保险业务办理凭证</h1>"))
        #expect(html.contains("<table>"))
        #expect(html.contains(#"<p class="code">CYXTNPKAHU35SIG2</p>"#))
        #expect(html.contains("验证方式：访问 /verify 输入凭证编号与验证码，或拨打 12333"))
        #expect(html.contains("本凭证由社会保险经办系统生成，与加盖印章的纸质凭证具有同等效力。"))
        #expect(html.hasSuffix("</html>\n"))
        // Self-contained: nothing loaded from elsewhere, no script.
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src="))
    }

    @Test func thePageHasEveryRow() {
        let html = VoucherPage.html(Self.full, verificationCode: "CYXTNPKAHU35SIG2", verifyPath: "/verify")
        let rows = [
            ("凭证编号", "320102001-20261130-000017"), ("业务名称", "缴费基数申报"), ("办理结果", "已办结（准予办理）"),
            ("参保人", "欧阳娜娜"), ("身份证号", "110105********1239"), ("参保单位", "南京玄武科技有限公司"),
            ("统一社会信用代码", "91320102********3X"), ("经办机构", "南京市玄武区社会保险经办中心（320102001）"),
            ("经办人", "李经办（li.jingban）"), ("复核人", "王复核（wang.fuhe）"), ("受理时间", "2026年11月30日 09:41"),
            ("办结时间", "2026年11月30日 14:05"), ("企业职工基本养老保险 月缴费", "单位 720.00 元，个人 360.00 元，基数 4500.00 元"),
            ("办理时限", "10 个工作日"), ("收费", "不收费"),
        ]
        for (label, value) in rows {
            #expect(html.contains(#"<tr><th scope="row">\#(label)</th><td>\#(value)</td></tr>"#), "\(label)")
        }
    }

    @Test func thePageLeavesOutTheRowsOfAbsentValues() {
        var person = Self.full
        person.employerName = nil
        person.employerCreditCodeMasked = nil
        person.timeLimitWorkingDays = nil
        let html = VoucherPage.html(person, verificationCode: "CYXTNPKAHU35SIG2", verifyPath: "/verify")
        #expect(html.contains(">参保人<") && html.contains(">身份证号<"))
        #expect(!html.contains(">参保单位<") && !html.contains(">统一社会信用代码<") && !html.contains(">办理时限<"))
        var employer = Self.full
        employer.personName = nil
        employer.personCitizenIdMasked = nil
        let employerHTML = VoucherPage.html(employer, verificationCode: "CYXTNPKAHU35SIG2", verifyPath: "/verify")
        #expect(!employerHTML.contains(">参保人<") && !employerHTML.contains(">身份证号<"))
        #expect(employerHTML.contains(">参保单位<"))
    }

    @Test func thePageShowsTheMaskedIDAndNeverAFullOne() {
        let html = VoucherPage.html(Self.full, verificationCode: "CYXTNPKAHU35SIG2", verifyPath: "/verify")
        #expect(html.contains("110105********1239"))
        #expect(!html.contains("110105199001011239"))
        // A caller that slips and passes a full ID still prints it masked.
        var slipped = Self.full
        slipped.personCitizenIdMasked = "110105199001011239"
        slipped.employerCreditCodeMasked = "91320102MA1XYZ123X"
        let slippedHTML = VoucherPage.html(slipped, verificationCode: "CYXTNPKAHU35SIG2", verifyPath: "/verify")
        #expect(!slippedHTML.contains("110105199001011239") && slippedHTML.contains("110105********1239"))
        #expect(!slippedHTML.contains("91320102MA1XYZ123X") && slippedHTML.contains("91320102********3X"))
        let json = String(decoding: VoucherPage.verificationJSON(slipped, number: slipped.number), as: UTF8.self)
        #expect(!json.contains("110105199001011239") && json.contains("110105********1239"))
    }

    /// Every string field, the code and the path carry markup.
    static let hostile: VoucherContent = {
        let payload = #"<script>alert('x')</script>&"'"#
        var content = Self.full
        content.number = payload
        content.businessType = payload
        content.businessNameZh = payload
        content.businessNameEn = payload
        content.personName = payload
        content.personCitizenIdMasked = "*" + payload
        content.employerName = payload
        content.employerCreditCodeMasked = "*" + payload
        content.officeCode = payload
        content.officeName = payload
        content.makerName = payload
        content.makerUsername = payload
        content.reviewerName = payload
        content.reviewerUsername = payload
        content.submittedAt = payload
        content.issuedAt = payload
        content.result = payload
        content.details = [.init(labelZh: payload, labelEn: payload, value: payload)]
        return content
    }()

    @Test func thePagesEscapeEveryInterpolatedString() {
        let payload = #"<script>alert('x')</script>&"'"#
        let escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;&#39;"
        let pages = [
            VoucherPage.html(Self.hostile, verificationCode: payload, verifyPath: payload),
            VoucherPage.verificationHTML(Self.hostile, number: payload),
            VoucherPage.verificationHTML(nil, number: payload),
        ]
        for html in pages {
            #expect(!html.contains("<script"))
            #expect(!html.contains("</script"))
            #expect(!html.contains(#"&""#))
            #expect(!html.contains("'"))
            #expect(html.contains(escaped) || html.contains("&lt;script&gt;"))
        }
        // The printable page writes the payload once per place: the rows, the title, the header, the
        // code and the path, each escaped whole.
        #expect(pages[0].components(separatedBy: escaped).count - 1 >= 14)
        #expect(VoucherPage.escaped(#"a&b<c>d"e'f"#) == "a&amp;b&lt;c&gt;d&quot;e&#39;f")
        #expect(VoucherPage.escaped("张三 ok") == "张三 ok")
    }

    @Test(arguments: [
        ("2026-11-30T09:41:07+08:00", "2026年11月30日 09:41"),
        ("2026-11-30T01:41:07Z", "2026年11月30日 09:41"),
        ("2026-11-30T20:00:00+00:00", "2026年12月01日 04:00"),
        ("2026-12-31T16:30:00.123456Z", "2027年01月01日 00:30"),
        ("2026-03-01 07:59:59.5-0100", "2026年03月01日 16:59"),
        ("2028-02-29T23:59+08", "2028年02月29日 23:59"),
        ("2026-11-30T09:41", "2026年11月30日 09:41"),
        ("2026-02-30T09:41:07+08:00", "2026-02-30T09:41:07+08:00"),
        ("2026-11-30T24:00:00+08:00", "2026-11-30T24:00:00+08:00"),
        ("yesterday", "yesterday"),
        ("2026-11-30T09:41:07+08:00 ", "2026-11-30T09:41:07+08:00 "),
    ])
    func timesShowInBeijingTime(iso: String, shown: String) {
        #expect(VoucherPage.displayTime(iso) == shown)
    }

    @Test func theResultIsShownInWords() {
        #expect(VoucherPage.resultText("approved") == "已办结（准予办理）")
        #expect(VoucherPage.resultText("rejected") == "不予办理")
        #expect(VoucherPage.resultText("other") == "other")
    }

    // MARK: the public verification answers

    @Test(arguments: [
        ("张三", "张*"), ("张三丰", "张*丰"), ("欧阳娜娜", "欧**娜"), ("李", "*"), ("买买提·艾力", "买****力"),
    ])
    func namesAreMaskedForThePublic(name: String, masked: String) throws {
        var content = Self.full
        content.personName = name
        let html = VoucherPage.verificationHTML(content, number: content.number)
        #expect(html.contains(#"<tr><th scope="row">参保人</th><td>\#(masked)</td></tr>"#))
        let json = VoucherPage.verificationJSON(content, number: content.number)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        #expect(object["personName"] as? String == masked)
    }

    @Test func theVerificationPageShowsOnlyMaskedIdentifyingData() {
        let html = VoucherPage.verificationHTML(Self.full, number: Self.full.number)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains(#"<html lang="zh-CN">"#))
        #expect(html.contains("经核验，该凭证真实有效。"))
        for shown in [
            "320102001-20261130-000017", "缴费基数申报", "已办结（准予办理）", "南京市玄武区社会保险经办中心",
            "2026年11月30日 14:05", "欧**娜", "110105********1239", "南京玄武科技有限公司", "91320102********3X",
        ] {
            #expect(html.contains(shown), "\(shown)")
        }
        for hidden in [
            "欧阳娜娜", "li.jingban", "wang.fuhe", "李经办", "王复核", "企业职工基本养老保险", "4500.00", "09:41", "4711",
        ] {
            #expect(!html.contains(hidden), "\(hidden)")
        }
        #expect(!html.contains("未找到"))
    }

    @Test func theVerificationPageSaysSoWhenNothingMatched() {
        let html = VoucherPage.verificationHTML(nil, number: "320102001-20261130-000099")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("未找到该凭证或验证码不符"))
        #expect(html.contains("320102001-20261130-000099"))
        #expect(!html.contains("真实有效") && !html.contains("<table>"))
    }

    @Test func theVerificationJSONHoldsOnlyMaskedIdentifyingData() throws {
        let bytes = VoucherPage.verificationJSON(Self.full, number: Self.full.number)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "valid", "number", "businessType", "businessName", "result", "officeName", "issuedAt", "personName",
                "personCitizenIdMasked", "employerName", "employerCreditCodeMasked",
            ]
        )
        #expect(object["valid"] as? Bool == true)
        #expect(object["number"] as? String == "320102001-20261130-000017")
        #expect(object["businessType"] as? String == "base_declaration")
        #expect(object["businessName"] as? String == "缴费基数申报")
        #expect(object["officeName"] as? String == "南京市玄武区社会保险经办中心")
        #expect(object["issuedAt"] as? String == "2026-11-30T14:05:09+08:00")
        #expect(object["personName"] as? String == "欧**娜")
        #expect(object["personCitizenIdMasked"] as? String == "110105********1239")
        #expect(object["employerName"] as? String == "南京玄武科技有限公司")
        #expect(object["employerCreditCodeMasked"] as? String == "91320102********3X")
        let text = String(decoding: bytes, as: UTF8.self)
        for hidden in ["欧阳娜娜", "li.jingban", "wang.fuhe", "李经办", "王复核", "details", "4500.00", "4711"] {
            #expect(!text.contains(hidden), "\(hidden)")
        }
        var employer = Self.full
        employer.personName = nil
        employer.personCitizenIdMasked = nil
        let employerObject = try #require(
            try JSONSerialization.jsonObject(
                with: Data(VoucherPage.verificationJSON(employer, number: employer.number))
            )
                as? [String: Any]
        )
        #expect(employerObject["personName"] is NSNull && employerObject["personCitizenIdMasked"] is NSNull)
    }

    @Test func theVerificationJSONIsOnlyInvalidWhenNothingMatched() {
        let bytes = VoucherPage.verificationJSON(nil, number: "320102001-20261130-000099")
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"valid":false}"#)
    }
}
