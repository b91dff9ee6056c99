internal import Foundation
public import Postgres

#if canImport(Glibc)
    import Glibc
#endif

/// Writes the audit chain's head to a file, `<position>:<hash hex>` as `shebao audit anchor`
/// prints it, so that `shebao audit verify --anchor "$(cat FILE)"` notices a chain rewritten
/// since. The file is replaced whole (written beside it, then renamed); an empty chain writes
/// nothing.
public struct AuditAnchorJob: RecurringJob {
    public let kind = "audit.anchor"
    public let interval: Duration
    /// The file written.
    public let path: String

    public init(path: String, interval: Duration = .seconds(300)) {
        self.path = path
        self.interval = interval
    }

    public func run(on connection: PostgresConnection) throws -> String {
        guard let row = try connection.query(Self.head).first else { return "the audit log is empty" }
        let position = try row.decode(0, as: Int64.self)
        let hash = try row.decode(1, as: PostgresBytes.self).bytes
        let text = "\(position):\(hash.map { String($0, radix: 16).leftPadded(to: 2) }.joined())"
        let temporary = self.path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, self.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)  // best effort
            throw AnchorFileError(description: "cannot replace \(self.path): \(reason)")
        }
        return "anchor \(text)"
    }

    static let head = PreparedStatement("SELECT chain_position, hash FROM shebao.audit_head()")
}

/// The anchor file could not be written.
struct AnchorFileError: Error, CustomStringConvertible {
    var description: String
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}
