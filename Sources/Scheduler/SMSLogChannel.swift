internal import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The development SMS gateway: appends each SMS as one line to a file (`SHEBAO_SMS_LOG`),
/// `<time> outbox=<id> to=<number> <text>`, the text with any line break made a space. A
/// log-in code can be read there instead of on a phone.
public struct SMSLogChannel: DeliveryChannel {
    public let name = "sms"
    /// The file the lines are appended to; created if missing.
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public func deliver(_ message: OutboundMessage) -> DeliveryOutcome {
        guard let number = message.address, !number.isEmpty else {
            return .permanentFailure(error: "an SMS needs a number")
        }
        let text = message.body.map { $0.isNewline ? " " : $0 }
        let time = Date().formatted(.iso8601)
        let line = "\(time) outbox=\(message.id) to=\(number) \(String(text))\n"
        let descriptor = open(self.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            return .retryLater(error: "cannot open the SMS log: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        // One write per line: with O_APPEND, lines of processes writing at once do not mix.
        let bytes = Array(line.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            return .retryLater(error: "cannot write the SMS log: \(String(cString: strerror(errno)))")
        }
        return .delivered
    }
}
