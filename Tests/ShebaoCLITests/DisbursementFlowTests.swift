import Foundation
import Postgres
import Security
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Disbursement runs over HTTP, against a real worker, a real scheduler and PostgreSQL: who may
/// create, read, approve, cancel and export them, what each step refuses on the way, the
/// reports an approver reads, the bank files and the upload of the bank's answer.
@Suite(
    .enabled(if: TestEnvironment.shebaoExecutable != nil && TestEnvironment.hasDatabase, "needs make test"),
    .serialized
)
struct DisbursementFlowTests {
    static let runs = BusinessFixture.runs

    /// The officers, approver and readers of the first district, and an officer of its sibling.
    static func staff(_ fixture: BusinessFixture) throws {
        for (username, office, role) in [
            ("officer", "320102", "disbursement_officer"), ("approver", "320102", "disbursement_approver"),
            ("clerk", "320102", "clerk"), ("manager", "320102", "office_manager"), ("auditor", "320100", "auditor"),
            ("sibling", "320104", "disbursement_officer"), ("admin", "320102", "administrator"),
        ] {
            try fixture.addOperator(username, office: office, roles: [role])
        }
    }

    static func create(
        _ fixture: BusinessFixture,
        _ token: String,
        kind: String = "basic_pension",
        period: Int? = nil,
        headers: [(String, String)] = []
    ) throws -> TestResponse {
        var body: [String: Any] = ["kind": kind]
        body["period"] = period
        return try fixture.request("POST", Self.runs, json: body, token: token, headers: headers)
    }

    static func approve(
        _ fixture: BusinessFixture,
        _ id: Int,
        code: String,
        token: String,
        headers: [(String, String)] = []
    ) throws -> TestResponse {
        try fixture.request("POST", "\(Self.runs)/\(id)/approve", json: ["code": code], token: token, headers: headers)
    }

    static func ids(_ response: TestResponse) -> [Int] {
        (response.object["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
    }

    @Test func aRunIsComputedApprovedByAnotherAndExportedAndItsFilesAreServed() throws {
        let fixture = try BusinessFixture()
        try Self.staff(fixture)
        try fixture.addPensioners(3, suspended: true)
        let officer = try fixture.login("officer")
        let approver = try fixture.login("approver")

        let created = try Self.create(fixture, officer, headers: [("Idempotency-Key", "run-1")])
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.object["id"] as? Int)
        #expect(created.header("Location") == "\(Self.runs)/\(id)")
        #expect(created.header("ETag") == "\"1\"")
        #expect(created.object["status"] as? String == "computing")
        #expect(created.object["statusName"] as? String == "计算中")
        // The detail shows the computation queued, over the office's four pensions.
        let tasks = created.object["tasks"] as? [[String: Any]] ?? []
        #expect(tasks.map { $0["kind"] as? String } == ["compute"])
        #expect(tasks.first?["stage"] as? String == "payees")
        #expect(tasks.first?["total"] as? Int == 4)
        #expect((created.object["progress"] as? [String: Any])?["taskId"] as? Int == tasks.first?["id"] as? Int)
        // A retry with the same key is the same answer; without one, the period is taken.
        let replayed = try Self.create(fixture, officer, headers: [("Idempotency-Key", "run-1")])
        #expect(replayed.status == 201 && replayed.header("Idempotent-Replayed") == "true")
        let again = try Self.create(fixture, officer)
        #expect(again.status == 409, "\(again.text)")
        #expect(try fixture.auditCount("disbursement.create") == 1)

        // Before it is computed nothing can approve it; its creator never can.
        let early = try Self.approve(fixture, id, code: "000000", token: approver)
        #expect(early.status == 409, "\(early.text)")
        let byCreator = try Self.approve(fixture, id, code: "000000", token: officer)
        #expect(byCreator.status == 403, "\(byCreator.text)")

        let scheduler = try fixture.startScheduler()
        defer { scheduler.send(SIGKILL) }
        try fixture.waitForRun(id, status: "computed", token: officer)
        // The scheduler's export is not in this build yet: the export is marked done below.
        scheduler.send(SIGTERM)
        _ = scheduler.wait(timeout: .seconds(30))
        let computed = try fixture.request("GET", "\(Self.runs)/\(id)", token: approver)
        #expect(computed.header("ETag") == "\"2\"")
        #expect(computed.object["lineCount"] as? Int == 3)
        #expect(computed.object["totalFen"] as? Int == 900_300)
        #expect(computed.object["total"] as? String == "9003.00")
        #expect(computed.object["excludedCount"] as? Int == 1)
        #expect(computed.object["progress"] is NSNull)

        // What the approver reads first: the comparison, the exclusions and the lines, each audited.
        let diff = try fixture.request("GET", "\(Self.runs)/\(id)/diff?sample=2", token: approver)
        #expect(diff.status == 200, "\(diff.text)")
        let added = diff.object["added"] as? [String: Any]
        #expect(added?["count"] as? Int == 3)
        #expect((added?["sample"] as? [Any])?.count == 2)
        #expect(diff.object["previousRunId"] is NSNull)
        let exclusions = try fixture.request("GET", "\(Self.runs)/\(id)/exclusions", token: approver)
        #expect(exclusions.status == 200, "\(exclusions.text)")
        let counts = exclusions.object["counts"] as? [[String: Any]] ?? []
        #expect(counts.first { $0["reason"] as? String == "suspended" }?["count"] as? Int == 1)
        #expect(exclusions.issues("items").first?["reasonName"] as? String == "待遇已暂停")
        let lines = try fixture.request("GET", "\(Self.runs)/\(id)/lines?limit=2", token: approver)
        #expect(Self.ids(lines).count == 2)
        let next = try #require(lines.object["next"] as? String)
        let rest = try fixture.request("GET", next, token: approver)
        #expect(Self.ids(rest).count == 1)
        let line = try #require(lines.issues("items").first)
        #expect((line["cardNumberMasked"] as? String)?.contains("******") == true)
        #expect((line["reference"] as? String)?.hasPrefix("P") == true)
        #expect(line["status"] as? String == "pending")
        for action in ["disbursement.diff", "disbursement.exclusions"] {
            #expect(try fixture.auditCount(action) == 1, "\(action)")
        }
        #expect(try fixture.auditCount("disbursement.lines") == 2)
        #expect(try fixture.auditCount("disbursement.read") == 0, "watching a run is not audited")

        // A stale If-Match, a wrong code: refused, and nothing changes.
        let stale = try Self.approve(
            fixture,
            id,
            code: BusinessFixture.nextCode("approver"),
            token: approver,
            headers: [("If-Match", "\"1\"")]
        )
        #expect(stale.status == 412, "\(stale.text)")
        #expect(stale.header("ETag") == "\"2\"")
        let wrong = try Self.approve(fixture, id, code: "000000", token: approver, headers: [("Accept-Language", "en")])
        #expect(wrong.status == 403, "\(wrong.text)")
        #expect((wrong.object["detail"] as? String)?.contains("second-factor code") == true)
        let approved = try Self.approve(
            fixture,
            id,
            code: BusinessFixture.nextCode("approver"),
            token: approver,
            headers: [("If-Match", "\"1\", \"2\"")]
        )
        #expect(approved.status == 200, "\(approved.text)")
        #expect(approved.object["status"] as? String == "approved")
        #expect(try fixture.auditCount("disbursement.approve") == 1)

        // Not exported yet: no return file is taken.
        let returns = "\(Self.runs)/\(id)/returns?fileName=return.txt"
        let notExported = try fixture.request("POST", returns, body: Array("x".utf8), token: officer)
        #expect(notExported.status == 409, "\(notExported.text)")

        let exporting = try fixture.request("POST", "\(Self.runs)/\(id)/export", token: officer)
        #expect(exporting.status == 202, "\(exporting.text)")
        #expect((exporting.object["tasks"] as? [[String: Any]])?.last?["kind"] as? String == "export")
        #expect(try fixture.request("POST", "\(Self.runs)/\(id)/export", token: officer).status == 202)
        try fixture.markExported(id)
        #expect(try fixture.request("POST", "\(Self.runs)/\(id)/export", token: officer).status == 202)
        #expect(try fixture.auditCount("disbursement.export") == 1, "a repeat is no event")

        // One file per bank: ICBC's fixed-width, BOC's ISO 20022.
        let files = try fixture.request("GET", "\(Self.runs)/\(id)/files", token: approver)
        #expect(files.status == 200, "\(files.text)")
        let items = files.issues("items")
        #expect(Set(items.compactMap { $0["format"] as? String }) == ["fixed", "pain.001"])
        for file in items {
            let fileID = try #require(file["id"] as? Int)
            let download = try fixture.request("GET", "\(Self.runs)/\(id)/files/\(fileID)", token: officer)
            #expect(download.status == 200)
            #expect(download.body.count == file["byteCount"] as? Int)
            #expect(download.header("ETag") == "\"\(file["sha256"] as? String ?? "")\"")
            #expect(Hex.encode(SHA256.hash(download.body)) == file["sha256"] as? String)
            let type = file["format"] as? String == "fixed" ? "text/plain; charset=utf-8" : "application/xml"
            #expect(download.header("Content-Type") == type)
            #expect(download.header("Content-Disposition")?.hasPrefix("attachment; filename=\"") == true)
        }
        #expect(try fixture.auditCount("disbursement.download") == Int64(items.count), "audited once each")

        // A file that is no return file is refused whole (until the reader lands, every file is).
        let notReturn = try fixture.request(
            "POST",
            returns,
            body: Array("hello".utf8),
            token: officer,
            headers: [("Content-Type", "text/plain")]
        )
        #expect(notReturn.status == 422, "\(notReturn.text)")
        #expect(
            try fixture.sql("SELECT count(*) FROM shebao.bank_file WHERE kind = 'return'").single().decode(
                0,
                as: Int64.self
            ) == 0
        )

        // The readers of the office and above read it; the sibling district sees nothing of it.
        for reader in ["manager", "auditor"] {
            let token = try fixture.login(reader)
            #expect(try fixture.request("GET", "\(Self.runs)/\(id)", token: token).status == 200, "\(reader)")
            #expect(try fixture.request("GET", "\(Self.runs)/\(id)/lines", token: token).status == 200)
        }
        let sibling = try fixture.login("sibling")
        for path in ["", "/lines", "/diff", "/exclusions", "/files", "/quarantine"] {
            let answer = try fixture.request("GET", "\(Self.runs)/\(id)\(path)", token: sibling)
            #expect(answer.status == 404, "\(path): \(answer.text)")
        }
        let theirs = try fixture.request("POST", returns, body: Array("x".utf8), token: sibling)
        #expect(theirs.status == 404, "\(theirs.text)")
        #expect(Self.ids(try fixture.request("GET", Self.runs, token: sibling)).isEmpty)
        let fileID = try #require(items.first?["id"] as? Int)
        #expect(try fixture.request("GET", "\(Self.runs)/\(id)/files/\(fileID)", token: sibling).status == 404)
    }

    @Test func aClerkMayNotAndOnlyOfficersCreateAndApproversApprove() throws {
        let fixture = try BusinessFixture()
        try Self.staff(fixture)
        let clerk = try fixture.login("clerk")
        #expect(try Self.create(fixture, clerk).status == 403)
        #expect(try fixture.request("GET", Self.runs, token: clerk).status == 403)
        #expect(try fixture.request("GET", "/api/v1/disbursement-failures", token: clerk).status == 403)
        let approver = try fixture.login("approver")
        #expect(try Self.create(fixture, approver).status == 403)
        let admin = try fixture.login("admin")
        #expect(try fixture.request("GET", Self.runs, token: admin).status == 403)
        #expect(try fixture.request("POST", "\(Self.runs)/1/tasks/1/redrive", token: admin).status == 404)
        #expect(try fixture.request("GET", Self.runs).status == 401)
        #expect(try fixture.sql("SELECT count(*) FROM shebao.disbursement_run").single().decode(0, as: Int64.self) == 0)
    }

    @Test func theCreatorOfARunNeverApprovesItEvenAsAnApprover() throws {
        let fixture = try BusinessFixture()
        let maker = try fixture.addOperator("maker", office: "320102", roles: ["disbursement_officer"])
        let token = try fixture.login("maker")
        let id = try #require(try Self.create(fixture, token).object["id"] as? Int)
        // The computation done, and the maker moved to approving (roles are read per request).
        _ = try fixture.sql(
            "UPDATE shebao.disbursement_run SET status = 'computed', computed_at = now(), version = 2 WHERE id = $1",
            [Int64(id)]
        )
        _ = try fixture.sql("UPDATE shebao.role_assignment SET revoked_at = now() WHERE operator_id = $1", [maker])
        _ = try fixture.sql(
            "INSERT INTO shebao.role_assignment (office_id, operator_id, role) VALUES ($1, $2, 'disbursement_approver')",
            [fixture.offices["320102"], maker]
        )
        let approve = try Self.approve(
            fixture,
            id,
            code: BusinessFixture.nextCode("maker"),
            token: token,
            headers: [("Accept-Language", "en")]
        )
        #expect(approve.status == 403, "\(approve.text)")
        #expect((approve.object["detail"] as? String)?.contains("other than the one who created it") == true)
        let run = try fixture.sql("SELECT status FROM shebao.disbursement_run WHERE id = $1", [Int64(id)])
        #expect(try run.single().decode(0, as: String.self) == "computed")
    }

    @Test func aCancelledRunIsFinalAndFreesItsPeriod() throws {
        let fixture = try BusinessFixture()
        try Self.staff(fixture)
        let officer = try fixture.login("officer")
        let id = try #require(try Self.create(fixture, officer).object["id"] as? Int)
        func cancel(_ reason: String, version: Int? = nil) throws -> TestResponse {
            try fixture.request(
                "POST",
                "\(Self.runs)/\(id)/cancel",
                json: ["reason": reason],
                token: officer,
                headers: version.map { [("If-Match", "\"\($0)\"")] } ?? []
            )
        }
        let blank = try cancel(" \n ")
        #expect(blank.status == 422, "\(blank.text)")
        #expect(blank.issues().map { $0["field"] as? String } == ["reason"])
        let stale = try cancel("重复创建", version: 7)
        #expect(stale.status == 412, "\(stale.text)")
        let cancelled = try cancel("重复创建", version: 1)
        #expect(cancelled.status == 200, "\(cancelled.text)")
        #expect(cancelled.object["status"] as? String == "cancelled")
        #expect(cancelled.object["cancelReason"] as? String == "重复创建")
        #expect((cancelled.object["tasks"] as? [[String: Any]])?.first?["status"] as? String == "cancelled")
        #expect(cancelled.header("ETag") == "\"2\"")
        let twice = try cancel("再次取消")
        #expect(twice.status == 409, "\(twice.text)")
        #expect(try fixture.auditCount("disbursement.cancel") == 1)
        // The period is free again; the cancelled run cannot be exported.
        #expect(try Self.create(fixture, officer).status == 201)
        #expect(try fixture.request("POST", "\(Self.runs)/\(id)/export", token: officer).status == 409)
    }

    @Test func theListFiltersAndPagesAndNamesInEitherLanguage() throws {
        let fixture = try BusinessFixture()
        try Self.staff(fixture)
        let officer = try fixture.login("officer")
        let now = try fixture.sql("SELECT shebao.current_period()").single().decode(0, as: Int.self)
        let earlier = now % 100 == 1 ? now - 89 : now - 1
        let pension = try #require(try Self.create(fixture, officer).object["id"] as? Int)
        let unemployment = try #require(
            try Self.create(fixture, officer, kind: "unemployment_benefit").object["id"] as? Int
        )
        let old = try #require(try Self.create(fixture, officer, period: earlier).object["id"] as? Int)
        _ = try fixture.request("POST", "\(Self.runs)/\(old)/cancel", json: ["reason": "试算"], token: officer)

        let all = try fixture.request("GET", Self.runs, token: officer)
        #expect(Self.ids(all) == [old, unemployment, pension], "newest first")
        for (query, expected) in [
            ("kind=unemployment_benefit", [unemployment]), ("status=cancelled", [old]),
            ("period=\(earlier)", [old]), ("kind=basic_pension&period=\(now)", [pension]),
            ("status=computing&kind=basic_pension", [pension]), ("period=202613", []),
        ] {
            let page = try fixture.request("GET", "\(Self.runs)?\(query)", token: officer)
            #expect(page.status == 200, "\(query): \(page.text)")
            #expect(Self.ids(page) == expected, "\(query)")
        }
        let first = try fixture.request("GET", "\(Self.runs)?limit=2", token: officer)
        #expect(Self.ids(first) == [old, unemployment])
        let next = try #require(first.object["next"] as? String)
        #expect(Self.ids(try fixture.request("GET", next, token: officer)) == [pension])

        let english = try fixture.request(
            "GET",
            "\(Self.runs)/\(unemployment)",
            token: officer,
            headers: [("Accept-Language", "en")]
        )
        #expect(english.object["kindName"] as? String == "unemployment benefit")
        #expect(english.object["statusName"] as? String == "computing")
        #expect(english.header("Content-Language") == "en")

        // A period after the next one, or no month at all, is refused; nothing is created.
        for period in [now + 200, 202_613] {
            let refused = try Self.create(fixture, officer, kind: "survivor_pension", period: period)
            #expect(refused.status == 422, "\(period): \(refused.text)")
        }
        #expect(try fixture.sql("SELECT count(*) FROM shebao.disbursement_run").single().decode(0, as: Int64.self) == 3)
    }

    @Test func aReturnFileLargerThanTheServersDefaultBodyIsTaken() throws {
        let fixture = try BusinessFixture()
        try Self.staff(fixture)
        let officer = try fixture.login("officer")
        let id = try #require(try Self.create(fixture, officer).object["id"] as? Int)
        // 3 MiB, beyond the 1 MiB of other routes: read whole, then refused for the run's status.
        let large = [UInt8](repeating: UInt8(ascii: "9"), count: 3 * 1024 * 1024)
        let answer = try fixture.request(
            "POST",
            "\(Self.runs)/\(id)/returns?fileName=%E5%9B%9E%E7%9B%98.txt",
            body: large,
            token: officer,
            headers: [("Content-Type", "application/octet-stream")]
        )
        #expect(answer.status == 409, "\(answer.text)")
        let missing = try fixture.request("POST", "\(Self.runs)/\(id)/returns", body: Array("x".utf8), token: officer)
        #expect(missing.status == 400, "\(missing.text)")
    }

    @Test func anAdministratorRedrivesOnlyAStalledTask() throws {
        let fixture = try BusinessFixture()
        try Self.staff(fixture)
        let officer = try fixture.login("officer")
        let admin = try fixture.login("admin")
        let created = try Self.create(fixture, officer)
        let id = try #require(created.object["id"] as? Int)
        let task = try #require((created.object["tasks"] as? [[String: Any]])?.first?["id"] as? Int)
        let redrive = "\(Self.runs)/\(id)/tasks/\(task)/redrive"
        let pending = try fixture.request("POST", redrive, token: admin)
        #expect(pending.status == 409, "\(pending.text)")
        _ = try fixture.sql(
            """
            UPDATE shebao.disbursement_task SET status = 'failed', attempts = 8, last_error = 'killed',
                finished_at = now() WHERE id = $1
            """,
            [Int64(task)]
        )
        let stalled = try fixture.request("GET", "\(Self.runs)/\(id)", token: officer)
        #expect(stalled.object["stalled"] as? Bool == true)
        #expect((stalled.object["tasks"] as? [[String: Any]])?.first?["lastError"] as? String == "killed")
        let redriven = try fixture.request("POST", redrive, token: admin)
        #expect(redriven.status == 200, "\(redriven.text)")
        let again = (redriven.object["tasks"] as? [[String: Any]])?.first
        #expect(again?["status"] as? String == "pending")
        #expect(again?["attempts"] as? Int == 0)
        #expect(try fixture.auditCount("disbursement.redrive") == 1)
        #expect(try fixture.request("POST", redrive, token: officer).status == 403)
    }
}
