import Foundation
import Security
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `shebao disburse` against a running worker (and a scheduler), as an officer and an approver
/// use it: log in, create, list, watch, approve, export, download, and the server's refusals
/// printed with a non-zero exit.
@Suite(
    .enabled(if: TestEnvironment.shebaoExecutable != nil && TestEnvironment.hasDatabase, "needs make test"),
    .serialized
)
struct DisburseCommandTests {
    /// Runs `shebao disburse ARGUMENTS` against the fixture's worker with `token`.
    static func disburse(
        _ fixture: BusinessFixture,
        _ arguments: [String],
        token: String?
    ) throws -> Subprocess.Result {
        try Subprocess.run(
            try #require(TestEnvironment.shebaoExecutable),
            ["disburse"] + arguments,
            environment: [
                "SHEBAO_URL": "http://127.0.0.1:\(fixture.port)", "SHEBAO_TOKEN": token, "SHEBAO_LANGUAGE": nil,
            ],
            timeout: .seconds(90)
        )
    }

    @Test func anOfficerAndAnApproverTakeARunFromCreationToItsBankFiles() throws {
        let fixture = try BusinessFixture()
        try fixture.addOperator("officer", office: "320102", roles: ["disbursement_officer"])
        try fixture.addOperator("approver", office: "320102", roles: ["disbursement_approver"])
        try fixture.addPensioners(2)
        let officer = try fixture.login("officer")

        let created = try Self.disburse(fixture, ["create", "--kind", "basic_pension"], token: officer)
        #expect(created.status == 0, "\(created.standardError)")
        #expect(created.standardOutput.contains("基本养老金") && created.standardOutput.contains("computing"))
        let listed = try Self.disburse(fixture, ["list", "--json"], token: officer)
        #expect(listed.status == 0, "\(listed.standardError)")
        let list = try #require(
            try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [String: Any]
        )
        let items = list["items"] as? [[String: Any]] ?? []
        #expect(items.count == 1)
        #expect(items.first?["origin"] as? String == "command")
        let id = try #require(items.first?["id"] as? Int)

        // The period is taken: the server's message, and exit 1.
        let again = try Self.disburse(fixture, ["create", "--kind", "basic_pension"], token: officer)
        #expect(again.status == 1)
        #expect(again.standardError.contains("409") && again.standardError.contains("发放批次 \(id)"))
        let unauthenticated = try Self.disburse(fixture, ["list"], token: nil)
        #expect(unauthenticated.status == 1 && unauthenticated.standardError.contains("401"))

        let scheduler = try fixture.startScheduler()
        defer { scheduler.send(SIGKILL) }
        let watched = try Self.disburse(fixture, ["show", "\(id)", "--watch", "--interval", "0.2"], token: officer)
        #expect(watched.status == 0, "\(watched.standardError)")
        #expect(watched.standardOutput.hasSuffix("status: 待审批 (computed)\n"), "\(watched.standardOutput)")
        let lines = try Self.disburse(fixture, ["lines", "\(id)", "--language", "en"], token: officer)
        #expect(lines.standardOutput.contains("622202*********"), "\(lines.standardOutput)")
        #expect(lines.standardOutput.contains("awaiting the bank's answer"))
        // The scheduler's export is not in this build yet: the export is marked done below.
        scheduler.send(SIGTERM)
        _ = scheduler.wait(timeout: .seconds(30))

        // The approver logs in with the CLI: the password on standard input, the code of now.
        let executable = try #require(TestEnvironment.shebaoExecutable)
        let code = BusinessFixture.totp("approver").code(at: Int64(Date().timeIntervalSince1970))
        let login = try Subprocess.run(
            "/bin/sh",
            [
                "-c",
                "printf '%s\\n' \"$0\" | \"$1\" disburse login --username approver --password-stdin --code \"$2\"",
                BusinessFixture.password, executable, code,
            ],
            environment: ["SHEBAO_URL": "http://127.0.0.1:\(fixture.port)"]
        )
        #expect(login.status == 0, "\(login.standardError)")
        let approver = login.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(approver.count == 52, "\(login.standardOutput)")
        let diff = try Self.disburse(fixture, ["diff", "\(id)"], token: approver)
        #expect(diff.standardOutput.contains("added: 2 lines, 6001.00"), "\(diff.standardOutput)")
        let wrong = try Self.disburse(fixture, ["approve", "\(id)", "--code", "000000"], token: approver)
        #expect(wrong.status == 1 && wrong.standardError.contains("403"))
        let approved = try Self.disburse(
            fixture,
            ["approve", "\(id)", "--code", BusinessFixture.nextCode("approver"), "--version", "2"],
            token: approver
        )
        #expect(approved.status == 0, "\(approved.standardError)")
        #expect(approved.standardOutput.contains("(approved)"))

        let exported = try Self.disburse(fixture, ["export", "\(id)"], token: officer)
        #expect(exported.status == 0, "\(exported.standardError)")
        #expect(exported.standardOutput.contains("export   pending"), "\(exported.standardOutput)")
        try fixture.markExported(id)
        let files = try Self.disburse(fixture, ["files", "\(id)", "--json"], token: officer)
        let file = try #require(
            (try JSONSerialization.jsonObject(with: Data(files.standardOutput.utf8)) as? [String: Any])?["items"]
                as? [[String: Any]]
        ).first
        let fileID = try #require(file?["id"] as? Int)
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bank-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }  // best effort
        let downloaded = try Self.disburse(
            fixture,
            ["download", "\(id)", "--file", "\(fileID)", "--output", output],
            token: officer
        )
        #expect(downloaded.status == 0, "\(downloaded.standardError)")
        let bytes = try #require(FileManager.default.contents(atPath: output))
        #expect(Hex.encode(SHA256.hash(Array(bytes))) == file?["sha256"] as? String)

        // The bank's answer: not a return file, refused whole with the server's reason.
        let imported = try Self.disburse(fixture, ["import", "\(id)", "--file", output], token: officer)
        #expect(imported.status == 1)
        #expect(imported.standardError.contains("422"), "\(imported.standardError)")
    }
}
