import Domain
import Testing

@testable import API

/// The language of an answer from `Accept-Language` (RFC 9110 §12.5.4), as the API chooses it.
struct ClientLanguageTests {
    @Test(
        arguments: [
            (nil, Language.zh), ("", .zh), ("en", .en), ("EN", .en), ("en-US", .en), ("en-GB,en;q=0.9", .en),
            ("zh", .zh),
            ("zh-CN", .zh), ("zh-Hans-CN", .zh), ("*", .zh), ("fr", .zh), ("fr, de;q=0.5", .zh),
            ("fr, en;q=0.5", .en), ("zh-CN,zh;q=0.9,en;q=0.8", .zh), ("en-US,en;q=0.9,zh-CN;q=0.8", .en),
            ("zh;q=0.5, en;q=0.6", .en), ("en;q=0.5, zh;q=0.6", .zh), ("en, zh", .en), ("zh, en", .zh),
            ("en;q=0", .zh), ("en;q=0.000, fr", .zh), ("*;q=0.9, en;q=0.8", .zh), ("en;q=0.8, *;q=0.9", .zh),
            ("en;q=1.0, zh;q=1", .en), ("en ; q=0.7 , zh ;q=0.3", .en), ("en;Q=0.7, zh;q=0.3", .en),
            ("english", .zh), ("enx", .zh), ("eng", .zh), ("en-", .zh), (",en", .en), ("en,,", .en),
            ("zh;q=0.001, en;q=0", .zh), ("en;q=0.001", .en), ("de-CH;q=1, en;q=0.1", .en),
        ] as [(String?, Language)]
    )
    func theHighestWeightedSupportedTagWins(header: String?, language: Language) {
        #expect(Localization.language(acceptLanguage: header) == language)
    }

    @Test(arguments: [
        "en;q=2", "en;q=1.1", "en;q=0.1234", "en;q=", "en;q", "en;", "en;level=1", "en;q=0.5;x=1", "en_US",
        "en-US-", "en-toolongsubtag", "12", ";q=1", "en;q=.5", "en;q=-1", "en;q=1.001", "en, fr_FR", "e n",
        "en;q=0.5x", "enUS;q=a",
    ])
    func malformedHeadersMeanChinese(header: String) {
        #expect(Localization.language(acceptLanguage: header) == .zh)
    }
}
