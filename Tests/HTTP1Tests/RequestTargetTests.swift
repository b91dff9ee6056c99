import HTTP1
import Testing

@Suite struct RequestTargetTests {
    private func parse(_ target: String) -> Result<RequestTarget, HTTPParseError> {
        Array(target.utf8).withUnsafeBytes { RequestTarget.parse($0) }
    }

    private func expectRefused(_ target: String, sourceLocation: SourceLocation = #_sourceLocation) {
        switch self.parse(target) {
        case .success(let parsed):
            Issue.record("\(target) was accepted as \(parsed)", sourceLocation: sourceLocation)
        case .failure(let error):
            #expect(error.status == 400, sourceLocation: sourceLocation)
        }
    }

    @Test func anOriginFormTargetSplitsIntoPathSegmentsAndQuery() throws {
        let target = try self.parse("/api/persons//42/?office=3101&x").get()
        #expect(target.path == "/api/persons//42/")
        #expect(target.segments == ["api", "persons", "42"])
        #expect(target.rawQuery == "office=3101&x")
    }

    @Test func theRootHasNoSegments() throws {
        let target = try self.parse("/").get()
        #expect(target == RequestTarget(path: "/", segments: [], rawQuery: nil))
        #expect(try self.parse("/?").get().rawQuery == "")
    }

    @Test func percentEscapesAreDecodedExactlyOnce() throws {
        let target = try self.parse("/a/%2541/%41%7e%20b").get()
        #expect(target.path == "/a/%41/A~ b")
        #expect(target.segments == ["a", "%41", "A~ b"])
    }

    @Test func aChinesePathDecodesToUTF8() throws {
        let target = try self.parse("/%E7%A4%BE%E4%BF%9D/%e4%B8%AA%E4%BA%BA").get()
        #expect(target.path == "/社保/个人")
        #expect(target.segments == ["社保", "个人"])
    }

    @Test func anAbsoluteFormTargetKeepsPathAndQuery() throws {
        #expect(
            try self.parse("http://shebao.example:8080/a/b?x=1").get()
                == RequestTarget(path: "/a/b", segments: ["a", "b"], rawQuery: "x=1")
        )
        #expect(try self.parse("HTTPS://[::1]?q").get() == RequestTarget(path: "/", segments: [], rawQuery: "q"))
        #expect(try self.parse("http://h").get() == RequestTarget(path: "/", segments: [], rawQuery: nil))
    }

    @Test func theAsteriskFormIsThePathAsterisk() throws {
        #expect(try self.parse("*").get() == RequestTarget(path: "*", segments: [], rawQuery: nil))
        self.expectRefused("**")
        self.expectRefused("*/")
    }

    @Test(arguments: ["%", "%4", "%G1", "%4G", "/a%", "/a%2", "/a%zz", "/a?b=%", "/a?b=%2x"])
    func aBadOrTruncatedEscapeIsRefused(_ target: String) {
        self.expectRefused(target.hasPrefix("/") ? target : "/" + target)
    }

    @Test(arguments: ["/a%00", "/%00b", "/a%0A", "/a%0d", "/a%1F", "/a%7F", "/a%C2%85", "/a%C2%9F"])
    func aDecodedControlCharacterIsRefused(_ target: String) {
        self.expectRefused(target)
    }

    @Test(arguments: ["/a%2Fb", "/a%2fb", "/%2F", "/a%5Cb", "/a%5cb", "/a\\b"])
    func anEncodedSlashOrABackslashIsRefused(_ target: String) {
        self.expectRefused(target)
    }

    @Test(arguments: ["/.", "/..", "/a/./b", "/a/../b", "/a/..", "/%2e", "/%2E%2e/b", "/a/.%2e", "/a/%2e./"])
    func aDotSegmentIsRefused(_ target: String) {
        self.expectRefused(target)
    }

    @Test func segmentsThatOnlyContainDotsAreFine() throws {
        #expect(try self.parse("/.well-known/a..b/...").get().segments == [".well-known", "a..b", "..."])
    }

    @Test(arguments: ["/%FF", "/%C3", "/%C3%28", "/%ED%A0%80", "/%F8%88%80%80%80", "/%C0%AF"])
    func invalidUTF8IsRefused(_ target: String) {
        self.expectRefused(target)
    }

    @Test(arguments: [
        "", "a", "a/b", "/a#b", "/a b", "/a\"b", "/a<b", "/a{b", "/a|b", "/a^b", "/a`b", "/a[b", "ftp://h/a",
        "http:/a", "http://", "http:///a", "http://user@h/a", "http://h h/", "host:443", "/a?b#c", "/a?b c",
    ])
    func targetsOutsideTheGrammarAreRefused(_ target: String) {
        self.expectRefused(target)
    }

    @Test func queryItemsAreFormDecodedAndNamelessPairsSkipped() throws {
        let target = try self.parse("/s?name=%E5%BC%A0+%E4%B8%89&empty=&flag&=nameless&&a+b=c%2Bd&bad=%FF&nul=%00&a=2")
            .get()
        let items = target.queryItems()
        #expect(items.map(\.name) == ["name", "empty", "flag", "a b", "bad", "nul", "a"])
        // A NUL and bytes that are not UTF-8 are kept for the application to refuse by name: dropped,
        // they would widen a search to everything.
        #expect(items.map(\.value) == ["张 三", "", "", "c+d", "\u{FFFD}", "\u{0}", "2"])
        #expect(try self.parse("/s").get().queryItems().isEmpty)
    }

    @Test func theQueryIsNotDecoded() throws {
        #expect(try self.parse("/s?q=%2F%2e%2E/..?").get().rawQuery == "q=%2F%2e%2E/..?")
    }
}
