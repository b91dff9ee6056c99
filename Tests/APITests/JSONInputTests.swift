import Domain
import Testing

@testable import API

/// A body parsed as JSON: hostile nesting is refused before the decoder (which recurses) sees it.
@Suite struct JSONInputTests {
    @Test func hostileNestingIsRefusedNotAStackOverflow() {
        let deep = Array((String(repeating: "[", count: 1_000_000) + String(repeating: "]", count: 1_000_000)).utf8)
        #expect(throws: ShapeFailure.self) { try JSONInput.parse(deep) }
        #expect(throws: ShapeFailure.self) {
            try JSONInput.parse(Array(String(repeating: "{\"a\":", count: 100_000).utf8))
        }
        #expect(JSONInput.nestingDepth(of: deep) == 1_000_000)
    }

    @Test func bracketsInsideStringsDoNotCount() {
        #expect(JSONInput.nestingDepth(of: Array(#"{"a": 1, "b[[[[\"{{": 2}"#.utf8)) == 1)
    }

    @Test func integersStayIntegersAndOthersNumbers() throws {
        #expect(
            try JSONInput.parse(Array("[1, 1.5, -3, true, null, \"x\"]".utf8))
                == .array([
                    .integer(1), .number(1.5), .integer(-3), .bool(true), .null, .string("x"),
                ])
        )
        #expect(try JSONInput.parse(Array("9223372036854775808".utf8)).integerValue == nil)
    }

    @Test func malformedJSONNamesTheBodyWithoutEchoingIt() {
        for text in ["{not json", "", "{\"secret-value\": }"] {
            do throws(ShapeFailure) {
                _ = try JSONInput.parse(Array(text.utf8))
                Issue.record("\(text) was taken")
            } catch {
                #expect(error.issues.map(\.code) == [.invalidJSON])
                #expect(error.issues.allSatisfy { !$0.field.contains("secret") && $0.arguments.isEmpty })
            }
        }
    }
}
