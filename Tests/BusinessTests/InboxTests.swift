import Business
import Foundation
import Postgres
import TestSupport
import Testing

/// The caller's own inbox, in-process under row-level security: whose messages a page holds,
/// the unread filter and count, and marking read.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct InboxTests {
    /// Delivers a message to `principal`, as the scheduler does: the superuser inserts it.
    @discardableResult
    static func deliver(_ scope: BusinessScope, to principal: SessionPrincipal, _ title: String) throws -> Int64 {
        try scope.sql(
            """
            INSERT INTO shebao.inbox_message (office_id, person_id, operator_id, title, body)
            VALUES ($1, $2, $3, $4, '正文') RETURNING id
            """,
            [principal.officeID, principal.personID, principal.operatorID, title]
        ).single().decode(0, as: Int64.self)
    }

    static func expectNotFound(_ body: () throws -> Void) {
        do {
            try body()
            Issue.record("no refusal")
        } catch let failure as BusinessFailure {
            #expect(failure.kind == .notFound)
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func anOperatorReadsOnlyTheirOwnMessagesNewestFirstAPageAtATime() throws {
        let scope = try BusinessScope()
        let colleague = try scope.addOperator("colleague", office: "320102", role: "clerk")
        let person = try scope.addPerson(31, office: "320102")
        let own = try (1...3).map { try Self.deliver(scope, to: scope.clerk, "消息 \($0)") }
        let colleagues = try Self.deliver(scope, to: colleague, "同事的消息")
        try Self.deliver(scope, to: scope.otherReviewer, "其他区的消息")
        try Self.deliver(scope, to: person, "参保人员的消息")

        let first = try scope.run(as: scope.clerk) { try Inbox.messages(PageRequest(limit: 2), $0) }
        #expect(first.items.map(\.id) == [own[2], own[1]])
        #expect(first.items.first?.title == "消息 3")
        #expect(first.items.first?.readAt == nil)
        let cursor = try #require(first.nextCursor)
        let second = try scope.run(as: scope.clerk) { try Inbox.messages(PageRequest(limit: 2, cursor: cursor), $0) }
        #expect(second.items.map(\.id) == [own[0]])
        #expect(second.nextCursor == nil)
        #expect(try scope.run(as: scope.clerk) { try Inbox.unreadCount($0) } == 3)

        // Row-level security shows the office's messages; the inbox is the operator's own.
        #expect(
            try scope.run(as: scope.clerk) { context in
                try context.connection.query("SELECT count(*) FROM shebao.inbox_message").single().decode(
                    0,
                    as: Int64.self
                )
            } == 5
        )
        Self.expectNotFound { _ = try scope.run(as: scope.clerk) { try Inbox.markRead(colleagues, $0) } }
        Self.expectNotFound { _ = try scope.run(as: scope.clerk) { try Inbox.markRead(own[2] + 100, $0) } }
        #expect(
            try scope.sql("SELECT read_at IS NULL FROM shebao.inbox_message WHERE id = $1", [colleagues]).single()
                .decode(0, as: Bool.self)
        )
        let theirs = try scope.run(as: colleague) { try Inbox.messages(PageRequest(limit: 10), $0) }
        #expect(theirs.items.map(\.id) == [colleagues])
    }

    @Test func theUnreadFilterAndCountFollowMarkingAndASecondMarkKeepsTheFirstTime() throws {
        let scope = try BusinessScope()
        let ids = try (1...3).map { try Self.deliver(scope, to: scope.reviewer, "待办 \($0)") }
        let read = try scope.run(as: scope.reviewer) { try Inbox.markRead(ids[1], $0) }
        #expect(read.id == ids[1])
        #expect(read.title == "待办 2")
        let readAt = try #require(read.readAt)
        #expect(try scope.run(as: scope.reviewer) { try Inbox.unreadCount($0) } == 2)
        let unread = try scope.run(as: scope.reviewer) { context in
            try Inbox.messages(unreadOnly: true, PageRequest(limit: 10), context)
        }
        #expect(unread.items.map(\.id) == [ids[2], ids[0]])
        let all = try scope.run(as: scope.reviewer) { try Inbox.messages(PageRequest(limit: 10), $0) }
        #expect(all.items.map(\.id) == [ids[2], ids[1], ids[0]])
        #expect(all.items[1].readAt == readAt)

        let again = try scope.run(as: scope.reviewer) { try Inbox.markRead(ids[1], $0) }
        #expect(again.readAt == readAt, "marking twice keeps the first time")
        #expect(try scope.run(as: scope.reviewer) { try Inbox.unreadCount($0) } == 2)
    }

    @Test func anInsuredPersonReadsAndMarksOnlyTheirOwn() throws {
        let scope = try BusinessScope()
        let person = try scope.addPerson(41, office: "320102")
        let neighbour = try scope.addPerson(42, office: "320102")
        let own = try Self.deliver(scope, to: person, "您的业务已办结")
        let neighbours = try Self.deliver(scope, to: neighbour, "邻居的消息")
        try Self.deliver(scope, to: scope.clerk, "经办员的消息")

        let page = try scope.run(as: person) { try Inbox.messages(PageRequest(limit: 10), $0) }
        #expect(page.items.map(\.id) == [own])
        #expect(try scope.run(as: person) { try Inbox.unreadCount($0) } == 1)
        let read = try scope.run(as: person) { try Inbox.markRead(own, $0) }
        #expect(read.readAt != nil)
        let again = try scope.run(as: person) { try Inbox.markRead(own, $0) }
        #expect(again.readAt == read.readAt)
        #expect(try scope.run(as: person) { try Inbox.unreadCount($0) } == 0)
        #expect(
            try scope.run(as: person) { context in
                try Inbox.messages(unreadOnly: true, PageRequest(limit: 10), context)
            }.items.isEmpty
        )

        Self.expectNotFound { _ = try scope.run(as: person) { try Inbox.markRead(neighbours, $0) } }
        #expect(
            try scope.sql("SELECT read_at IS NULL FROM shebao.inbox_message WHERE id = $1", [neighbours]).single()
                .decode(0, as: Bool.self)
        )
        #expect(
            try scope.run(as: neighbour) { try Inbox.messages(PageRequest(limit: 10), $0) }.items.map(\.id)
                == [neighbours]
        )
        // An operator of the office has neither person's messages in their inbox.
        #expect(
            try scope.run(as: scope.clerk) { try Inbox.messages(PageRequest(limit: 10), $0) }.items.map(\.title)
                == ["经办员的消息"]
        )
        Self.expectNotFound { _ = try scope.run(as: scope.clerk) { try Inbox.markRead(own, $0) } }
    }
}
