import Business
import Domain
import Foundation
import HTTPServer
import Postgres

// The application's records as the API writes them.

extension ApplicationRecord {
    /// The stored check results in the API's form, messages in `language`.
    func writeChecks(into writer: inout JSONWriter, _ language: Language) throws {
        guard let stored = self.checkResults else {
            writer.null()
            return
        }
        let results = try stored.decode(StoredChecks.self)
        results.write(into: &writer, language)
    }

    func json(_ language: Language) throws -> [UInt8] {
        var writer = JSONWriter(capacity: 2048)
        try self.write(into: &writer, language)
        return writer.bytes
    }

    func write(into writer: inout JSONWriter, _ language: Language) throws {
        writer.beginObject()
        writer.key("id")
        writer.number(self.id)
        writer.key("type")
        writer.string(self.type.rawValue)
        writer.key("typeName")
        writer.string(ApplicationNames.name(self.type, language))
        writer.key("status")
        writer.string(self.status.rawValue)
        writer.key("statusName")
        writer.string(ApplicationNames.status(self.status, language))
        writer.key("officeId")
        writer.number(self.officeID)
        writer.key("payload")
        writer.json(self.payload.text)
        writer.key("checks")
        try self.writeChecks(into: &writer, language)
        for (key, value) in [
            ("personId", self.personID), ("employerId", self.employerID), ("makerId", self.makerID),
            ("checkerId", self.checkerID),
        ] {
            writer.key(key)
            writer.optional(value)
        }
        writer.key("reasons")
        writer.optional(self.reasons)
        writer.key("version")
        writer.number(self.version)
        for (key, value) in [
            ("createdAt", self.createdAt), ("updatedAt", self.updatedAt), ("submittedAt", self.submittedAt),
            ("decidedAt", self.decidedAt),
        ] {
            writer.key(key)
            writer.optional(value?.formatted(.iso8601))
        }
        writer.key("voucherNumber")
        writer.optional(self.voucherNumber)
        writer.endObject()
    }
}

extension StoredChecks {
    func write(into writer: inout JSONWriter, _ language: Language) {
        let issues = self.validationIssues
        writer.beginObject()
        writer.key("valid")
        writer.bool(!issues.hasErrors)
        writer.key("errors")
        IssueJSON.write(issues.filter { $0.severity == .error }, language, into: &writer)
        writer.key("warnings")
        IssueJSON.write(issues.filter { $0.severity == .warning }, language, into: &writer)
        writer.key("effects")
        EffectsJSON.write(self.effects, language, into: &writer)
        writer.key("checkedAt")
        writer.string(self.checkedAt)
        writer.endObject()
    }
}

/// Effects as the API writes them, with figures in yuan beside the fen.
enum EffectsJSON {
    static func write(_ effects: Effects, _ language: Language, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("contributions")
        writer.beginArray()
        for line in effects.contributions {
            writer.beginObject()
            writer.key("schemeCode")
            writer.string(line.schemeCode)
            writer.key("schemeName")
            writer.string(Scheme(rawValue: line.schemeCode).map { language == .en ? $0.nameEn : $0.nameZh } ?? "")
            for (key, value) in [
                ("declaredWageFen", line.declaredWageFen), ("baseFen", line.baseFen),
                ("baseFloorFen", line.baseFloorFen), ("baseCeilingFen", line.baseCeilingFen),
                ("employerFen", line.employerFen), ("personalFen", line.personalFen),
            ] {
                writer.key(key)
                writer.number(value)
            }
            writer.key("clamped")
            writer.optional(line.clamped)
            writer.key("employerRate")
            writer.string(Money.percent(ppm: line.employerRatePpm))
            writer.key("personalRate")
            writer.string(Money.percent(ppm: line.personalRatePpm))
            writer.key("base")
            writer.string(Money.yuan(line.baseFen))
            writer.key("employer")
            writer.string(Money.yuan(line.employerFen))
            writer.key("personal")
            writer.string(Money.yuan(line.personalFen))
            writer.endObject()
        }
        writer.endArray()
        if let employer = effects.monthlyEmployerFen, let personal = effects.monthlyPersonalFen {
            writer.key("monthlyEmployerFen")
            writer.number(employer)
            writer.key("monthlyPersonalFen")
            writer.number(personal)
        }
        writer.key("changes")
        writer.beginArray()
        for change in effects.changes {
            writer.beginObject()
            writer.key("field")
            writer.string(change.field)
            writer.key("from")
            writer.optional(change.from)
            writer.key("to")
            writer.optional(change.to)
            writer.endObject()
        }
        writer.endArray()
        if let cover = effects.coverFrom {
            writer.key("coverFrom")
            writer.string(cover)
        }
        writer.key("enrolments")
        writer.beginArray()
        for line in effects.enrolments { writer.string(line) }
        writer.endArray()
        if let benefit = effects.benefit {
            writer.key("benefit")
            Self.write(benefit, language, into: &writer)
        }
        writer.endObject()
    }

    /// The benefit a takeover brings in, as `BenefitEffect`.
    static func write(_ benefit: Effects.Benefit, _ language: Language, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("kind")
        writer.string(benefit.kind)
        writer.key("kindName")
        writer.string(BenefitKind(rawValue: benefit.kind)?.name(language) ?? benefit.kind)
        writer.key("schemeCode")
        writer.string(benefit.schemeCode)
        writer.key("monthlyAmountFen")
        writer.number(benefit.monthlyAmountFen)
        writer.key("monthlyAmount")
        writer.string(Money.yuan(benefit.monthlyAmountFen))
        writer.key("startPeriod")
        writer.number(benefit.startPeriod)
        writer.key("endPeriod")
        writer.optional(benefit.endPeriod.map(Int64.init))
        for (key, value) in [
            ("bankCode", benefit.bankCode), ("bankName", benefit.bankName), ("bankCardMasked", benefit.bankCardMasked),
        ] {
            writer.key(key)
            writer.string(value)
        }
        writer.endObject()
    }
}
