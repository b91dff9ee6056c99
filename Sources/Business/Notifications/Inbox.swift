public import Foundation
import Postgres
import Store

/// A message of the in-app inbox (`shebao.inbox_message`), as its reader sees it.
public struct InboxMessage: Sendable, Equatable {
    public var id: Int64
    public var title: String
    public var body: String
    public var createdAt: Date
    /// When the reader first marked it read; nil while unread.
    public var readAt: Date?
}

/// The caller's own in-app inbox: the messages the scheduler delivered to them, newest first, the
/// number unread, and marking one read. An operator's inbox holds the messages addressed to that
/// operator only, although row-level security shows every message of the office's subtree; an
/// insured person's holds theirs, as their scope already does. Reading the inbox is not audited:
/// it is the reader's own mail, not a record of the office.
public enum Inbox {
    /// A page of the caller's messages, newest first.
    ///
    /// - Parameters:
    ///   - unreadOnly: only those not read yet.
    ///   - page: where the page starts and how long it is.
    ///   - context: the caller's transaction.
    /// - Returns: the page.
    /// - Throws: ``BusinessFailure`` forbidden for a principal that is neither an operator nor a
    ///   person; ``PostgresError``.
    public static func messages(
        unreadOnly: Bool = false,
        _ page: PageRequest,
        _ context: BusinessContext
    ) throws -> Page<InboxMessage> {
        let reader = try Reader(context.principal)
        let rows = try context.connection.query(
            reader.isPerson ? Self.personPage : Self.operatorPage,
            [reader.id, unreadOnly, page.cursor, page.limit + 1]
        )
        return Page(fetched: try rows.map(Self.message), limit: page.limit, id: \.id)
    }

    /// How many of the caller's messages are unread.
    ///
    /// - Throws: ``BusinessFailure`` forbidden for a principal that is neither an operator nor a
    ///   person; ``PostgresError``.
    public static func unreadCount(_ context: BusinessContext) throws -> Int64 {
        let reader = try Reader(context.principal)
        return try context.connection.query(reader.isPerson ? Self.personUnread : Self.operatorUnread, [reader.id])
            .single().decode(0, as: Int64.self)
    }

    /// Marks the caller's message `id` read. Marking it again keeps the first time it was read.
    ///
    /// - Returns: the message, read.
    /// - Throws: ``BusinessFailure`` notFound when the caller has no such message (another
    ///   reader's is not told apart from none); forbidden for a principal that is neither an
    ///   operator nor a person; ``PostgresError``.
    public static func markRead(_ id: Int64, _ context: BusinessContext) throws -> InboxMessage {
        let reader = try Reader(context.principal)
        // A person's role may only read: their own message is marked by the database's narrow
        // function (sql/0020), which takes the person from the transaction's scope.
        let rows =
            reader.isPerson
            ? try context.connection.query(Self.personMarkRead, [id])
            : try context.connection.query(Self.operatorMarkRead, [id, reader.id])
        guard let row = rows.first else {
            throw BusinessFailure.notFound("该消息", "message")
        }
        return try Self.message(row)
    }

    /// Whose inbox it is: an operator's or a person's, by ID.
    private struct Reader {
        var isPerson: Bool
        var id: Int64

        init(_ principal: SessionPrincipal) throws {
            switch (principal.kind, principal.operatorID, principal.personID) {
            case (.operator, let id?, _): self.init(isPerson: false, id: id)
            case (.person, _, let id?): self.init(isPerson: true, id: id)
            default: throw BusinessFailure.forbidden("仅限经办人员和参保人员本人查看", "for operators and insured persons only")
            }
        }

        private init(isPerson: Bool, id: Int64) {
            self.isPerson = isPerson
            self.id = id
        }
    }

    private static func message(_ row: PostgresRow) throws -> InboxMessage {
        InboxMessage(
            id: try row.decode("id", as: Int64.self),
            title: try row.decode("title", as: String.self),
            body: try row.decode("body", as: String.self),
            createdAt: try row.decode("created_at", as: Date.self),
            readAt: try row.decode("read_at", as: Date?.self)
        )
    }

    // MARK: Statements

    /// A page of the messages whose `column` is `$1`: unread only when `$2`, after `$3`, `$4` of them.
    private static func page(_ column: String) -> PreparedStatement {
        PreparedStatement(
            """
            SELECT id, title, body, created_at, read_at FROM shebao.inbox_message \
            WHERE \(column) = $1 AND ($2::boolean IS NOT TRUE OR read_at IS NULL) \
            AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4
            """
        )
    }

    private static func unread(_ column: String) -> PreparedStatement {
        PreparedStatement("SELECT count(*) FROM shebao.inbox_message WHERE \(column) = $1 AND read_at IS NULL")
    }

    static let operatorPage = Self.page("operator_id")
    static let personPage = Self.page("person_id")
    static let operatorUnread = Self.unread("operator_id")
    static let personUnread = Self.unread("person_id")
    static let operatorMarkRead = PreparedStatement(
        """
        UPDATE shebao.inbox_message SET read_at = coalesce(read_at, now()) WHERE id = $1 AND operator_id = $2 \
        RETURNING id, title, body, created_at, read_at
        """
    )
    static let personMarkRead = PreparedStatement(
        "SELECT id, title, body, created_at, read_at FROM shebao.person_read_message($1)"
    )
}
