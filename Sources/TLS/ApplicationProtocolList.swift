/// The wire format of an ALPN protocol list (RFC 7301 section 3.1): each name preceded by its
/// one-byte length.
enum ApplicationProtocolList {
    /// The name this server speaks.
    static let http11: [UInt8] = Array("http/1.1".utf8)

    /// Where `name` sits in `list` (the name's bytes, without the length byte), or `nil` if the
    /// list does not contain it. A malformed list (a length running past the end) finds nothing
    /// in its broken tail.
    static func find(_ name: [UInt8], in list: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var index = 0
        while index < list.count {
            let length = Int(list[index])
            let start = index + 1
            let end = start + length
            guard end <= list.count else {
                return nil
            }
            if length == name.count, list[start..<end].elementsEqual(name) {
                return start..<end
            }
            index = end
        }
        return nil
    }
}
