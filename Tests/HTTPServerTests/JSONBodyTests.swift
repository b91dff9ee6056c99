import HTTPServer
import Testing

@Suite struct JSONBodyTests {
    struct Person: Decodable, Equatable {
        var name: String
        var baseFen: Int64
    }

    private func status(_ text: String, maxDepth: Int = 32) -> Int? {
        do {
            _ = try JSONBody.decode([String: Int].self, from: Array(text.utf8), maxDepth: maxDepth)
            return nil
        } catch let error as HTTPError {
            return error.status
        } catch {
            return -1
        }
    }

    @Test func decodesAValidBody() throws {
        let person = try JSONBody.decode(Person.self, from: Array(#"{"name":"张三","baseFen":500000}"#.utf8))
        #expect(person == Person(name: "张三", baseFen: 500_000))
    }

    @Test func hostileNestingIsA400NotAStackOverflow() {
        let deep = String(repeating: "[", count: 1_000_000) + String(repeating: "]", count: 1_000_000)
        #expect(self.status(deep) == 400)
        #expect(self.status(String(repeating: "{\"a\":", count: 100_000)) == 400)
    }

    @Test func bracketsInsideStringsDoNotCount() {
        #expect(self.status(#"{"a": 1, "b[[[[": 2}"#, maxDepth: 1) == nil)
    }

    @Test func malformedOrWrongShapedJSONIsA400WithoutEchoingTheInput() throws {
        #expect(self.status("{not json") == 400)
        #expect(self.status("") == 400)
        do {
            _ = try JSONBody.decode(Person.self, from: Array(#"{"name":"secret-value"}"#.utf8))
            Issue.record("expected an error")
        } catch let error as HTTPError {
            #expect(error.status == 400)
            #expect(error.message.contains("baseFen"))
            #expect(!error.message.contains("secret-value"))
        }
    }

    @Test func anOversizedBodyIsRefusedBeforeParsing() {
        do {
            _ = try JSONBody.decode([Int].self, from: [UInt8](repeating: UInt8(ascii: " "), count: 100), maxBytes: 10)
            Issue.record("expected an error")
        } catch let error as HTTPError {
            #expect(error.status == 400)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
