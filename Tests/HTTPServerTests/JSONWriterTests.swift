import HTTPServer
import Testing

@Suite struct JSONWriterTests {
    @Test func writesNestedStructuresWithCommasInTheRightPlaces() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("a")
        writer.number(1)
        writer.key("list")
        writer.beginArray()
        writer.bool(true)
        writer.null()
        writer.beginObject()
        writer.endObject()
        writer.endArray()
        writer.key("b")
        writer.string("x")
        writer.endObject()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"a":1,"list":[true,null,{}],"b":"x"}"#)
    }

    @Test func escapesQuotesBackslashesAndControlCharactersButNotChinese() {
        var writer = JSONWriter()
        writer.string("say \"hi\" \\ \n\t\u{01} 社保")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""say \"hi\" \\ \n\t\u0001 社保""#)
    }

    @Test(arguments: [1, 63, 64, 65, 128, 200])
    func commasStayRightAtEveryDepth(depth: Int) {
        // [0,[1,[2,…],2],1],0] : an element before and after each nested array.
        var writer = JSONWriter()
        for level in 0..<depth {
            writer.beginArray()
            writer.number(level)
        }
        for level in (0..<depth).reversed() {
            writer.number(level)
            writer.endArray()
        }
        var expected = ""
        for level in 0..<depth {
            expected += (level == 0 ? "" : ",") + "[\(level)"
        }
        for level in (0..<depth).reversed() {
            expected += ",\(level)]"
        }
        #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
        // And the writer is reusable at the top level afterwards: a second value gets no comma.
        var siblings = JSONWriter()
        siblings.beginArray()
        for _ in 0..<70 { siblings.beginObject() }
        for _ in 0..<70 { siblings.endObject() }
        siblings.beginObject()
        siblings.endObject()
        siblings.endArray()
        #expect(String(decoding: siblings.bytes, as: UTF8.self).hasSuffix("}}},{}]"))
    }
}

@Suite struct JSONWriterEmbeddingTests {
    @Test func jsonTextFromATrustedEncoderIsEmbeddedAsAValue() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("after")
        writer.json(#"{"a": [1, 2]}"#)
        writer.key("n")
        writer.number(1)
        writer.endObject()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"after":{"a": [1, 2]},"n":1}"#)
    }
}
