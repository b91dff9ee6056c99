import Domain
import EmbeddedPostgres
import Foundation
import Postgres
import TestSupport
import Testing

/// An insured person logs in with the code that the SMS gateway received: a real worker queues
/// the code, a real scheduler delivers it to a gateway on loopback, and the code from the
/// gateway's message opens a session.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct GatewayLoginTests {
    /// One JSON request to the worker on `port`.
    func post(_ port: Int, _ path: String, _ body: [String: String], token: String? = nil) throws -> TestResponse {
        let client = try TestClient(port: port)
        let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        var head = "POST \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        try client.send(head + "Content-Length: \(json.utf8.count)\r\nConnection: close\r\n\r\n" + json)
        return try #require(try client.readResponse())
    }

    @Test func aPersonLogsInWithTheCodeTheGatewayReceived() throws {
        let fixture = try SchedulerFixture("smslogin")
        defer { fixture.close() }
        let receiver = try GatewayReceiver { _, _ in .status(200) }
        let scheduler = try fixture.startScheduler(
            [
                "--sms-gateway-url", receiver.url, "--gateway-ca-bundle", receiver.certificate.certificatePath,
                "--gateway-timeout", "2",
            ],
            environment: ["SHEBAO_SMS_GATEWAY_SECRET": GatewayReceiver.secret]
        )
        defer { scheduler.send(SIGKILL) }
        let port = try EmbeddedPostgres.freePort()
        let worker = try BackgroundProcess(
            try #require(TestEnvironment.shebaoExecutable),
            ["worker", "--port", "\(port)"],
            environment: [
                "DATABASE_URL": fixture.appURL, "SHEBAO_ACCESS_LOG": "0", "SHEBAO_DB_PIPELINE_CONNECTIONS": "0",
            ]
        )
        defer { worker.send(SIGKILL) }
        try #require(
            worker.waitUntil(timeout: .seconds(30)) { worker.standardError.contains("serving") },
            "the worker did not start: \(worker.standardError)"
        )
        let citizen = try fixture.scalar(
            "SELECT citizen_id FROM shebao.person WHERE id = $1",
            [fixture.personA],
            as: String.self
        )
        let asked = try self.post(port, "/api/v1/auth/person/code", ["citizenId": citizen])
        #expect(asked.status == 202, "\(asked.text)")

        // The gateway gets the SMS: the person's number and a text with the six-digit code.
        var message: [String: Any] = [:]
        let arrived = waitUntil(timeout: .seconds(30)) {
            guard let body = receiver.arrivals.first?.body,
                let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            else { return false }
            message = object
            return true
        }
        try #require(arrived, "no SMS reached the gateway: \(scheduler.standardError)")
        #expect(message["to"] as? String == "13800138000")
        #expect(message["template"] as? String == "login_code")
        let text = try #require(message["text"] as? String)
        let code = try #require(
            text.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }.map(String.init),
            "no code in \(text)"
        )

        let wrong = try self.post(port, "/api/v1/auth/person/login", ["citizenId": citizen, "code": "000000"])
        #expect(wrong.status == 401)
        let login = try self.post(port, "/api/v1/auth/person/login", ["citizenId": citizen, "code": code])
        #expect(login.status == 200, "\(login.text)")
        let object = try JSONSerialization.jsonObject(with: Data(login.body)) as? [String: Any]
        #expect((object?["token"] as? String)?.count == 52)
        // The code counts once.
        let again = try self.post(port, "/api/v1/auth/person/login", ["citizenId": citizen, "code": code])
        #expect(again.status == 401)
        // One SMS sent, and the gateway processed it once.
        let sent = try fixture.scalar(
            "SELECT string_agg(id::text, ',') FROM shebao.notification_outbox WHERE channel = 'sms' AND status = 'sent'",
            as: String?.self
        )
        #expect(sent.map { [$0] } == receiver.processed)
    }
}
