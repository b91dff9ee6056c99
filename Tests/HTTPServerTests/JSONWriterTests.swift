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
}
