/// Collects one response from libcurl's header and write callbacks, within its bounds.
///
/// Lives for one `curl_easy_perform` on the client's thread; the callbacks reach it through the
/// opaque pointer they are given, which is unretained and valid because `perform` holds the
/// collector alive (`withExtendedLifetime`) until it returns.
final class ResponseCollector {
    private let maximumBodyBytes: Int
    private let maximumHeaderBytes: Int
    private let keptNames: Set<String>

    // protected by: the client's thread (libcurl calls back on the thread inside perform)
    private(set) var body: [UInt8] = []
    // protected by: the client's thread
    private(set) var headers: [String: String] = [:]
    // protected by: the client's thread
    private var headerBytes = 0
    // protected by: the client's thread
    private(set) var exceededLimit: Int?

    /// A collector for one response.
    /// - Parameters:
    ///   - maximumBodyBytes: the body's bound.
    ///   - maximumHeaderBytes: the header section's bound, interim responses included.
    ///   - keptNames: lowercased names of the fields to keep.
    init(maximumBodyBytes: Int, maximumHeaderBytes: Int, keptNames: Set<String>) {
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumHeaderBytes = maximumHeaderBytes
        self.keptNames = keptNames
    }

    /// Takes a piece of the body.
    /// - Parameter bytes: the piece.
    /// - Returns: whether to go on; false once the body would exceed its bound.
    func bodyReceived(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count <= self.maximumBodyBytes - self.body.count else {
            self.exceededLimit = self.maximumBodyBytes
            return false
        }
        self.body.append(contentsOf: bytes)
        return true
    }

    /// Takes one header line as libcurl delivers it: a status line, a field line or the empty
    /// line, each with its CRLF.
    /// - Parameter line: the line.
    /// - Returns: whether to go on; false once the header section would exceed its bound.
    func headerLineReceived(_ line: UnsafeRawBufferPointer) -> Bool {
        self.headerBytes += line.count
        guard self.headerBytes <= self.maximumHeaderBytes else {
            self.exceededLimit = self.maximumHeaderBytes
            return false
        }
        if line.starts(with: "HTTP/".utf8) {
            // A new status line: the fields of an interim 1xx response before it are not the
            // final response's.
            self.headers = [:]
            return true
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return true }
        let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
        guard self.keptNames.contains(name) else { return true }
        var end = line.endIndex
        while end > colon + 1 && (line[end - 1] == 0x0D || line[end - 1] == 0x0A) { end -= 1 }
        let value = String(decoding: line[(colon + 1)..<end], as: UTF8.self).trimmingOptionalWhitespace()
        if let earlier = self.headers[name] {
            self.headers[name] = earlier + ", " + value
        } else {
            self.headers[name] = value
        }
        return true
    }
}
