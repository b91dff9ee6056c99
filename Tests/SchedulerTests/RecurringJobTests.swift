import Foundation
import Postgres
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The recurring jobs of real `shebao scheduler` processes: one run per due time whatever the
/// number of schedulers, housekeeping that deletes only what is past its retention in every
/// office, and the audit anchor that `shebao audit verify --anchor` accepts.
@Suite(.enabled(if: TestEnvironment.hasDatabase && TestEnvironment.shebaoExecutable != nil, "needs make test"))
struct RecurringJobTests {
    /// Two schedulers started together: each job's due run is claimed by one of them only, and
    /// both have looked for due jobs several times since.
    @Test func aDueJobRunsOnceWithTwoSchedulers() throws {
        let fixture = try SchedulerFixture("schedjobs")
        defer { fixture.close() }
        let arguments = [
            "--poll-interval", "0.2", "--metrics-port", "0", "--audit-anchor-file", fixture.folder + "/anchor",
        ]
        let first = try fixture.startScheduler(arguments, waitUntilListening: false)
        let second = try fixture.startScheduler(arguments, waitUntilListening: false)
        defer {
            first.send(SIGKILL)
            second.send(SIGKILL)
        }
        let ports = [try SchedulerFixture.metricsPort(of: first), try SchedulerFixture.metricsPort(of: second)]
        // Each has finished at least three rounds (each round ends by sleeping until a poll).
        let looked = try waitUntil(timeout: .seconds(30)) {
            try ports.allSatisfy {
                SchedulerFixture.value(
                    "shebao_scheduler_wakeups_total{reason=\"poll\"}",
                    in: try SchedulerFixture.metrics(port: $0)
                ) >= 3
            }
        }
        try #require(looked, "\(first.standardError) \(second.standardError)")
        let runs = try fixture.database.withConnection { connection in
            try connection.query("SELECT kind, runs, lease_epoch FROM shebao.recurring_job ORDER BY kind").map {
                (try $0.decode(0, as: String.self), try $0.decode(1, as: Int.self), try $0.decode(2, as: Int.self))
            }
        }
        #expect(runs.map(\.0) == ["audit.anchor", "disbursement.schedule", "housekeeping"])
        #expect(runs.allSatisfy { $0.1 == 1 && $0.2 == 1 }, "\(runs)")
        let logged = [first, second].map { $0.standardError.components(separatedBy: "job ran").count - 1 }
        #expect(logged.reduce(0, +) == 3, "\(logged)")
        for kind in ["housekeeping", "audit.anchor", "disbursement.schedule"] {
            let claimed = try ports.map {
                SchedulerFixture.value(
                    "shebao_scheduler_jobs_claimed_total{kind=\"\(kind)\"}",
                    in: try SchedulerFixture.metrics(port: $0)
                )
            }
            #expect(claimed.reduce(0, +) == 1, "\(kind) claimed \(claimed)")
        }
        let health = try TestClient(port: ports[0])
        try health.send("GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(try health.readResponse()?.status == 200)
        try fixture.expectInvariants()
    }

    /// Housekeeping in both provinces: what is past its retention goes, what is not stays.
    @Test func housekeepingDeletesOnlyWhatIsPastItsRetention() throws {
        let fixture = try SchedulerFixture("schedhouse")
        defer { fixture.close() }
        try fixture.database.withConnection { connection in
            for (office, person) in [(fixture.officeA, fixture.personA), (fixture.officeB, fixture.personB)] {
                // Sessions: expired 8 days ago (gone), expired 6 days ago (kept, retention 7
                // days), revoked 8 days ago (gone), live (kept).
                for (label, expires, revoked) in [
                    ("old", "now() - interval '8 days'", "NULL"), ("recent", "now() - interval '6 days'", "NULL"),
                    ("revoked", "now() + interval '1 day'", "now() - interval '8 days'"),
                    ("live", "now() + interval '1 day'", "NULL"),
                ] {
                    try connection.query(
                        """
                        INSERT INTO shebao.session (token_hash, principal_kind, person_id, office_id, created_at, \
                        last_seen_at, expires_at, revoked_at)
                        VALUES (sha256(($1 || $2::text)::bytea), 'person', $2, $3, now() - interval '30 days', now(), \
                        \(expires), \(revoked))
                        """,
                        [label, person, office]
                    )
                }
                // Log-in codes: expired 2 days ago (gone), an hour ago (kept, retention 1 day).
                for age in ["2 days", "1 hour"] {
                    try connection.query(
                        """
                        INSERT INTO shebao.person_login_code (office_id, person_id, code_hash, created_at, expires_at)
                        VALUES ($1, $2, sha256('1'::bytea), now() - $3::interval - interval '5 minutes', now() - $3::interval)
                        """,
                        [office, person, age]
                    )
                }
                // Idempotency keys: 25 hours old (gone), 23 hours old (kept).
                for (key, age) in [("old", "25 hours"), ("recent", "23 hours")] {
                    try connection.query(
                        """
                        INSERT INTO shebao.idempotency_key (office_id, principal_kind, principal_id, key, request_hash, created_at)
                        VALUES ($1, 'person', $2, $3, sha256('r'::bytea), now() - $4::interval)
                        """,
                        [office, person, key, age]
                    )
                }
            }
            // Log-in attempts: 100 days old (gone), 10 days old (kept, retention 90 days).
            try connection.query(
                """
                INSERT INTO shebao.login_attempt (username, succeeded, attempted_at)
                VALUES ('old', false, now() - interval '100 days'), ('recent', false, now() - interval '10 days')
                """
            )
        }
        let scheduler = try fixture.startScheduler()
        defer { scheduler.send(SIGKILL) }
        let ran = try waitUntil(timeout: .seconds(30)) {
            try fixture.scalar("SELECT runs FROM shebao.recurring_job WHERE kind = 'housekeeping'", as: Int.self) >= 1
        }
        try #require(ran, "\(scheduler.standardError)")
        let kept = try fixture.database.withConnection { connection in
            try connection.query(
                """
                SELECT (SELECT count(*) FROM shebao.session WHERE expires_at > now() - interval '7 days' AND revoked_at IS NULL),
                (SELECT count(*) FROM shebao.session),
                (SELECT count(*) FROM shebao.person_login_code WHERE expires_at > now() - interval '1 day'),
                (SELECT count(*) FROM shebao.person_login_code),
                (SELECT count(*) FROM shebao.idempotency_key WHERE key = 'recent'),
                (SELECT count(*) FROM shebao.idempotency_key),
                (SELECT array_agg(username ORDER BY username)::text FROM shebao.login_attempt)
                """
            ).single()
        }
        // Two offices in two provinces, each with its "recent" and "live" sessions kept.
        #expect(try kept.decode(0, as: Int.self) == 4)
        #expect(try kept.decode(1, as: Int.self) == 4)
        #expect(try kept.decode(2, as: Int.self) == 2)
        #expect(try kept.decode(3, as: Int.self) == 2)
        #expect(try kept.decode(4, as: Int.self) == 2)
        #expect(try kept.decode(5, as: Int.self) == 2)
        #expect(try kept.decode(6, as: String.self) == "{recent}")
        #expect(
            scheduler.standardError.contains(
                "deleted 4 sessions, 2 log-in codes, 2 idempotency keys, 1 log-in attempts"
            )
        )
        try fixture.expectInvariants()
    }

    /// The anchor file holds the chain's head; `shebao audit verify --anchor` accepts it.
    @Test func theAuditAnchorFileIsWhatAuditVerifyChecksAgainst() throws {
        let fixture = try SchedulerFixture("schedanchor")
        defer { fixture.close() }
        try fixture.database.withConnection { connection in
            for index in 1...3 {
                try connection.query(
                    "INSERT INTO shebao.audit_event (office_id, actor_kind, action, target_id, outcome) VALUES ($1, 'system', 'demo.step', $2, 'success')",
                    [index == 2 ? fixture.officeB : fixture.officeA, "\(index)"]
                )
            }
        }
        let anchor = fixture.folder + "/anchor"
        let scheduler = try fixture.startScheduler(["--audit-anchor-file", anchor])
        defer { scheduler.send(SIGKILL) }
        let written = waitUntil(timeout: .seconds(30)) { FileManager.default.fileExists(atPath: anchor) }
        try #require(written, "\(scheduler.standardError)")
        let head = try String(contentsOfFile: anchor, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(head.hasPrefix("3:") && head.count == 66, "\(head)")
        let shebao = try #require(TestEnvironment.shebaoExecutable)
        let environment: [String: String?] = [
            "DATABASE_URL": nil, "MIGRATION_DATABASE_URL": try fixture.database.url(),
        ]
        let printed = try Subprocess.run(shebao, ["audit", "anchor"], environment: environment)
        #expect(printed.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == head)
        let verified = try Subprocess.run(shebao, ["audit", "verify", "--anchor", head], environment: environment)
        #expect(verified.status == 0, "\(verified.standardOutput) \(verified.standardError)")
        try fixture.expectInvariants()
    }
}
