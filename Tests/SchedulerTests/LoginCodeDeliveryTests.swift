import EmbeddedPostgres
import Foundation
import Postgres
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The whole way of an insured person's SMS log-in code: asked for from a real `shebao worker`,
/// queued in the outbox by the log-in transaction, written to the SMS log by a real
/// `shebao scheduler`, and accepted by the worker when the person logs in with it.
@Suite(.enabled(if: TestEnvironment.hasDatabase && TestEnvironment.shebaoExecutable != nil, "needs make test"))
struct LoginCodeDeliveryTests {
    @Test func aPersonLogsInWithTheCodeTheSchedulerDelivered() throws {
        let fixture = try SchedulerFixture("schedcode")
        defer { fixture.close() }
        let citizen = try fixture.scalar(
            "SELECT citizen_id FROM shebao.person WHERE id = $1",
            [fixture.personA],
            as: String.self
        )
        let port = try EmbeddedPostgres.freePort()
        let worker = try BackgroundProcess(
            try #require(TestEnvironment.shebaoExecutable),
            ["worker", "--port", "\(port)"],
            environment: ["DATABASE_URL": fixture.appURL, "SHEBAO_ACCESS_LOG": "0"]
        )
        defer { worker.send(SIGKILL) }
        try #require(
            worker.waitUntil(timeout: .seconds(30)) { worker.standardError.contains("serving") },
            "\(worker.standardError)"
        )
        let scheduler = try fixture.startScheduler()
        defer { scheduler.send(SIGKILL) }

        let asked = try Self.post(port: port, "/api/v1/auth/person/code", #"{"citizenId": "\#(citizen)"}"#)
        #expect(asked.status == 202, "\(asked.text)")
        var code: String?
        _ = waitUntil(timeout: .seconds(20)) {
            let log = (try? String(contentsOfFile: fixture.smsLog, encoding: .utf8)) ?? ""
            guard let range = log.range(of: "登录验证码为 ") else { return false }
            code = String(log[range.upperBound...].prefix { $0.isNumber })
            return code?.count == 6
        }
        let sent = try #require(code, "no code in the SMS log: \(scheduler.standardError)")
        #expect(try fixture.statusCounts() == ["sent": 1])
        let login = try Self.post(
            port: port,
            "/api/v1/auth/person/login",
            #"{"citizenId": "\#(citizen)", "code": "\#(sent)"}"#
        )
        #expect(login.status == 200, "\(login.text)")
        #expect(login.text.contains("\"token\""))
        try fixture.expectInvariants()
    }

    private static func post(port: Int, _ path: String, _ body: String) throws -> TestResponse {
        let client = try TestClient(port: port)
        let bytes = Array(body.utf8)
        try client.send(
            "POST \(path) HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(bytes.count)\r\n"
                + "Connection: close\r\n\r\n"
        )
        try client.send(bytes)
        return try #require(try client.readResponse())
    }
}
