import Foundation
import Postgres
import TestSupport
import Testing

/// S11 (SCHEDULER.md): the webhook channel of a real `shebao scheduler` against a receiver on
/// loopback over verified TLS that fails a message twice, accepts one and answers only after the
/// scheduler's timeout, and refuses a poison message with a 4xx.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct GatewayDeliveryTests {
    /// Queues `count` webhook messages for person A, and returns their ids.
    func queueWebhooks(_ fixture: SchedulerFixture, _ count: Int) throws -> [Int64] {
        try fixture.database.withConnection { connection in
            try connection.query(
                """
                INSERT INTO shebao.notification_outbox (office_id, person_id, channel, template, payload)
                SELECT $1, $2, 'webhook', 'application.approved', jsonb_build_object(
                    'applicationId', i::text, 'type', 'enrolment', 'typeName', '参保登记', 'voucherNumber', 'V' || i::text)
                FROM generate_series(1, $3::integer) AS i RETURNING id
                """,
                [fixture.officeA, fixture.personA, count]
            ).map { try $0.decode(0, as: Int64.self) }
        }
    }

    /// Each row's status and attempts, by id.
    func outcomes(_ fixture: SchedulerFixture) throws -> [Int64: (status: String, attempts: Int)] {
        try fixture.database.withConnection { connection in
            var outcomes: [Int64: (String, Int)] = [:]
            for row in try connection.query("SELECT id, status, attempts FROM shebao.notification_outbox") {
                outcomes[try row.decode(0, as: Int64.self)] = (
                    try row.decode(1, as: String.self), try row.decode(2, as: Int.self)
                )
            }
            return outcomes
        }
    }

    @Test func eachMessageReachesTheReceiverOnceWithBackOffAndThePoisonOneStops() throws {
        let fixture = try SchedulerFixture("gateway")
        defer { fixture.close() }
        let ids = try self.queueWebhooks(fixture, 6)
        let (flaky, slow, poison, busy) = ("\(ids[0])", "\(ids[1])", "\(ids[2])", "\(ids[3])")
        let receiver = try GatewayReceiver { id, attempt in
            switch id {
            case flaky: attempt <= 2 ? .status(500) : .status(204)
            case slow: attempt == 1 ? .late(.seconds(3)) : .status(204)
            case poison: .status(400)
            case busy: attempt == 1 ? .busy(seconds: 2) : .status(204)
            default: .status(204)
            }
        }
        let retryDelay = 0.4
        let scheduler = try fixture.startScheduler(
            [
                "--webhook-url", receiver.url, "--gateway-ca-bundle", receiver.certificate.certificatePath,
                "--gateway-timeout", "1", "--retry-delay", "\(retryDelay)", "--poll-interval", "0.2",
            ],
            environment: ["SHEBAO_WEBHOOK_SECRET": GatewayReceiver.secret]
        )
        defer { scheduler.send(SIGKILL) }

        let settled = try waitUntil(timeout: .seconds(60)) {
            try self.outcomes(fixture).values.allSatisfy { $0.status != "pending" }
        }
        #expect(settled, "still pending: \(scheduler.standardError)")
        let outcomes = try self.outcomes(fixture)
        #expect(outcomes[ids[0]]?.status == "sent")
        #expect(outcomes[ids[0]]?.attempts == 3)
        #expect(outcomes[ids[1]]?.status == "sent")
        #expect(outcomes[ids[1]]?.attempts == 2, "the late answer counted as a timeout, then retried")
        #expect(outcomes[ids[2]]?.status == "failed", "a 4xx is refused for good, at once")
        #expect(outcomes[ids[2]]?.attempts == 1)
        #expect(outcomes[ids[3]]?.status == "sent")
        #expect(outcomes[ids[3]]?.attempts == 2)
        for id in ids[4...] {
            #expect(outcomes[id]?.status == "sent")
            #expect(outcomes[id]?.attempts == 1)
        }
        #expect(
            try fixture.scalar(
                "SELECT count(*) FROM shebao.notification_outbox WHERE status = 'failed' AND last_error LIKE '%400%'",
                as: Int64.self
            ) == 1,
            "the refusal is kept as the last error"
        )

        // Every request was signed; the receiver processed each delivered message once, and the
        // slow one's retry was a duplicate it recognised by the message id.
        let arrivals = receiver.arrivals
        #expect(arrivals.allSatisfy { $0.signatureValid })
        #expect(Set(receiver.processed) == Set(ids.filter { $0 != ids[2] }.map { "\($0)" }))
        #expect(receiver.processed.count == 5)
        #expect(receiver.duplicates == [slow: 1])
        #expect(arrivals.count { $0.messageID == poison } == 1)

        // Back-off: the n-th retry waits at least half of retryDelay·2ⁿ⁻¹ after the attempt
        // before it (equal jitter), measured at the receiver.
        let times = arrivals.filter { $0.messageID == flaky }.map(\.at)
        try #require(times.count == 3)
        let gaps = zip(times, times.dropFirst()).map { pair in
            let duration = pair.1 - pair.0
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        #expect(gaps[0] >= retryDelay / 2, "\(gaps)")
        #expect(gaps[1] >= retryDelay, "\(gaps)")
        // A 429's Retry-After (2 s, longer than the back-off here) is waited out.
        let busyTimes = arrivals.filter { $0.messageID == busy }.map(\.at)
        try #require(busyTimes.count == 2)
        #expect(busyTimes[1] - busyTimes[0] >= .seconds(2))
        try fixture.expectInvariants()
    }

    @Test(arguments: [
        (["--sms-gateway-url", "http://127.0.0.1:9/sms"], "https://"),
        (["--webhook-url", "https://127.0.0.1:9/hook", "--gateway-timeout", "20", "--lease-duration", "30"], "lease"),
    ])
    func aGatewayThatCouldNotDeliverWithinItsLeaseOrInTheClearStopsTheStart(
        arguments: [String],
        names: String
    ) throws {
        let fixture = try SchedulerFixture("gatewaycheck")
        defer { fixture.close() }
        let scheduler = try fixture.startScheduler(
            arguments,
            environment: [
                "SHEBAO_SMS_GATEWAY_SECRET": GatewayReceiver.secret, "SHEBAO_WEBHOOK_SECRET": GatewayReceiver.secret,
            ],
            waitUntilListening: false
        )
        let status = scheduler.wait(timeout: .seconds(30))
        #expect(status != nil && status != 0, "it started: \(scheduler.standardError)")
        #expect(scheduler.standardError.contains(names), "\(scheduler.standardError)")
    }
}
