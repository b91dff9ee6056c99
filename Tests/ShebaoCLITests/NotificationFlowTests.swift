import Foundation
import Postgres
import TestSupport
import Testing

/// The inbox and the outbox's administration over HTTP, against a real worker and PostgreSQL:
/// whose messages each reader sees and may mark, the unread filter and count, and the
/// administrator's list and retry, with what must be refused on the way.
@Suite(
    .enabled(if: TestEnvironment.shebaoExecutable != nil && TestEnvironment.hasDatabase, "needs make test"),
    .serialized
)
struct NotificationFlowTests {
    static let citizens = ["110105199003071239", "440305198511150040"]

    /// Delivers an inbox message at the office `code`, as the scheduler does (the superuser
    /// inserts it), to the operator or the person given.
    @discardableResult
    static func deliver(
        _ fixture: BusinessFixture,
        office code: String = "320102",
        operator: Int64? = nil,
        person: Int64? = nil,
        _ title: String
    ) throws -> Int64 {
        try fixture.sql(
            """
            INSERT INTO shebao.inbox_message (office_id, operator_id, person_id, title, body)
            VALUES ($1, $2, $3, $4, '您的申请已审核通过。') RETURNING id
            """,
            [fixture.offices[code], `operator`, person, title]
        ).single().decode(0, as: Int64.self)
    }

    /// Queues an outbox message at the office `code` in `status`, as the superuser.
    @discardableResult
    static func queue(
        _ fixture: BusinessFixture,
        office code: String = "320102",
        channel: String,
        address: String?,
        status: String,
        attempts: Int = 0,
        lastError: String? = nil
    ) throws -> Int64 {
        try fixture.sql(
            """
            INSERT INTO shebao.notification_outbox (office_id, channel, address, template, payload, status, attempts,
                last_error, next_attempt_at, sent_at)
            VALUES ($1, $2, $3, 'application.approved', '{}', $4, $5, $6, now() - interval '1 hour',
                CASE WHEN $4 = 'sent' THEN now() END)
            RETURNING id
            """,
            [fixture.offices[code], channel, address, status, attempts, lastError]
        ).single().decode(0, as: Int64.self)
    }

    /// Registers the insured persons of ``citizens`` at the office 320102.
    static func addPersons(_ fixture: BusinessFixture) throws -> [Int64] {
        try zip(Self.citizens, [("张三", "male", "1990-03-07"), ("李四", "female", "1985-11-15")]).map {
            citizen,
            person in
            try fixture.sql(
                """
                INSERT INTO shebao.person (office_id, citizen_id, name, gender, birth_date, phone, household_type)
                VALUES ($1, $2, $3, $4, $5::date, '13812345678', 'urban') RETURNING id
                """,
                [fixture.offices["320102"], citizen, person.0, person.1, person.2]
            ).single().decode(0, as: Int64.self)
        }
    }

    /// Logs the person of `citizen` in with the SMS code read from the outbox.
    static func loginPerson(_ fixture: BusinessFixture, _ citizen: String, id: Int64) throws -> String {
        let sent = try fixture.request("POST", "/api/v1/auth/person/code", json: ["citizenId": citizen])
        #expect(sent.status == 202, "\(sent.text)")
        let code = try #require(
            try fixture.sql(
                """
                SELECT payload->>'code' FROM shebao.notification_outbox WHERE person_id = $1 AND template = 'login_code'
                ORDER BY id DESC LIMIT 1
                """,
                [id]
            ).single().decode(0, as: String?.self)
        )
        let login = try fixture.request(
            "POST",
            "/api/v1/auth/person/login",
            json: ["citizenId": citizen, "code": code]
        )
        return try #require(login.object["token"] as? String, "\(login.text)")
    }

    static func items(_ response: TestResponse) -> [[String: Any]] {
        response.object["items"] as? [[String: Any]] ?? []
    }

    static func ids(_ response: TestResponse) -> [Int64] {
        Self.items(response).compactMap { ($0["id"] as? Int).map(Int64.init) }
    }

    @Test func eachReaderSeesAndMarksOnlyTheirOwnMessagesAndNothingIsAudited() throws {
        let fixture = try BusinessFixture()
        let clerkID = try fixture.addOperator("clerk-a", office: "320102", roles: ["clerk"])
        let colleagueID = try fixture.addOperator("clerk-b", office: "320102", roles: ["clerk"])
        try fixture.addOperator("auditor", office: "320102", roles: ["auditor"])
        let persons = try Self.addPersons(fixture)
        let own = try (1...3).map { try Self.deliver(fixture, operator: clerkID, "审核结果 \($0)") }
        let colleagues = try Self.deliver(fixture, operator: colleagueID, "同事的消息")
        let personal = try Self.deliver(fixture, person: persons[0], "业务已办结")
        let neighbours = try Self.deliver(fixture, person: persons[1], "邻居的消息")
        let clerk = try fixture.login("clerk-a")

        // Newest first, a page at a time, with the count of all unread.
        let first = try fixture.request("GET", "/api/v1/inbox?limit=2", token: clerk)
        #expect(first.status == 200, "\(first.text)")
        #expect(Self.ids(first) == [own[2], own[1]])
        #expect(first.object["unreadCount"] as? Int == 3)
        let message = try #require(Self.items(first).first)
        #expect(message["title"] as? String == "审核结果 3")
        #expect(message["body"] as? String == "您的申请已审核通过。")
        #expect(message["readAt"] is NSNull)
        #expect((message["createdAt"] as? String)?.hasSuffix("Z") == true)
        let next = try #require(first.object["next"] as? String)
        let second = try fixture.request("GET", next, token: clerk)
        #expect(Self.ids(second) == [own[0]])
        #expect(second.object["next"] is NSNull)

        // Another operator's message of the same office, or none at all: 404, and nothing changes.
        #expect(try fixture.request("POST", "/api/v1/inbox/\(colleagues)/read", token: clerk).status == 404)
        #expect(try fixture.request("POST", "/api/v1/inbox/\(personal)/read", token: clerk).status == 404)
        #expect(try fixture.request("POST", "/api/v1/inbox/\(neighbours + 1000)/read", token: clerk).status == 404)
        #expect(
            try fixture.sql("SELECT count(*) FROM shebao.inbox_message WHERE read_at IS NOT NULL").single().decode(
                0,
                as: Int64.self
            ) == 0
        )

        // Marked once; marked again, the first time stays.
        let read = try fixture.request("POST", "/api/v1/inbox/\(own[1])/read", token: clerk)
        #expect(read.status == 200, "\(read.text)")
        #expect(read.object["id"] as? Int == Int(own[1]))
        let readAt = try #require(read.object["readAt"] as? String)
        let again = try fixture.request("POST", "/api/v1/inbox/\(own[1])/read", token: clerk)
        #expect(again.status == 200)
        #expect(again.object["readAt"] as? String == readAt)
        let unread = try fixture.request("GET", "/api/v1/inbox?unread=true", token: clerk)
        #expect(Self.ids(unread) == [own[2], own[0]])
        #expect(unread.object["unreadCount"] as? Int == 2)
        let all = try fixture.request("GET", "/api/v1/inbox", token: clerk)
        #expect(Self.ids(all) == [own[2], own[1], own[0]])
        #expect(Self.items(all)[1]["readAt"] as? String == readAt)

        // Any role has an inbox; the colleague's holds their own.
        let auditor = try fixture.request("GET", "/api/v1/inbox", token: try fixture.login("auditor"))
        #expect(auditor.status == 200, "\(auditor.text)")
        #expect(Self.ids(auditor).isEmpty)
        #expect(auditor.object["unreadCount"] as? Int == 0)
        #expect(
            Self.ids(try fixture.request("GET", "/api/v1/inbox", token: try fixture.login("clerk-b"))) == [colleagues]
        )

        // An insured person: their own, marked through the database's function for them.
        let person = try Self.loginPerson(fixture, Self.citizens[0], id: persons[0])
        let inbox = try fixture.request("GET", "/api/v1/inbox", token: person)
        #expect(inbox.status == 200, "\(inbox.text)")
        #expect(Self.ids(inbox) == [personal])
        #expect(inbox.object["unreadCount"] as? Int == 1)
        #expect(try fixture.request("POST", "/api/v1/inbox/\(neighbours)/read", token: person).status == 404)
        #expect(try fixture.request("POST", "/api/v1/inbox/\(own[0])/read", token: person).status == 404)
        let personRead = try fixture.request("POST", "/api/v1/inbox/\(personal)/read", token: person)
        #expect(personRead.status == 200, "\(personRead.text)")
        #expect(personRead.object["readAt"] is String)
        #expect(try fixture.request("GET", "/api/v1/inbox", token: person).object["unreadCount"] as? Int == 0)
        #expect(
            try fixture.sql("SELECT read_at IS NULL FROM shebao.inbox_message WHERE id = $1", [neighbours]).single()
                .decode(0, as: Bool.self)
        )
        // The outbox's administration is not theirs.
        #expect(try fixture.request("GET", "/api/v1/admin/notifications", token: person).status == 403)

        // Malformed parameters are the client's 400, never a 500.
        for path in ["/api/v1/inbox?unread=maybe", "/api/v1/inbox?limit=0", "/api/v1/inbox?cursor=-1"] {
            #expect(try fixture.request("GET", path, token: clerk).status == 400, "\(path)")
        }
        #expect(try fixture.request("POST", "/api/v1/inbox/abc/read", token: clerk).status == 400)

        #expect(
            try fixture.sql("SELECT count(*) FROM shebao.audit_event WHERE action LIKE 'inbox.%'").single().decode(
                0,
                as: Int64.self
            ) == 0,
            "reading one's inbox is not audited"
        )
    }

    @Test func anAdministratorListsAndRetriesTheOutboxOfTheirOfficesAndNoOneElseMay() throws {
        let fixture = try BusinessFixture()
        let adminID = try fixture.addOperator("admin", office: "320102", roles: ["administrator"])
        try fixture.addOperator("clerk-a", office: "320102", roles: ["clerk"])
        try fixture.addOperator("reviewer-a", office: "320102", roles: ["reviewer"])
        let dead = try Self.queue(
            fixture,
            channel: "sms",
            address: "13812345678",
            status: "dead",
            attempts: 8,
            lastError: "gateway timeout"
        )
        let sent = try Self.queue(fixture, channel: "sms", address: "13987654321", status: "sent", attempts: 1)
        let failed = try Self.queue(
            fixture,
            channel: "webhook",
            address: "https://hooks.example.gov.cn/shebao",
            status: "failed",
            attempts: 1,
            lastError: "HTTP 400"
        )
        let elsewhere = try Self.queue(
            fixture,
            office: "320104",
            channel: "sms",
            address: "13700000000",
            status: "dead"
        )
        let admin = try fixture.login("admin")

        let all = try fixture.request("GET", "/api/v1/admin/notifications", token: admin)
        #expect(all.status == 200, "\(all.text)")
        #expect(Self.ids(all) == [failed, sent, dead], "the administrator's offices only, newest first")
        #expect(!all.text.contains("13812345678") && !all.text.contains("13987654321"))
        let oldest = try #require(Self.items(all).last)
        #expect(oldest["address"] as? String == "138****5678")
        #expect(oldest["status"] as? String == "dead")
        #expect(oldest["attempts"] as? Int == 8)
        #expect(oldest["lastError"] as? String == "gateway timeout")
        #expect(oldest["template"] as? String == "application.approved")
        #expect(oldest["sentAt"] is NSNull)
        #expect(oldest["nextAttemptAt"] is String)
        #expect(Self.items(all)[1]["sentAt"] is String)
        #expect(
            Self.ids(try fixture.request("GET", "/api/v1/admin/notifications?status=dead", token: admin)) == [dead]
        )
        #expect(
            Self.ids(try fixture.request("GET", "/api/v1/admin/notifications?channel=sms", token: admin))
                == [sent, dead]
        )
        #expect(
            Self.ids(
                try fixture.request("GET", "/api/v1/admin/notifications?channel=webhook&status=failed", token: admin)
            ) == [failed]
        )
        let page = try fixture.request("GET", "/api/v1/admin/notifications?limit=2", token: admin)
        #expect(Self.ids(page) == [failed, sent])
        let next = try #require(page.object["next"] as? String)
        #expect(Self.ids(try fixture.request("GET", next, token: admin)) == [dead])
        for path in ["?status=lost", "?channel=fax", "?limit=201"] {
            #expect(try fixture.request("GET", "/api/v1/admin/notifications" + path, token: admin).status == 400)
        }

        // A dead message goes back to pending, audited; its retry is answered once per key.
        let retried = try fixture.request(
            "POST",
            "/api/v1/admin/notifications/\(dead)/retry",
            token: admin,
            headers: [("Idempotency-Key", "retry-1"), ("Accept-Language", "en")]
        )
        #expect(retried.status == 200, "\(retried.text)")
        #expect(retried.object["status"] as? String == "pending")
        #expect(retried.object["statusName"] as? String == "pending")
        #expect(retried.object["attempts"] as? Int == 0)
        #expect(retried.object["lastError"] as? String == "gateway timeout")
        #expect(retried.object["address"] as? String == "138****5678")
        let row = try fixture.sql(
            "SELECT status, attempts, last_error, next_attempt_at <= now() FROM shebao.notification_outbox WHERE id = $1",
            [dead]
        ).single()
        #expect(try row.decode(0, as: String.self) == "pending")
        #expect(try row.decode(1, as: Int.self) == 0)
        #expect(try row.decode(2, as: String?.self) == "gateway timeout")
        #expect(try row.decode(3, as: Bool.self))
        let replay = try fixture.request(
            "POST",
            "/api/v1/admin/notifications/\(dead)/retry",
            token: admin,
            headers: [("Idempotency-Key", "retry-1"), ("Accept-Language", "en")]
        )
        #expect(replay.status == 200)
        #expect(replay.header("Idempotent-Replayed") == "true")
        let audit = try fixture.sql(
            """
            SELECT actor_id, before->>'status', after->>'status', after->>'attempts' FROM shebao.audit_event
            WHERE action = 'notification.retry' AND target_type = 'notification' AND target_id = $1
            """,
            ["\(dead)"]
        )
        #expect(audit.count == 1, "audited once, the replay not")
        let event = try #require(audit.first)
        #expect(try event.decode(0, as: Int64.self) == adminID)
        #expect(try event.decode(1, as: String.self) == "dead")
        #expect(try event.decode(2, as: String.self) == "pending")
        #expect(try event.decode(3, as: String.self) == "0")

        // Sent, or pending again: a conflict naming the status; another office's: not found.
        let conflict = try fixture.request(
            "POST",
            "/api/v1/admin/notifications/\(sent)/retry",
            token: admin,
            headers: [("Accept-Language", "en")]
        )
        #expect(conflict.status == 409)
        #expect(conflict.header("Content-Type") == "application/problem+json")
        #expect((conflict.object["detail"] as? String)?.contains("sent") == true, "\(conflict.text)")
        let twice = try fixture.request("POST", "/api/v1/admin/notifications/\(dead)/retry", token: admin)
        #expect(twice.status == 409)
        #expect((twice.object["detail"] as? String)?.contains("待发送") == true, "\(twice.text)")
        #expect(
            try fixture.request("POST", "/api/v1/admin/notifications/\(elsewhere)/retry", token: admin).status == 404
        )
        #expect(
            try fixture.sql("SELECT status FROM shebao.notification_outbox WHERE id = $1", [sent]).single().decode(
                0,
                as: String.self
            ) == "sent"
        )
        let webhook = try fixture.request("POST", "/api/v1/admin/notifications/\(failed)/retry", token: admin)
        #expect(webhook.status == 200, "\(webhook.text)")
        #expect(webhook.object["status"] as? String == "pending")

        // Operators of other roles may do neither.
        for username in ["clerk-a", "reviewer-a"] {
            let token = try fixture.login(username)
            #expect(try fixture.request("GET", "/api/v1/admin/notifications", token: token).status == 403)
            #expect(
                try fixture.request("POST", "/api/v1/admin/notifications/\(failed)/retry", token: token).status == 403
            )
        }
        #expect(
            try fixture.sql("SELECT count(*) FROM shebao.audit_event WHERE action = 'notification.retry'").single()
                .decode(0, as: Int64.self) == 2
        )
    }
}
