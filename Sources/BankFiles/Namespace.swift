/// The ISO 20022 message versions the files use, by their XML namespaces.
enum Namespace: String, Sendable {
    case pain001 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
    case pain002 = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"
    case camt054 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"

    var uri: String { self.rawValue }

    /// Whether a start tag's bytes hold this namespace as a quoted attribute value (the
    /// default namespace or a prefix's: both declare it).
    func isDeclared(in tag: ArraySlice<UInt8>) -> Bool {
        let uri = Array(self.uri.utf8)
        for quote in [UInt8(ascii: "\""), UInt8(ascii: "'")] {
            let quoted = [quote] + uri + [quote]
            var start = tag.startIndex
            while let index = tag[start...].firstIndex(of: quote) {
                if tag[index...].starts(with: quoted) { return true }
                start = index + 1
            }
        }
        return false
    }
}

/// What comes before an XML document's root element.
enum XMLProlog {
    /// The bytes of the root element's start tag, `<` to `>`, when `bytes` are an XML document
    /// whose prolog (XML 1.0 §2.8) is a byte order mark, white space, processing instructions
    /// and comments; nil for anything else, a document type declaration included (the files
    /// have none, and refusing one keeps entity declarations out of the parser).
    static func rootStartTag(_ bytes: [UInt8]) -> ArraySlice<UInt8>? {
        let scanned = bytes.prefix(64 * 1024)
        var index = scanned.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while index < scanned.count {
            switch scanned[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                index += 1
            case UInt8(ascii: "<"):
                let rest = scanned[index...]
                if rest.starts(with: "<?".utf8) {
                    guard let end = Self.find("?>", in: rest) else { return nil }
                    index = end
                } else if rest.starts(with: "<!--".utf8) {
                    guard let end = Self.find("-->", in: rest) else { return nil }
                    index = end
                } else if rest.starts(with: "<!".utf8) {
                    return nil
                } else {
                    return Self.startTag(rest)
                }
            default:
                return nil
            }
        }
        return nil
    }

    /// The index just past the first `marker` in `bytes`, or nil.
    private static func find(_ marker: String, in bytes: ArraySlice<UInt8>) -> Int? {
        let marker = Array(marker.utf8)
        var start = bytes.startIndex
        while let index = bytes[start...].firstIndex(of: marker[0]) {
            if bytes[index...].starts(with: marker) { return index + marker.count }
            start = index + 1
        }
        return nil
    }

    /// `<` to the `>` that ends the tag, outside quoted attribute values.
    private static func startTag(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var quote: UInt8?
        for index in bytes.indices {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return bytes[bytes.startIndex...index]
            }
        }
        return nil
    }
}
