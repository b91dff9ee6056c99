import Domain
import Postgres

extension ApplicationChecks.Context {
    /// The compliance of a takeover: the person is registered in the caller's offices; they have
    /// no benefit of the kind that has not ended, in any office, and no other takeover of it is
    /// submitted; the start is not before their month of birth; the bank pays benefits. The
    /// effects name the benefit approval inserts.
    func benefitTakeover(_ p: BenefitTakeover, _ outcome: inout CheckOutcome) throws {
        let bank = try self.bank(p.bankCode, &outcome)
        guard !outcome.hasError(at: "citizenId") else { return }
        guard let person = try self.person(p.citizenId, field: "citizenId", &outcome) else { return }
        outcome.personID = person.id
        if let start = Period(p.startPeriod), start < person.birthDate.period {
            outcome.add("startPeriod", .periodBeforeBirth, .error, ["period": start.description])
        }
        guard let kind = BenefitKind(rawValue: p.kind), kind.isRecurring else { return }
        if let live = try self.connection.query(Self.liveBenefit, [person.id, kind.rawValue]).first {
            outcome.add(
                "kind",
                .benefitExists,
                .error,
                [
                    "office": try live.decode("office_code", as: String.self), "kind": kind.rawValue,
                    "status": try live.decode("status", as: String.self),
                ]
            )
        }
        if let pending = try self.connection.query(Self.pendingTakeover, [person.id, kind.rawValue, self.application])
            .single().decode(0, as: Int64?.self)
        {
            outcome.add("kind", .applicationPending, .error, ["application": "\(pending)"])
        }
        guard let bank, !outcome.hasError(at: "bankCardNumber") else { return }
        outcome.effects.benefit = Effects.Benefit(
            kind: kind.rawValue,
            schemeCode: kind.scheme.rawValue,
            monthlyAmountFen: p.monthlyAmountFen,
            startPeriod: p.startPeriod,
            endPeriod: p.endPeriod,
            bankCode: p.bankCode,
            bankName: bank,
            bankCardMasked: Masking.bankCard(p.bankCardNumber)
        )
    }

    /// The name of the bank of `code`, or an issue naming the banks there are.
    private func bank(_ code: String, _ outcome: inout CheckOutcome) throws -> String? {
        guard !code.isEmpty else { return nil }
        if let name = try self.connection.query(Self.bankName, [code]).first?.decode(0, as: String.self) {
            return name
        }
        let codes = try self.connection.query(Self.bankCodes).map { try $0.decode(0, as: String.self) }
        outcome.add("bankCode", .bankNotFound, .error, ["allowed": codes.joined(separator: ",")])
        return nil
    }

    static let liveBenefit = PreparedStatement("SELECT office_code, status FROM shebao.live_benefit_anywhere($1, $2)")
    static let pendingTakeover = PreparedStatement("SELECT shebao.pending_benefit_takeover($1, $2, $3)")
    static let bankName = PreparedStatement("SELECT name FROM shebao.bank WHERE code = $1")
    static let bankCodes = PreparedStatement("SELECT code FROM shebao.bank ORDER BY code")
}
