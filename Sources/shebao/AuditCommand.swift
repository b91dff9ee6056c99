import ArgumentParser
import Postgres
import Security
import Store

/// `shebao audit …`: the audit log's hash chain.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The audit log's hash chain: verify it, or print its head to keep elsewhere.",
        subcommands: [AuditVerifyCommand.self, AuditAnchorCommand.self]
    )
}

/// `shebao audit verify`: recomputes every hash and names the first broken link.
struct AuditVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the chain; exit 1 naming the first broken link.",
        discussion: "Connects as the schema owner or a superuser (MIGRATION_DATABASE_URL, then DATABASE_URL)."
    )

    @Option(help: "Database URL (default: MIGRATION_DATABASE_URL, then DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "The head printed by `shebao audit anchor` earlier: the chain must still contain it.")
    var anchor: String?

    func run() throws {
        let verdict: AuditChain.Verdict
        do {
            let connection = try ownerConnection(self.databaseURL)
            defer { connection.close() }
            verdict = try AuditChain.verify(on: connection)
        } catch {
            printError("shebao audit verify: \(describe(error))")
            throw ExitCode.failure
        }
        switch verdict {
        case .broken(let position, let reason):
            print("audit chain broken at event \(position): \(reason)")
            throw ExitCode.failure
        case .intact(let events, let head):
            if let anchor = self.anchor {
                guard let kept = Anchor(anchor), let head, kept.position <= head.position else {
                    print("audit chain does not reach the anchor \(anchor)")
                    throw ExitCode.failure
                }
                let connection = try ownerConnection(self.databaseURL)
                defer { connection.close() }
                let stored = try connection.query(
                    "SELECT hash FROM shebao.audit_event WHERE chain_position = $1",
                    [kept.position]
                ).first.map { try $0.decode(0, as: PostgresBytes.self).bytes }
                guard stored == kept.hash else {
                    print("audit chain rewritten: event \(kept.position) no longer has the anchored hash")
                    throw ExitCode.failure
                }
            }
            print(
                "audit chain intact: \(events) events"
                    + (head.map { ", head \(Anchor.text($0))" } ?? "")
            )
        }
    }
}

/// `shebao audit anchor`: the head, `<position>:<hash in hex>`.
struct AuditAnchorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anchor",
        abstract: "Print the chain's head (position and hash) for keeping outside the database."
    )

    @Option(help: "Database URL (default: MIGRATION_DATABASE_URL, then DATABASE_URL).")
    var databaseURL: String?

    func run() throws {
        do {
            let connection = try ownerConnection(self.databaseURL)
            defer { connection.close() }
            guard let head = try AuditChain.head(on: connection) else {
                print("0:")
                return
            }
            print(Anchor.text(head))
        } catch {
            printError("shebao audit anchor: \(describe(error))")
            throw ExitCode.failure
        }
    }
}

/// `<position>:<hash in hex>`, as `anchor` prints it and `verify --anchor` reads it.
struct Anchor {
    var position: Int64
    var hash: [UInt8]

    init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let position = Int64(parts[0]), position > 0, parts[1].utf8.count == 64 else {
            return nil
        }
        var bytes: [UInt8] = []
        var index = parts[1].startIndex
        while index < parts[1].endIndex {
            let next = parts[1].index(index, offsetBy: 2)
            guard let byte = UInt8(parts[1][index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.position = position
        self.hash = bytes
    }

    static func text(_ head: AuditChain.Head) -> String {
        "\(head.position):\(Hex.encode(head.hash))"
    }
}
