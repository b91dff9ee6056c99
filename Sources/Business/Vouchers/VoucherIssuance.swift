public import Domain
public import Foundation
public import Postgres
import Store

/// Issues the voucher of an approved application: the next number of the office for the day,
/// the receipt's content (domain rules §11.3), its verification code under the database's
/// voucher key, and the notification to the person, all in the approval's transaction.
public enum VoucherIssuance {
    public static func issue(
        _ record: ApplicationRecord,
        _ subject: ApplicationApproval.Subject,
        _ outcome: CheckOutcome,
        checkerID: Int64,
        on connection: PostgresConnection
    ) throws -> String {
        let office = outcome.office
        let number = try connection.query(Self.nextNumber, [office.id]).single().decode(0, as: String.self)
        let key = try connection.query(Self.signingKey).single().decode(0, as: PostgresBytes.self).bytes
        let maker = try Self.operatorName(record.makerID, on: connection)
        let checker = try Self.operatorName(checkerID, on: connection)
        let timeLimit = try connection.query(Self.timeLimit, [record.type.rawValue]).first?.decode(0, as: Int.self)
        let content = VoucherContent(
            number: number,
            businessType: record.type.rawValue,
            businessNameZh: ApplicationNames.name(record.type, .zh),
            businessNameEn: ApplicationNames.name(record.type, .en),
            applicationId: record.id,
            personName: subject.personName,
            personCitizenIdMasked: subject.citizenID.map(Masking.citizenID),
            employerName: subject.employerName,
            employerCreditCodeMasked: subject.creditCode.map(Masking.creditCode),
            officeCode: office.code,
            officeName: office.name,
            makerName: maker.name,
            makerUsername: maker.username,
            reviewerName: checker.name,
            reviewerUsername: checker.username,
            submittedAt: Self.chinaTime(record.submittedAt ?? record.createdAt),
            issuedAt: Self.chinaTime(Date()),
            result: ApplicationStatus.approved.rawValue,
            details: Self.details(outcome.effects, benefitID: subject.benefitID),
            timeLimitWorkingDays: timeLimit
        )
        let code = VoucherCode.compute(number: number, content: content, key: key)
        try connection.query(
            Self.insert,
            [office.id, record.id, subject.personID, number, code, try PostgresJSON(encoding: content)]
        )
        return number
    }

    /// The notification of a decision to the person concerned: their in-app inbox, and an SMS
    /// when a mobile number is on record. The scheduler delivers both.
    public static func notify(
        _ record: ApplicationRecord,
        personID: Int64?,
        phone: String?,
        decision: ApplicationStatus,
        voucher: String?,
        reasons: String?,
        on connection: PostgresConnection
    ) throws {
        guard let personID else { return }
        var payload: [String: String] = [
            "applicationId": "\(record.id)", "type": record.type.rawValue,
            "typeName": ApplicationNames.name(record.type, .zh), "decision": decision.rawValue,
        ]
        payload["voucherNumber"] = voucher
        payload["reasons"] = reasons
        try Outbox.enqueue(
            OutboxMessage(
                officeID: record.officeID,
                personID: personID,
                channel: .inbox,
                template: "application.\(decision.rawValue)",
                payload: payload
            ),
            on: connection
        )
        if let phone {
            try Outbox.enqueue(
                OutboxMessage(
                    officeID: record.officeID,
                    personID: personID,
                    channel: .sms,
                    address: phone,
                    template: "application.\(decision.rawValue)",
                    payload: payload
                ),
                on: connection
            )
        }
    }

    /// The lines of what was decided, from the effects; `benefitID` names the benefit a
    /// takeover inserted.
    public static func details(_ effects: Effects, benefitID: Int64? = nil) -> [VoucherContent.Detail] {
        var details: [VoucherContent.Detail] = []
        for line in effects.contributions {
            let scheme = Scheme(rawValue: line.schemeCode)
            details.append(
                VoucherContent.Detail(
                    labelZh: "\(scheme?.nameZh ?? line.schemeCode) 月缴费",
                    labelEn: "\(scheme?.nameEn ?? line.schemeCode), monthly contribution",
                    value: "基数 \(Money.yuan(line.baseFen)) 元；单位 \(Money.yuan(line.employerFen)) 元，"
                        + "个人 \(Money.yuan(line.personalFen)) 元"
                )
            )
        }
        if let employer = effects.monthlyEmployerFen, let personal = effects.monthlyPersonalFen {
            details.append(
                VoucherContent.Detail(
                    labelZh: "月缴费合计",
                    labelEn: "monthly total",
                    value: "单位 \(Money.yuan(employer)) 元，个人 \(Money.yuan(personal)) 元"
                )
            )
        }
        if !effects.changes.isEmpty {
            details.append(
                VoucherContent.Detail(
                    labelZh: "变更事项",
                    labelEn: "changed",
                    value: effects.changes.map(\.field).joined(separator: "、")
                )
            )
        }
        if !effects.enrolments.isEmpty {
            details.append(
                VoucherContent.Detail(
                    labelZh: "涉及险种",
                    labelEn: "schemes",
                    value: effects.enrolments.joined(separator: "；")
                )
            )
        }
        if let benefit = effects.benefit {
            details += Self.benefitDetails(benefit, id: benefitID)
        }
        if let cover = effects.coverFrom {
            details.append(
                VoucherContent.Detail(
                    labelZh: "待遇享受起始",
                    labelEn: "cover from",
                    value: cover == "payment" ? "缴费次月起" : cover
                )
            )
        }
        return details
    }

    /// The benefit a takeover brings in: its kind and record, the monthly amount and the periods,
    /// the bank and the card's masked number.
    static func benefitDetails(_ benefit: Effects.Benefit, id: Int64?) -> [VoucherContent.Detail] {
        let kind = BenefitKind(rawValue: benefit.kind)
        let periods = benefit.endPeriod.map { "\(benefit.startPeriod)–\($0)" } ?? "\(benefit.startPeriod) 起"
        return [
            VoucherContent.Detail(
                labelZh: "待遇项目",
                labelEn: "benefit",
                value: (kind?.name(.zh) ?? benefit.kind) + (id.map { "（待遇编号 \($0)）" } ?? "")
            ),
            VoucherContent.Detail(
                labelZh: "月待遇标准",
                labelEn: "monthly amount",
                value: "\(Money.yuan(benefit.monthlyAmountFen)) 元，\(periods)"
            ),
            VoucherContent.Detail(
                labelZh: "代发银行",
                labelEn: "paid to",
                value: "\(benefit.bankName)（\(benefit.bankCode)）\(benefit.bankCardMasked)"
            ),
        ]
    }

    private static func operatorName(
        _ id: Int64,
        on connection: PostgresConnection
    ) throws -> (
        name: String, username: String
    ) {
        guard let row = try connection.query(Self.operatorRow, [id]).first else { return ("—", "—") }
        return (try row.decode(0, as: String.self), try row.decode(1, as: String.self))
    }

    public static let chinaTimeZone = TimeZone(secondsFromGMT: 8 * 3600)!

    public static func chinaTime(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone: Self.chinaTimeZone))
    }

    static let nextNumber = PreparedStatement("SELECT shebao.next_voucher_number($1)")
    static let signingKey = PreparedStatement("SELECT shebao.voucher_signing_key()")
    static let timeLimit = PreparedStatement("SELECT working_days FROM shebao.application_time_limit WHERE type = $1")
    static let operatorRow = PreparedStatement("SELECT display_name, username FROM shebao.operator WHERE id = $1")
    static let insert = PreparedStatement(
        """
        INSERT INTO shebao.voucher (office_id, application_id, person_id, number, verification_code, content) \
        VALUES ($1, $2, $3, $4, $5, $6::jsonb)
        """
    )
}
