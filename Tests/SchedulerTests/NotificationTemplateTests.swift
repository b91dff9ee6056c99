import Postgres
import TestSupport
import Testing

@testable import Scheduler

/// The templates seeded in `shebao.notification_template` fit the payloads the code writes
/// today: an approval's, a rejection's and a return's (`VoucherIssuance.notify`) and a log-in
/// code's (`shebao.person_send_code`), in both languages.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs make test"))
struct NotificationTemplateTests {
    static let decision = [
        "applicationId": "7", "type": "enrolment", "typeName": "参保登记", "decision": "approved",
    ]

    static let payloads: [String: [String: String]] = [
        "login_code": ["code": "123456", "minutes": "5"],
        "application.approved": Self.decision.merging(["voucherNumber": "320100-20261204-0001"]) { $1 },
        "application.rejected": Self.decision.merging(["decision": "rejected", "reasons": "材料不全"]) { $1 },
        "application.returned": Self.decision.merging(["decision": "returned", "reasons": "请补充证明"]) { $1 },
        // What the disbursement engine writes (`DisbursementEngine.describe`, the import's paid lines).
        "disbursement.paid": [
            "lineId": "9", "runId": "3", "period": "202612", "periodName": "2026年12月", "amount": "3000.00",
            "cardTail": "3445", "kindName": "基本养老金", "kindNameEn": "basic pension",
        ],
        "disbursement.computed": Self.run,
        "disbursement.failed": Self.run.merging([
            "taskName": "计算", "taskNameEn": "computation", "error": "statement timeout",
        ]) { $1 },
    ]

    static let run = [
        "runId": "3", "period": "202612", "periodName": "2026年12月", "kindName": "基本养老金",
        "kindNameEn": "basic pension", "lineCount": "1000", "total": "3000000.00",
    ]

    @Test func everyTemplateRendersFromThePayloadItsEventWritesInBothLanguages() throws {
        let rows = try TestDatabase.shared().withConnection { connection in
            try connection.query("SELECT template, language, title, body FROM shebao.notification_template").map {
                (
                    try $0.decode(0, as: String.self), try $0.decode(1, as: String.self),
                    try $0.decode(2, as: String.self), try $0.decode(3, as: String.self)
                )
            }
        }
        #expect(Set(rows.map { "\($0.0)/\($0.1)" }) == Set(Self.payloads.keys.flatMap { ["\($0)/zh", "\($0)/en"] }))
        for (template, language, title, body) in rows {
            let values = try #require(Self.payloads[template])
            #expect(throws: Never.self, "\(template)/\(language)") {
                _ = try MessageTemplate.render(title, values: values)
                let text = try MessageTemplate.render(body, values: values)
                #expect(!text.contains("{"), "\(template)/\(language): \(text)")
            }
        }
    }
}
