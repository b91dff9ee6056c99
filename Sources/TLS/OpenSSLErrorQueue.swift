internal import COpenSSL

/// OpenSSL's thread-local error queue (ERR_get_error(3)), read into Swift values.
enum OpenSSLErrorQueue {
    /// One queued error.
    struct Entry {
        /// The packed error code, for ERR_GET_LIB / ERR_GET_REASON.
        var code: UInt
        /// ERR_error_string_n's text, plus the extra data OpenSSL attached (e.g. which file it
        /// failed to open).
        var text: String
    }

    /// Empties the calling thread's queue, oldest error first.
    static func drain() -> [Entry] {
        var entries: [Entry] = []
        while true {
            var data: UnsafePointer<CChar>?
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            guard code != 0 else {
                return entries
            }
            var text = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer in
                ERR_error_string_n(code, buffer.baseAddress, buffer.count)
                return String(cString: buffer.baseAddress!)
            }
            if let data, flags & ERR_TXT_STRING != 0, data.pointee != 0 {
                text += " (\(String(cString: data)))"
            }
            entries.append(Entry(code: code, text: text))
        }
    }

    /// `summary`, then every queued error; empties the queue.
    static func message(_ summary: String) -> String {
        Self.message(summary, entries: Self.drain())
    }

    /// `summary`, then the text of `entries`.
    static func message(_ summary: String, entries: [Entry]) -> String {
        guard !entries.isEmpty else {
            return summary
        }
        return summary + ": " + entries.map(\.text).joined(separator: "; ")
    }
}
