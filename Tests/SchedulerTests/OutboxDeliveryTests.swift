import Foundation
import Postgres
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Real `shebao scheduler` processes delivering the outbox against a real PostgreSQL, as the
/// application role: two at once (S7), a stalled lease holder (S8), a lost listener (S9),
/// `kill -9` mid-batch, SIGTERM, retries and dead letters, the rate limit.
@Suite(.enabled(if: TestEnvironment.hasDatabase && TestEnvironment.shebaoExecutable != nil, "needs make test"))
struct OutboxDeliveryTests {
    @Test func aMessageIsDeliveredInTheRecipientsLanguageFromItsTemplate() throws {
        let fixture = try SchedulerFixture("schedlang")
        defer { fixture.close() }
        try fixture.database.withConnection { connection in
            _ = try connection.query(
                "UPDATE shebao.person SET preferred_language = 'en' WHERE id = $1",
                [fixture.personB]
            )
        }
        let inbox = try fixture.queueInbox(1)
        let sms = try fixture.queueSMS(1)
        let scheduler = try fixture.startScheduler()
        defer { scheduler.send(SIGKILL) }
        #expect(try fixture.waitUntilAllSent(), "\(fixture.statusText)")
        let (title, body) = try fixture.database.withConnection { connection in
            let row = try connection.query(
                "SELECT title, body FROM shebao.inbox_message WHERE outbox_id = $1",
                [inbox[0]]
            )
            .single()
            return (try row.decode(0, as: String.self), try row.decode(1, as: String.self))
        }
        #expect(title == "业务已办结")
        #expect(body == "您的参保登记申请（编号 1）已审核通过，办理凭证号 V1。")
        let log = try String(contentsOfFile: fixture.smsLog, encoding: .utf8)
        #expect(
            log.contains(
                "outbox=\(sms[0]) to=13900000000 [Shebao] Your log-in code is 000001, valid for 5 minutes."
            ),
            "\(log)"
        )
        try fixture.expectInvariants()
    }

    /// S7: two schedulers started together over many messages: each is claimed once (epoch 1),
    /// tried once and delivered once.
    @Test func twoSchedulersStartedTogetherDeliverEveryMessageExactlyOnce() throws {
        let fixture = try SchedulerFixture("scheds7")
        defer { fixture.close() }
        try fixture.queueInbox(600)
        try fixture.queueSMS(300)
        let arguments = ["--batch-size", "20", "--metrics-port", "0"]
        let first = try fixture.startScheduler(arguments, waitUntilListening: false)
        let second = try fixture.startScheduler(arguments, waitUntilListening: false)
        defer {
            first.send(SIGKILL)
            second.send(SIGKILL)
        }
        #expect(try fixture.waitUntilAllSent(timeout: .seconds(120)), "\(fixture.statusText)")
        let claims = try fixture.database.withConnection { connection in
            try connection.query(
                "SELECT count(*) FILTER (WHERE lease_epoch <> 1), count(*) FILTER (WHERE attempts <> 1), count(*) FROM shebao.notification_outbox"
            ).single()
        }
        #expect(try claims.decode(0, as: Int.self) == 0, "rows claimed more than once")
        #expect(try claims.decode(1, as: Int.self) == 0, "rows tried more than once")
        #expect(try claims.decode(2, as: Int.self) == 900)
        #expect(try fixture.scalar("SELECT count(*) FROM shebao.inbox_message", as: Int.self) == 600)
        #expect(fixture.smsLogCounts().count == 300)
        #expect(!first.standardError.contains("lease lost") && !second.standardError.contains("lease lost"))
        // The processes' own counts: together they claimed and delivered each message once.
        let texts = [
            try SchedulerFixture.metrics(port: try SchedulerFixture.metricsPort(of: first)),
            try SchedulerFixture.metrics(port: try SchedulerFixture.metricsPort(of: second)),
        ]
        for (channel, count) in [("inbox", 600.0), ("sms", 300.0)] {
            for event in ["claimed", "done"] {
                let name = "shebao_scheduler_jobs_\(event)_total{kind=\"\(channel)\"}"
                #expect(texts.map { SchedulerFixture.value(name, in: $0) }.reduce(0, +) == count, "\(name)")
            }
        }
        try fixture.expectInvariants()
    }

    /// S8: a holder stopped (`kill -STOP`) past its lease is overtaken by a successor, which
    /// claims the row under a newer epoch; woken (`kill -CONT`) while the row is still pending
    /// under the successor's lease, the old holder's fenced write changes 0 rows, it says so and
    /// drops the message, and it goes on working. The successor delivers it once.
    @Test func aStalledHolderIsOvertakenAndItsLateWriteChangesNothing() throws {
        let fixture = try SchedulerFixture("scheds8")
        defer { fixture.close() }
        let stalled = try fixture.startScheduler(
            ["--lease-duration", "1"],
            environment: ["SHEBAO_FAILPOINTS": "outbox.after_claim:sleep=2000"]
        )
        defer { stalled.send(SIGKILL) }
        let id = try fixture.queueInbox(1)[0]
        let heldBy = { (pid: Int32, epoch: Int) in
            try fixture.scalar(
                """
                SELECT count(*) FROM shebao.notification_outbox
                WHERE id = $1 AND status = 'pending' AND lease_holder LIKE '%:' || $2 AND lease_epoch = $3
                """,
                [id, "\(pid)", epoch],
                as: Int.self
            ) == 1
        }
        try #require(try waitUntil(timeout: .seconds(20)) { try heldBy(stalled.pid, 1) }, "\(stalled.standardError)")
        stalled.send(SIGSTOP)
        // The successor holds its own lease long, and pauses after claiming: the row stays
        // pending under its epoch while the old holder wakes.
        let successor = try fixture.startScheduler(
            ["--lease-duration", "20"],
            environment: ["SHEBAO_FAILPOINTS": "outbox.after_claim:sleep=4000"]
        )
        defer { successor.send(SIGKILL) }
        try #require(
            try waitUntil(timeout: .seconds(20)) { try heldBy(successor.pid, 2) },
            "\(successor.standardError)"
        )
        stalled.send(SIGCONT)
        let noticed = stalled.waitUntil(timeout: .seconds(20)) { stalled.standardError.contains("lease lost") }
        #expect(noticed, "the stalled holder did not notice: \(stalled.standardError)")
        let notice = stalled.standardError.split(separator: "\n").first { $0.contains("lease lost") } ?? ""
        #expect(notice.contains("epoch=1") && notice.contains("outbox=\(id)"), "\(notice)")
        #expect(try heldBy(successor.pid, 2), "the row moved before the old holder's write")
        #expect(try fixture.scalar("SELECT count(*) FROM shebao.inbox_message", as: Int.self) == 0)
        #expect(try fixture.waitUntilAllSent(timeout: .seconds(30)), "\(successor.standardError)")
        let row = try fixture.database.withConnection { connection in
            try connection.query("SELECT lease_epoch, attempts FROM shebao.notification_outbox WHERE id = $1", [id])
                .single()
        }
        #expect(try row.decode(0, as: Int.self) == 2)
        #expect(try row.decode(1, as: Int.self) == 1)
        #expect(
            try fixture.scalar("SELECT count(*) FROM shebao.inbox_message WHERE outbox_id = $1", [id], as: Int.self)
                == 1
        )
        // The old holder is still alive and works on.
        #expect(stalled.wait(timeout: .milliseconds(1)) == nil, "the stalled holder exited")
        try fixture.queueSMS(3)
        #expect(try fixture.waitUntilAllSent(timeout: .seconds(30)))
        try fixture.expectInvariants()
    }

    /// S9: the listener's backend terminated, and the role kept from connecting again (its
    /// connection limit met), work queued meanwhile is picked up by polling within the poll
    /// interval; once the role may connect again, a new connection issues LISTEN again and
    /// notifications wake the scheduler as before.
    @Test func aTerminatedListenerIsReplacedAndWorkStillArrivesWithinThePollInterval() throws {
        let fixture = try SchedulerFixture("scheds9")
        defer { fixture.close() }
        let scheduler = try fixture.startScheduler(["--poll-interval", "2"])
        defer { scheduler.send(SIGKILL) }
        let listenerQuery = """
            SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
            AND application_name = 'shebao-scheduler-listener' AND query ILIKE 'LISTEN%'
            """
        let listener = {
            try fixture.database.withConnection { try $0.query(listenerQuery).first?.decode(0, as: Int32.self) }
        }
        var first: Int32?
        _ = try waitUntil(timeout: .seconds(10)) {
            first = try listener()
            return first != nil
        }
        let old = try #require(first, "no listening connection")
        try fixture.database.withConnection { connection in
            let open = try connection.query(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = $1",
                [fixture.role]
            ).single().decode(0, as: Int.self)
            // Role names cannot be bound: quoted by libpq.
            let role = try connection.quoteIdentifier(fixture.role)
            try connection.execute(unsafeScript: "ALTER ROLE \(role) CONNECTION LIMIT \(open - 1)")
            #expect(try connection.query("SELECT pg_terminate_backend($1)", [old]).single().decode(0, as: Bool.self))
        }
        let lost = scheduler.waitUntil(timeout: .seconds(10)) {
            scheduler.standardError.contains("listener connection lost")
        }
        try #require(lost, "\(scheduler.standardError)")
        let id = try fixture.queueInbox(1)[0]
        #expect(try fixture.waitUntilAllSent(timeout: .seconds(10)), "\(scheduler.standardError)")
        #expect(try listener() == nil, "a listener came back while the role could not connect")
        let latency = try fixture.scalar(
            "SELECT extract(epoch FROM sent_at - created_at)::float8 FROM shebao.notification_outbox WHERE id = $1",
            [id],
            as: Double.self
        )
        #expect(latency <= 2 + 1.5, "picked up after \(latency) s, the poll interval is 2 s")
        try fixture.database.withConnection { connection in
            let role = try connection.quoteIdentifier(fixture.role)
            try connection.execute(unsafeScript: "ALTER ROLE \(role) CONNECTION LIMIT -1")
        }
        var second: Int32?
        let relistened = try waitUntil(timeout: .seconds(15)) {
            second = try listener()
            return second != nil && second != old
        }
        #expect(relistened, "LISTEN was not issued again: \(scheduler.standardError)")
        #expect(scheduler.standardError.components(separatedBy: "] listening").count - 1 == 2)
        try fixture.queueSMS(1)
        #expect(try fixture.waitUntilAllSent(timeout: .seconds(10)))
        try fixture.expectInvariants()
    }

    /// `kill -9` of a scheduler in the middle of a batch, then a new one: every message is
    /// delivered, none twice.
    @Test func aSchedulerKilledMidBatchLosesNothingAndDeliversNothingTwice() throws {
        let fixture = try SchedulerFixture("schedkill")
        defer { fixture.close() }
        try fixture.queueInbox(1500)
        try fixture.queueSMS(300)
        let victim = try fixture.startScheduler(
            ["--batch-size", "50", "--lease-duration", "2"],
            waitUntilListening: false
        )
        let started = try waitUntil(timeout: .seconds(60)) {
            try fixture.scalar("SELECT count(*) FROM shebao.inbox_message", as: Int.self) >= 100
        }
        try #require(started, "no progress: \(victim.standardError)")
        victim.send(SIGKILL)
        #expect(victim.wait(timeout: .seconds(10)) == 137)
        let before = try fixture.statusCounts()
        #expect((before["pending"] ?? 0) > 0, "the scheduler finished before it was killed: \(before)")
        let successor = try fixture.startScheduler(["--lease-duration", "2"])
        defer { successor.send(SIGKILL) }
        #expect(try fixture.waitUntilAllSent(timeout: .seconds(120)), "\(fixture.statusText)")
        #expect(try fixture.scalar("SELECT count(*) FROM shebao.inbox_message", as: Int.self) == 1500)
        // An SMS written to the log when the process died, its outcome not yet recorded, is
        // written again (at least once; the line carries the outbox id to de-duplicate by).
        try fixture.expectInvariants(allowingRedeliveredSMS: true)
    }

    /// The same at the exact moment between an SMS written and its outcome recorded.
    @Test func aCrashAfterAnSMSIsWrittenDeliversItAgainUnderTheSameOutboxID() throws {
        let fixture = try SchedulerFixture("schedcrash")
        defer { fixture.close() }
        let ids = try fixture.queueSMS(3)
        let victim = try fixture.startScheduler(
            ["--lease-duration", "1"],
            environment: ["SHEBAO_FAILPOINTS": "outbox.after_deliver:exit"],
            waitUntilListening: false
        )
        #expect(victim.wait(timeout: .seconds(30)) == 137, "\(victim.standardError)")
        #expect(fixture.smsLogCounts() == [ids[0]: 1])
        let successor = try fixture.startScheduler(["--lease-duration", "1"])
        defer { successor.send(SIGKILL) }
        #expect(try fixture.waitUntilAllSent(timeout: .seconds(30)))
        #expect(fixture.smsLogCounts() == [ids[0]: 2, ids[1]: 1, ids[2]: 1])
        #expect(try fixture.scalar("SELECT max(attempts) FROM shebao.notification_outbox", as: Int.self) == 1)
        try fixture.expectInvariants(allowingRedeliveredSMS: true)
    }

    /// SIGTERM: the batch in hand is finished, then the process exits with status 0.
    @Test func sigtermFinishesTheBatchInHandAndExitsCleanly() throws {
        let fixture = try SchedulerFixture("schedterm")
        defer { fixture.close() }
        let scheduler = try fixture.startScheduler(
            ["--batch-size", "10"],
            environment: ["SHEBAO_FAILPOINTS": "outbox.after_claim:sleep=1500"]
        )
        try fixture.queueInbox(30)
        let claimed = try waitUntil(timeout: .seconds(20)) {
            try fixture.scalar(
                "SELECT count(*) FROM shebao.notification_outbox WHERE lease_holder IS NOT NULL",
                as: Int.self
            ) == 10
        }
        try #require(claimed, "\(scheduler.standardError)")
        scheduler.send(SIGTERM)
        #expect(scheduler.wait(timeout: .seconds(20)) == 0, "\(scheduler.standardError)")
        #expect(try fixture.statusCounts() == ["sent": 10, "pending": 20])
        #expect(scheduler.standardError.contains("scheduler stopped"))
        try fixture.expectInvariants()
    }

    /// A channel that keeps failing: retried with growing delays, then dead after the last
    /// attempt, with the error kept.
    @Test func aFailingChannelIsRetriedWithBackOffThenDeadLettered() throws {
        let fixture = try SchedulerFixture("schedretry")
        defer { fixture.close() }
        let id = try fixture.queueSMS(1)[0]
        let scheduler = try fixture.startScheduler([
            "--sms-log", fixture.folder + "/no-such-folder/sms.log", "--max-attempts", "3", "--retry-delay", "0.4",
            "--poll-interval", "0.1",
        ])
        defer { scheduler.send(SIGKILL) }
        let dead = try waitUntil(timeout: .seconds(30)) { try fixture.statusCounts() == ["dead": 1] }
        #expect(dead, "\(fixture.statusText) \(scheduler.standardError)")
        let row = try fixture.database.withConnection { connection in
            try connection.query("SELECT attempts, last_error FROM shebao.notification_outbox WHERE id = $1", [id])
                .single()
        }
        #expect(try row.decode(0, as: Int.self) == 3)
        #expect(try row.decode(1, as: String.self).contains("cannot open the SMS log"))
        // Two retries, each logged with its attempt: the delays were 0.2–0.4 s, then 0.4–0.8 s.
        #expect(scheduler.standardError.contains("attempt=1") && scheduler.standardError.contains("attempt=2"))
        try fixture.expectInvariants()
    }

    /// The rate limit holds messages back (unclaimed, no attempt counted) and never dead-letters
    /// them: 16 SMS at 5 a second, a burst of 1, take at least 3 s from first to last.
    @Test func theRateLimitHoldsMessagesBackWithoutDeadLettering() throws {
        let fixture = try SchedulerFixture("schedrate")
        defer { fixture.close() }
        try fixture.queueSMS(16)
        let scheduler = try fixture.startScheduler(["--rate-limit", "sms=5/1", "--poll-interval", "0.2"])
        defer { scheduler.send(SIGKILL) }
        let heldBack = try waitUntil(timeout: .seconds(10)) {
            let counts = try fixture.statusCounts()
            return (counts["sent"] ?? 0) > 0 && (counts["pending"] ?? 0) > 0
        }
        #expect(heldBack)
        #expect(
            try fixture.scalar(
                "SELECT count(*) FROM shebao.notification_outbox WHERE status = 'pending' AND attempts > 0",
                as: Int.self
            ) == 0
        )
        #expect(try fixture.waitUntilAllSent(timeout: .seconds(30)))
        let spread = try fixture.scalar(
            "SELECT extract(epoch FROM max(sent_at) - min(sent_at))::float8 FROM shebao.notification_outbox",
            as: Double.self
        )
        #expect(spread >= 2.8, "16 messages at 5/s went out within \(spread) s")
        #expect(try fixture.scalar("SELECT max(attempts) FROM shebao.notification_outbox", as: Int.self) == 1)
        try fixture.expectInvariants()
    }

    /// The scheduler refuses a superuser's connection: it runs as the application role only.
    @Test func theSchedulerRefusesToRunAsASuperuser() throws {
        let fixture = try SchedulerFixture("schedrole")
        defer { fixture.close() }
        let scheduler = try fixture.startScheduler(
            environment: ["DATABASE_URL": try fixture.database.url()],
            waitUntilListening: false
        )
        #expect(scheduler.wait(timeout: .seconds(20)) == 1)
        #expect(scheduler.standardError.contains("the scheduler runs as the application role"))
    }
}
