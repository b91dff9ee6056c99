import HTTP1
import Testing

/// The choice of Chinese or English from `Accept-Language` (RFC 9110 §12.5.4), on bytes.
@Suite struct AcceptLanguageTests {
    @Test(arguments: [
        ("en", ResponseLanguage.en), ("EN", .en), ("en-US", .en), ("en-GB, en;q=0.9", .en), ("zh", .zh),
        ("zh-Hans-CN", .zh), ("*", .zh), ("fr, de", .zh), ("fr, en;q=0.1", .en), ("zh;q=0.5, en;q=0.6", .en),
        ("en;q=0.5, zh;q=0.5", .en), ("zh;q=0.5, en;q=0.5", .zh), ("en;q=0", .zh), ("en;q=0.000, zh;q=0", .zh),
        ("en ; q=0.8", .en), ("en;Q=1", .en), ("en;q=1.", .en), ("en;q=1.0001", .zh), ("en;q=1.5", .zh),
        ("en;q=2", .zh), ("en;q=.5", .zh), ("en;q = 0.5", .zh), ("en;level=1", .zh), ("en;q=0.5;x", .zh),
        (",, en ,", .en), ("", .zh), ("en-", .zh), ("e1", .zh), ("en-123456789", .zh), ("123", .zh),
        ("toolonglanguage", .zh), ("en-US-x1", .en), ("english", .zh), ("zh, en;q=0.9", .zh),
        ("\u{212A}n", .zh), ("fr;q=0.9, en;q=0.8, zh;q=0.7", .en),
    ])
    func aValueChoosesTheFirstOfTheHighestWeight(value: String, language: ResponseLanguage) {
        let chosen = Array(value.utf8).withUnsafeBytes { AcceptLanguage.preferred($0) }
        #expect(chosen == language)
    }

    @Test func anAbsentFieldIsChinese() {
        #expect(AcceptLanguage.preferred(nil) == .zh)
    }
}
