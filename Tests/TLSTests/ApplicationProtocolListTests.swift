import Testing

@testable import TLS

@Suite struct ApplicationProtocolListTests {
    @Test func findsHTTP11AfterAnotherProtocol() {
        let list: [UInt8] = [2] + Array("h2".utf8) + [8] + Array("http/1.1".utf8)
        let range = list.withUnsafeBufferPointer {
            ApplicationProtocolList.find(ApplicationProtocolList.http11, in: $0)
        }
        #expect(range == 4..<12)
    }

    @Test func doesNotMatchAPrefixOrALongerName() {
        let list: [UInt8] = [4] + Array("http".utf8) + [9] + Array("http/1.10".utf8)
        let range = list.withUnsafeBufferPointer {
            ApplicationProtocolList.find(ApplicationProtocolList.http11, in: $0)
        }
        #expect(range == nil)
    }

    @Test func findsNothingPastALengthThatRunsOffTheEnd() {
        let list: [UInt8] = [200] + Array("http/1.1".utf8)
        let range = list.withUnsafeBufferPointer {
            ApplicationProtocolList.find(ApplicationProtocolList.http11, in: $0)
        }
        #expect(range == nil)
        let empty = [UInt8]().withUnsafeBufferPointer {
            ApplicationProtocolList.find(ApplicationProtocolList.http11, in: $0)
        }
        #expect(empty == nil)
    }
}
