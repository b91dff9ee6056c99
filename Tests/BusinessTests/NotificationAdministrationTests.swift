import Business
import Domain
import Foundation
import Postgres
import Store
import TestSupport
import Testing

/// The administrators' outbox, in-process under row-level security: the list's filters and
/// masking, and the retry of a failed or dead message.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct NotificationAdministrationTests {
    /// Queues a message at the office `code` in `status`, as the superuser.
    @discardableResult
    static func queue(
        _ scope: BusinessScope,
        office code: String,
        channel: String,
        address: String? = nil,
        operatorID: Int64? = nil,
        status: String,
        attempts: Int = 0,
        lastError: String? = nil
    ) throws -> Int64 {
        try scope.sql(
            """
            INSERT INTO shebao.notification_outbox (office_id, operator_id, channel, address, template, payload,
                status, attempts, last_error, next_attempt_at, sent_at)
            VALUES ($1, $2, $3, $4, 'application.approved', '{}', $5, $6, $7, now() - interval '1 day',
                CASE WHEN $5 = 'sent' THEN now() END)
            RETURNING id
            """,
            [scope.offices[code], operatorID, channel, address, status, attempts, lastError]
        ).single().decode(0, as: Int64.self)
    }

    @Test func theListFiltersByStatusAndChannelWithinTheOfficesAndMasksNumbers() throws {
        let scope = try BusinessScope()
        let admin = try scope.addOperator("admin", office: "320102", role: "administrator")
        let dead = try Self.queue(
            scope,
            office: "320102",
            channel: "sms",
            address: "13812345678",
            status: "dead",
            attempts: 8,
            lastError: "gateway timeout"
        )
        let inbox = try Self.queue(
            scope,
            office: "320102",
            channel: "inbox",
            operatorID: scope.clerk.operatorID,
            status: "sent"
        )
        let webhook = try Self.queue(
            scope,
            office: "320102",
            channel: "webhook",
            address: "https://hooks.example.gov.cn/shebao",
            status: "failed",
            attempts: 1,
            lastError: "HTTP 400"
        )
        let pending = try Self.queue(scope, office: "320102", channel: "sms", address: "13987654321", status: "pending")
        try Self.queue(scope, office: "320104", channel: "sms", address: "13700000000", status: "dead")

        let all = try scope.run(as: admin) {
            try NotificationAdministration.list(OutboxFilter(), PageRequest(limit: 10), $0)
        }
        #expect(all.items.map(\.id) == [pending, webhook, inbox, dead], "the office's own, newest first")
        let first = try #require(all.items.last)
        #expect(first.address == "138****5678")
        #expect(first.status == .dead)
        #expect(first.attempts == 8)
        #expect(first.lastError == "gateway timeout")
        #expect(first.template == "application.approved")
        #expect(first.sentAt == nil)
        #expect(all.items[1].address == "https://hooks.example.gov.cn/shebao", "a webhook's address is no one's number")
        #expect(all.items[2].address == nil)
        #expect(all.items[2].operatorID == scope.clerk.operatorID)
        #expect(all.items[2].sentAt != nil)

        func ids(_ filter: OutboxFilter) throws -> [Int64] {
            try scope.run(as: admin) { try NotificationAdministration.list(filter, PageRequest(limit: 10), $0) }.items
                .map(\.id)
        }
        #expect(try ids(OutboxFilter(status: .dead)) == [dead])
        #expect(try ids(OutboxFilter(channel: .sms)) == [pending, dead])
        #expect(try ids(OutboxFilter(status: .pending, channel: .sms)) == [pending])
        #expect(try ids(OutboxFilter(status: .failed, channel: .sms)).isEmpty)

        let page = try scope.run(as: admin) {
            try NotificationAdministration.list(OutboxFilter(), PageRequest(limit: 3), $0)
        }
        #expect(page.items.map(\.id) == [pending, webhook, inbox])
        let rest = try scope.run(as: admin) { context in
            try NotificationAdministration.list(OutboxFilter(), PageRequest(limit: 3, cursor: page.nextCursor), context)
        }
        #expect(rest.items.map(\.id) == [dead])
        #expect(rest.nextCursor == nil)
    }

    @Test func aRetrySendsADeadOrFailedMessageAgainAndIsAudited() throws {
        let scope = try BusinessScope()
        let admin = try scope.addOperator("admin", office: "320100", role: "administrator")
        let dead = try Self.queue(
            scope,
            office: "320102",
            channel: "sms",
            address: "13812345678",
            status: "dead",
            attempts: 8,
            lastError: "gateway timeout"
        )
        let retried = try scope.run(as: admin) { try NotificationAdministration.retry(dead, $0) }
        #expect(retried.status == .pending)
        #expect(retried.attempts == 0)
        #expect(retried.lastError == "gateway timeout", "the last error is kept for the record")
        #expect(abs(retried.nextAttemptAt.timeIntervalSinceNow) < 60, "due now")
        #expect(retried.address == "138****5678")
        let row = try scope.sql(
            "SELECT status, attempts, next_attempt_at <= now() FROM shebao.notification_outbox WHERE id = $1",
            [dead]
        ).single()
        #expect(try row.decode(0, as: String.self) == "pending")
        #expect(try row.decode(1, as: Int.self) == 0)
        #expect(try row.decode(2, as: Bool.self))
        let audit = try scope.sql(
            """
            SELECT office_id, actor_id, before->>'status', after->>'status', target_type FROM shebao.audit_event
            WHERE action = 'notification.retry' AND target_id = $1
            """,
            ["\(dead)"]
        )
        #expect(audit.count == 1)
        let event = try #require(audit.first)
        #expect(try event.decode(0, as: Int64.self) == scope.offices["320102"], "under the message's office")
        #expect(try event.decode(1, as: Int64.self) == admin.operatorID)
        #expect(try event.decode(2, as: String.self) == "dead")
        #expect(try event.decode(3, as: String.self) == "pending")
        #expect(try event.decode(4, as: String.self) == "notification")

        let failed = try Self.queue(
            scope,
            office: "320104",
            channel: "webhook",
            address: "https://x.example",
            status: "failed"
        )
        #expect(try scope.run(as: admin) { try NotificationAdministration.retry(failed, $0) }.status == .pending)
    }

    @Test func aRetryOfAPendingOrSentMessageIsAConflictAndOneOutsideTheOfficesIsNotFound() throws {
        let scope = try BusinessScope()
        let admin = try scope.addOperator("admin", office: "320102", role: "administrator")
        for status in ["sent", "pending"] {
            let id = try Self.queue(scope, office: "320102", channel: "sms", address: "13812345678", status: status)
            do {
                _ = try scope.run(as: admin) { try NotificationAdministration.retry(id, $0) }
                Issue.record("a \(status) message was retried")
            } catch let failure as BusinessFailure {
                #expect(failure.kind == .conflict)
                #expect(failure.en.contains(status), "\(failure.en)")
            }
            #expect(
                try scope.sql("SELECT status FROM shebao.notification_outbox WHERE id = $1", [id]).single().decode(
                    0,
                    as: String.self
                ) == status
            )
        }
        let elsewhere = try Self.queue(scope, office: "320104", channel: "sms", address: "13812345678", status: "dead")
        for id in [elsewhere, elsewhere + 100] {
            do {
                _ = try scope.run(as: admin) { try NotificationAdministration.retry(id, $0) }
                Issue.record("message \(id) was retried")
            } catch let failure as BusinessFailure {
                #expect(failure.kind == .notFound)
            }
        }
        #expect(
            try scope.sql("SELECT count(*) FROM shebao.audit_event WHERE action = 'notification.retry'").single()
                .decode(0, as: Int64.self) == 0
        )
    }
}
