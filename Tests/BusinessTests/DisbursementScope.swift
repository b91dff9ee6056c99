import Business
import Domain
import Foundation
import Postgres
import Security
import Store
import Synchronization
import TestSupport
import Testing

/// ``BusinessScope`` with what disbursement needs: a disbursement officer and an approver (with
/// a second factor) at the first district, an officer of the sibling district, and persons with
/// benefits loaded set-based as the superuser.
final class DisbursementScope: Sendable {
    let base: BusinessScope
    let officer: SessionPrincipal
    let approver: SessionPrincipal
    let otherApprover: SessionPrincipal
    let siblingOfficer: SessionPrincipal
    let approverTOTP: TOTP
    let otherApproverTOTP: TOTP
    /// The last time step of each secret handed out by ``code(_:)``.
    private let lastSteps = Mutex<[[UInt8]: Int64]>([:])

    init() throws {
        let base = try BusinessScope()
        self.base = base
        self.officer = try base.addOperator("officer", office: "320102", role: "disbursement_officer")
        self.approver = try base.addOperator("approver", office: "320102", role: "disbursement_approver")
        self.otherApprover = try base.addOperator("approver2", office: "320102", role: "disbursement_approver")
        self.siblingOfficer = try base.addOperator("sibling", office: "320104", role: "disbursement_officer")
        self.approverTOTP = try TOTP.generate()
        self.otherApproverTOTP = try TOTP.generate()
        for (principal, totp) in [(self.approver, self.approverTOTP), (self.otherApprover, self.otherApproverTOTP)] {
            _ = try base.sql(
                "UPDATE shebao.operator SET totp_secret = $2 WHERE id = $1",
                [principal.operatorID, PostgresBytes(totp.secret)]
            )
        }
    }

    var district: Int64 { self.base.offices["320102"]! }

    /// A code of `totp` not handed out before: its time step is the current one, or the one
    /// after the last handed out while that is inside the verification window (a step ahead),
    /// waiting for the clock otherwise. A code counts once, so each approval needs its own.
    func code(_ totp: TOTP) -> String {
        while true {
            let now = totp.step(at: Int64(Date().timeIntervalSince1970))
            let step = self.lastSteps.withLock { steps -> Int64? in
                let candidate = max(now, (steps[totp.secret] ?? now - 1) + 1)
                guard candidate <= now + 1 else { return nil }
                steps[totp.secret] = candidate
                return candidate
            }
            if let step { return totp.code(step: step) }
            Thread.sleep(forTimeInterval: 0.5)
        }
    }

    /// Inserts `count` persons at `office` (citizen IDs valid, numbered from `first`) with an
    /// active basic pension each of `amount(i)` fen from 2024-01, ICBC or BOC by parity.
    /// Returns the benefit ids in order.
    @discardableResult
    func addPensioners(
        _ count: Int,
        first: Int = 0,
        office code: String = "320102",
        amount: (Int) -> Int64 = { 300_000 + Int64($0 % 7) * 1_000 }
    ) throws -> [Int64] {
        let office = try #require(self.base.offices[code])
        var citizens: [String] = []
        var names: [String] = []
        var births: [String] = []
        var genders: [String] = []
        var cards: [String] = []
        var amounts: [String] = []
        var banks: [String] = []
        let start = CalendarDate(year: 1950, month: 1, day: 1)!
        for index in first..<(first + count) {
            let birth = start.adding(days: index / 1000)
            let sequence = String(index % 1000)
            let body =
                code.prefix(6) + birth.iso.replacingOccurrences(of: "-", with: "")
                + String(repeating: "0", count: 3 - sequence.count) + sequence
            let citizen = try #require(CitizenID.complete(body: String(body)))
            citizens.append(citizen)
            names.append(BusinessScope.name(index))
            births.append(birth.iso)
            genders.append(Int(String(citizen.dropFirst(16).prefix(1)))! % 2 == 1 ? "male" : "female")
            let cardBody = "622202" + String(format: "%012d", index)
            cards.append(cardBody + String(try #require(Luhn.checkDigit(payload: cardBody))))
            amounts.append(String(amount(index)))
            banks.append(index % 2 == 0 ? "ICBC" : "BOC")
        }
        func array(_ values: [String]) -> String {
            "{" + values.map { "\"\($0)\"" }.joined(separator: ",") + "}"
        }
        return try self.base.sql(
            """
            WITH input AS (
                SELECT * FROM unnest($2::text[], $3::text[], $4::date[], $5::text[], $6::text[], $7::bigint[], $8::text[])
                WITH ORDINALITY AS i (citizen, name, birth, gender, card, amount, bank, n)
            ), persons AS (
                INSERT INTO shebao.person (office_id, citizen_id, name, gender, birth_date, household_type, bank_card_number)
                SELECT $1, citizen, name, gender, birth, 'urban', card FROM input ORDER BY n
                RETURNING id, citizen_id
            )
            INSERT INTO shebao.benefit (office_id, person_id, scheme_code, kind, monthly_amount_fen, start_period,
                bank_card_number, bank_code)
            SELECT $1, p.id, '110', 'basic_pension', i.amount, 202401, i.card, i.bank
            FROM input i JOIN persons p ON p.citizen_id = i.citizen ORDER BY i.n
            RETURNING id
            """,
            [
                office, array(citizens), array(names), array(births), array(genders), array(cards), array(amounts),
                array(banks),
            ]
        ).map { try $0.decode(0, as: Int64.self) }.sorted()
    }

    /// The engine as a scheduler named `holder` runs it.
    func engine(
        _ holder: String = "test",
        pageSize: Int = 100,
        lease: Duration = .seconds(30),
        checkpoint: @escaping @Sendable (String) throws -> Void = { _ in }
    )
        -> DisbursementEngine
    {
        DisbursementEngine(
            store: Store(database: self.base.app),
            lease: .init(holder: holder, duration: lease),
            pageSize: pageSize,
            checkpoint: checkpoint
        )
    }

    /// Claims and works every due task as `holder`, until none is due.
    @discardableResult
    func drain(_ engine: DisbursementEngine, holder: String = "test") throws -> [DisbursementEngine.Outcome] {
        var outcomes: [DisbursementEngine.Outcome] = []
        while true {
            let claimed = try self.base.app.withConnection { connection in
                try DisbursementEngine.claim(
                    on: connection,
                    holder: holder,
                    lease: .seconds(30),
                    count: 1,
                    maxAttempts: 5
                )
            }
            guard let task = claimed.first else { return outcomes }
            outcomes.append(try engine.work(task))
        }
    }

    /// The invariant queries of SCHEDULER.md hold.
    func checkInvariants(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let violations = try self.base.database.withConnection { try DisbursementInvariants.violations(on: $0) }
        #expect(violations.isEmpty, "\(violations)", sourceLocation: sourceLocation)
    }
}
