public import Domain
import Foundation
public import Postgres
import Store

/// The office an application belongs to, as the checks and the voucher need it.
public struct OfficeInfo: Sendable {
    public var id: Int64
    public var code: String
    public var name: String
    public var regionCode: String

    public static func load(_ id: Int64, on connection: PostgresConnection) throws -> OfficeInfo {
        guard let row = try connection.query(Self.find, [id]).first else {
            throw BusinessFailure.notFound("经办机构", "office")
        }
        return OfficeInfo(
            id: id,
            code: try row.decode("code", as: String.self),
            name: try row.decode("name", as: String.self),
            regionCode: try row.decode("region_code", as: String.self)
        )
    }

    static let find = PreparedStatement("SELECT code, name, region_code FROM shebao.office WHERE id = $1")
}

/// What approving an application would do, as preview shows it and as the voucher prints it.
public struct Effects: Codable, Sendable, Hashable {
    /// One scheme's monthly contribution for the person.
    public struct Contribution: Codable, Sendable, Hashable {
        public var schemeCode: String
        public var schemeName: String
        public var declaredWageFen: Int64
        public var baseFen: Int64
        /// `floor` or `ceiling` when the declared wage was clamped.
        public var clamped: String?
        public var baseFloorFen: Int64
        public var baseCeilingFen: Int64
        public var employerRatePpm: Int
        public var personalRatePpm: Int
        public var employerFen: Int64
        public var personalFen: Int64
        /// Whose, in a declaration for several persons.
        public var citizenId: String?
    }

    /// One changed field of a record.
    public struct Change: Codable, Sendable, Hashable {
        public var field: String
        public var from: String?
        public var to: String?
    }

    public var contributions: [Contribution] = []
    public var monthlyEmployerFen: Int64?
    public var monthlyPersonalFen: Int64?
    public var changes: [Change] = []
    /// A newborn's cover: from the birth date inside the window, otherwise after payment.
    public var coverFrom: String?
    /// The enrolments that end, or move with a transfer.
    public var enrolments: [String] = []
    /// The benefit a takeover brings in.
    public var benefit: Benefit?

    /// A benefit as approval inserts it.
    public struct Benefit: Codable, Sendable, Hashable {
        /// A ``BenefitKind``'s raw value.
        public var kind: String
        public var schemeCode: String
        public var monthlyAmountFen: Int64
        /// `YYYYMM`.
        public var startPeriod: Int
        public var endPeriod: Int?
        public var bankCode: String
        public var bankName: String
        /// The card the benefit is paid to, masked (``Masking/bankCard(_:)``).
        public var bankCardMasked: String
    }

    public mutating func total() {
        guard !self.contributions.isEmpty else { return }
        self.monthlyEmployerFen = self.contributions.reduce(0) { $0 + $1.employerFen }
        self.monthlyPersonalFen = self.contributions.reduce(0) { $0 + $1.personalFen }
    }
}

/// The result of both check stages over one payload.
public struct CheckOutcome: Sendable {
    public var payload: TypedPayload
    public var issues: [ValidationIssue]
    /// The office the checks ran for (the application's).
    public var office: OfficeInfo
    public var effects = Effects()
    /// The person and employer the application concerns, once they exist.
    public var personID: Int64?
    public var employerID: Int64?

    public func hasError(at field: String) -> Bool {
        self.issues.contains { $0.severity == .error && ($0.field == field || $0.field.hasPrefix(field + ".")) }
    }

    public mutating func add(
        _ field: String,
        _ code: IssueCode,
        _ severity: Severity = .error,
        _ arguments: [String: String] = [:]
    ) {
        self.issues.append(ValidationIssue(field: field, code: code, severity: severity, arguments: arguments))
    }
}

/// The two stages of checks: accuracy (the Domain's, on the payload alone) and compliance
/// (against the registry, the enrolments of the whole country and the region's policy, as the
/// caller's scope sees them and through the functions that answer an office code across
/// offices).
public enum ApplicationChecks {
    /// Both stages on `payload` for an application of `office`, as of `today`.
    ///
    /// - Parameters:
    ///   - application: the stored application the payload is of, if any: what a check against
    ///     the other applications under way leaves out.
    /// - Throws: ``PostgresError``; ``BusinessFailure`` corrupt for a stored record it cannot read.
    public static func run(
        _ payload: TypedPayload,
        office: OfficeInfo,
        today: CalendarDate,
        application: Int64? = nil,
        on connection: PostgresConnection
    ) throws -> CheckOutcome {
        let (resolved, identity) = try Self.resolvingPerson(payload, on: connection)
        var (normalised, accuracy) = resolved.accuracyChecked(today: today)
        if !identity.isEmpty {
            // The record named is not found: the empty citizen ID beside it is no second error.
            accuracy.removeAll { $0.field == "citizenId" }
        }
        var outcome = CheckOutcome(payload: normalised, issues: identity + accuracy, office: office)
        // Whom the application is about is unknown: there is nothing to check it against.
        guard identity.isEmpty else { return outcome }
        let context = Context(office: office, today: today, application: application, connection: connection)
        switch normalised {
        case .personRegistration(let p): try context.personRegistration(p, &outcome)
        case .personChange(let p): try context.personChange(p, &outcome)
        case .employerRegistration(let p): try context.employerRegistration(p, &outcome)
        case .enrolment(let p): try context.enrolment(p, &outcome)
        case .newbornEnrolment(let p): try context.newbornEnrolment(p, &outcome)
        case .enrolmentEnd(let p): try context.enrolmentEnd(p, &outcome)
        case .baseDeclaration(let p): try context.baseDeclaration(p, &outcome)
        case .transferOut(let p): try context.transferOut(p, &outcome)
        case .transferIn(let p): try context.transferIn(p, &outcome)
        case .benefitTakeover(let p): try context.benefitTakeover(p, &outcome)
        }
        outcome.effects.total()
        return outcome
    }

    /// The payload with the citizen ID of the person its `personId` names filled in, and the issues
    /// of that: a record not in the caller's offices, or one whose citizen ID is not the one given.
    public static func resolvingPerson(
        _ payload: TypedPayload,
        on connection: PostgresConnection
    ) throws -> (TypedPayload, [ValidationIssue]) {
        func resolved<P: IdentifiesPerson>(
            _ p: P,
            _ wrap: (P) -> TypedPayload
        ) throws -> (TypedPayload, [ValidationIssue]) {
            guard let id = p.personId else { return (wrap(p), []) }
            guard let citizen = try connection.query(Self.citizenOfPerson, [id]).first?.decode(0, as: String.self)
            else {
                return (wrap(p), [ValidationIssue(field: "personId", code: .personNotFound)])
            }
            var p = p
            let given = p.citizenId.trimmingCharacters(in: .whitespaces).uppercased()
            if given.isEmpty {
                p.citizenId = citizen
            } else if given != citizen {
                return (wrap(p), [ValidationIssue(field: "citizenId", code: .personMismatch)])
            }
            return (wrap(p), [])
        }
        switch payload {
        case .personChange(let p): return try resolved(p, TypedPayload.personChange)
        case .enrolment(let p): return try resolved(p, TypedPayload.enrolment)
        case .transferOut(let p): return try resolved(p, TypedPayload.transferOut)
        case .benefitTakeover(let p): return try resolved(p, TypedPayload.benefitTakeover)
        case .personRegistration, .employerRegistration, .newbornEnrolment, .enrolmentEnd, .baseDeclaration,
            .transferIn:
            return (payload, [])
        }
    }

    static let citizenOfPerson = PreparedStatement("SELECT citizen_id FROM shebao.person WHERE id = $1")

    /// A person of the caller's offices.
    struct PersonRow: Sendable {
        var id: Int64
        var officeID: Int64
        var gender: Gender
        var birthDate: CalendarDate
        var fields: [String: String?]
    }

    struct Context {
        var office: OfficeInfo
        var today: CalendarDate
        /// The stored application checked, if any.
        var application: Int64?
        var connection: PostgresConnection

        // MARK: Per type

        func personRegistration(_ p: PersonRegistration, _ outcome: inout CheckOutcome) throws {
            guard !outcome.hasError(at: "citizenId") else { return }
            if let office = try self.registeredOffice(of: p.citizenId) {
                outcome.add("citizenId", .personAlreadyRegistered, .error, ["office": office])
            }
            let birth = p.birthDate.flatMap(CalendarDate.init(iso:))
            try self.enrolmentLines(
                p.enrolments ?? [],
                citizenID: p.citizenId,
                birth: birth,
                gender: p.gender.flatMap(Gender.init(rawValue:)),
                &outcome
            )
        }

        func personChange(_ p: PersonChange, _ outcome: inout CheckOutcome) throws {
            guard !outcome.hasError(at: "citizenId") else { return }
            guard let person = try self.person(p.citizenId, field: "citizenId", &outcome) else { return }
            outcome.personID = person.id
            let proposed: [(String, String?)] = [
                ("name", p.name), ("phone", p.phone), ("address", p.address), ("householdType", p.householdType),
                ("ssCardNumber", p.ssCardNumber), ("bankCardNumber", p.bankCardNumber), ("bankName", p.bankName),
            ]
            for (field, value) in proposed {
                guard let value, let old = person.fields[field], old != value else { continue }
                outcome.effects.changes.append(Effects.Change(field: field, from: old, to: value))
            }
            if outcome.effects.changes.isEmpty && !outcome.hasError(at: "") {
                outcome.add("", .nothingChanged)
            }
        }

        func employerRegistration(_ p: EmployerRegistration, _ outcome: inout CheckOutcome) throws {
            guard !outcome.hasError(at: "creditCode") else { return }
            if let office = try self.connection.query(Self.employerOffice, [p.creditCode]).single()
                .decode(0, as: String?.self)
            {
                outcome.add("creditCode", .employerAlreadyRegistered, .error, ["office": office])
            }
        }

        func enrolment(_ p: Enrolment, _ outcome: inout CheckOutcome) throws {
            guard !outcome.hasError(at: "citizenId") else { return }
            let person = try self.person(p.citizenId, field: "citizenId", &outcome)
            outcome.personID = person?.id
            let parsed = CitizenID.parse(p.citizenId, field: "citizenId", today: self.today).0
            try self.enrolmentLines(
                p.enrolments,
                citizenID: p.citizenId,
                birth: person?.birthDate ?? parsed?.birthDate,
                gender: person?.gender ?? parsed?.gender,
                &outcome
            )
        }

        func newbornEnrolment(_ p: NewbornEnrolment, _ outcome: inout CheckOutcome) throws {
            if !outcome.hasError(at: "citizenId") {
                if let office = try self.registeredOffice(of: p.citizenId) {
                    outcome.add("citizenId", .personAlreadyRegistered, .error, ["office": office])
                }
                let active = try self.activeEnrolments(p.citizenId)
                if let office = active[Scheme.residentMedical.rawValue] {
                    self.addActive("citizenId", at: office, &outcome)
                }
            }
            if !outcome.hasError(at: "guardianCitizenId"), try self.registeredOffice(of: p.guardianCitizenId) == nil {
                outcome.add("guardianCitizenId", .guardianNotFound)
            }
            guard let birth = p.birthDate.flatMap(CalendarDate.init(iso:)), !outcome.hasError(at: "citizenId") else {
                return
            }
            let window = try self.policyValue("newborn_window_days") ?? 90
            let days = birth.days(to: self.today)
            if days > window {
                outcome.add("birthDate", .newbornOutsideWindow, .warning, ["days": "\(days)", "window": "\(window)"])
                outcome.effects.coverFrom = "payment"
            } else {
                outcome.effects.coverFrom = birth.iso
            }
            outcome.effects.enrolments = ["\(Scheme.residentMedical.rawValue) \(birth.period)"]
        }

        func enrolmentEnd(_ p: EnrolmentEnd, _ outcome: inout CheckOutcome) throws {
            guard let row = try self.connection.query(Self.findEnrolment, [p.enrolmentId]).first else {
                outcome.add("enrolmentId", .enrolmentNotFound)
                return
            }
            outcome.personID = try row.decode("person_id", as: Int64.self)
            let status = try row.decode("status", as: String.self)
            let start = try row.decode("start_period", as: Int.self)
            if status != "active" {
                outcome.add("enrolmentId", .enrolmentNotActive, .error, ["status": status])
            }
            if !outcome.hasError(at: "endPeriod") && p.endPeriod < start {
                outcome.add("endPeriod", .enrolmentEndBeforeStart, .error, ["start": "\(start)"])
            }
            outcome.effects.enrolments = ["\(try row.decode("scheme_code", as: String.self)) \(start)–\(p.endPeriod)"]
        }

        func baseDeclaration(_ p: BaseDeclaration, _ outcome: inout CheckOutcome) throws {
            guard let employer = try self.employer(p.employerId, field: "employerId", &outcome) else { return }
            outcome.employerID = p.employerId
            guard let year = Period(p.year * 100 + 1) else { return }
            for (index, line) in p.lines.enumerated() {
                let field = "lines[\(index)]"
                guard !outcome.hasError(at: field + ".citizenId") else { continue }
                guard try self.person(line.citizenId, field: field + ".citizenId", &outcome) != nil else { continue }
                for scheme in try self.employerSchemes(line.citizenId, employer: p.employerId) {
                    try self.contribution(
                        scheme,
                        wage: line.declaredWageFen,
                        period: year,
                        riskClass: employer.riskClass,
                        field: field + ".declaredWageFen",
                        citizen: line.citizenId,
                        &outcome
                    )
                }
            }
        }

        func transferOut(_ p: TransferOut, _ outcome: inout CheckOutcome) throws {
            guard !outcome.hasError(at: "citizenId") else { return }
            guard let person = try self.person(p.citizenId, field: "citizenId", &outcome) else { return }
            outcome.personID = person.id
            let destination = try self.connection.query(Self.officeByCode, [p.toOfficeCode]).first?.decode(
                0,
                as: Int64.self
            )
            if destination == nil || destination == person.officeID {
                outcome.add("toOfficeCode", .transferOfficeInvalid, .error, ["office": p.toOfficeCode])
            }
            if let pending = try self.connection.query(Self.pendingTransfer, [person.id]).first {
                outcome.add(
                    "citizenId",
                    .applicationPending,
                    .error,
                    ["application": "\(try pending.decode(0, as: Int64.self))"]
                )
            }
            outcome.effects.enrolments = try self.activeEnrolments(p.citizenId).keys.sorted()
        }

        func transferIn(_ p: TransferIn, _ outcome: inout CheckOutcome) throws {
            guard let row = try self.connection.query(Self.incomingTransfer, [p.transferId, self.office.id]).first
            else {
                outcome.add("transferId", .transferOfficeInvalid, .error, ["office": self.office.code])
                return
            }
            outcome.personID = try row.decode("person_id", as: Int64.self)
            let last = try row.decode("last_period", as: Int.self)
            if !outcome.hasError(at: "startPeriod") && p.startPeriod <= last {
                outcome.add("startPeriod", .enrolmentEndBeforeStart, .error, ["start": "\(last)"])
            }
            let citizen = try row.decode("citizen_id", as: String.self)
            outcome.effects.enrolments = try self.activeEnrolments(citizen).keys.sorted()
        }

        // MARK: Enrolment lines

        func enrolmentLines(
            _ lines: [EnrolmentLine],
            citizenID: String,
            birth: CalendarDate?,
            gender: Gender?,
            _ outcome: inout CheckOutcome
        ) throws {
            guard !lines.isEmpty else { return }
            let active = try self.activeEnrolments(citizenID)
            let requested = Set(lines.compactMap { Scheme(rawValue: $0.schemeCode) })
            for (index, line) in lines.enumerated() {
                let field = "enrolments[\(index)]"
                guard let scheme = Scheme(rawValue: line.schemeCode), !outcome.hasError(at: field + ".schemeCode")
                else { continue }
                if let office = active[scheme.rawValue] {
                    self.addActive(field + ".schemeCode", at: office, &outcome)
                }
                for other in scheme.conflicting where active[other.rawValue] != nil || requested.contains(other) {
                    outcome.add(
                        field + ".schemeCode",
                        .enrolmentConflictingScheme,
                        .error,
                        ["scheme": scheme.rawValue, "conflicting": other.rawValue]
                    )
                }
                if let birth, let gender, scheme == .enterprisePension || scheme == .publicInstitutionPension,
                    let retirement = try self.policyValue("retirement_age_\(gender.rawValue)"),
                    let start = Period(line.startPeriod)
                {
                    let age = birth.age(on: start.firstDay)
                    if age >= retirement {
                        outcome.add(field + ".startPeriod", .ageAboveRetirement, .warning, ["age": "\(age)"])
                    }
                }
                guard scheme.isEmployeeScheme, let employerID = line.employerId else { continue }
                guard let employer = try self.employer(employerID, field: field + ".employerId", &outcome) else {
                    continue
                }
                outcome.employerID = outcome.employerID ?? employerID
                guard let wage = line.declaredWageFen, let period = Period(line.startPeriod),
                    !outcome.hasError(at: field + ".declaredWageFen")
                else { continue }
                try self.contribution(
                    scheme,
                    wage: wage,
                    period: period,
                    riskClass: employer.riskClass,
                    field: field + ".declaredWageFen",
                    &outcome
                )
            }
        }

        /// Computes one scheme's monthly amounts from the region's policy for the period.
        func contribution(
            _ scheme: Scheme,
            wage: Int64,
            period: Period,
            riskClass: Int?,
            field: String,
            citizen: String? = nil,
            _ outcome: inout CheckOutcome
        ) throws {
            guard let rates = try self.rates(scheme, period) else {
                outcome.add(
                    field,
                    .policyMissing,
                    .error,
                    ["region": self.office.regionCode, "scheme": scheme.rawValue, "period": period.description]
                )
                return
            }
            let amounts = Domain.Contribution.compute(declaredWageFen: wage, rates: rates, riskClass: riskClass)
            outcome.issues += Domain.Contribution.baseIssues(amounts, rates: rates, field: field)
            outcome.effects.contributions.append(
                Effects.Contribution(
                    schemeCode: scheme.rawValue,
                    schemeName: scheme.nameZh,
                    declaredWageFen: wage,
                    baseFen: amounts.baseFen,
                    clamped: amounts.clamp.map { $0 == .floor ? "floor" : "ceiling" },
                    baseFloorFen: rates.baseFloorFen,
                    baseCeilingFen: rates.baseCeilingFen,
                    employerRatePpm: amounts.employerRatePPM,
                    personalRatePpm: amounts.personalRatePPM,
                    employerFen: amounts.employerFen,
                    personalFen: amounts.personalFen,
                    citizenId: citizen
                )
            )
        }

        // MARK: Look-ups

        /// The office code where `citizen` is registered, anywhere.
        /// An active enrolment in the scheme already, at the office of code `office`: named when it
        /// is another office's.
        func addActive(_ field: String, at office: String, _ outcome: inout CheckOutcome) {
            if office == self.office.code {
                outcome.add(field, .enrolmentAlreadyActive)
            } else {
                outcome.add(field, .enrolmentActiveElsewhere, .error, ["office": office])
            }
        }

        func registeredOffice(of citizen: String) throws -> String? {
            try self.connection.query(Self.personOffice, [citizen]).single().decode(0, as: String?.self)
        }

        /// Active enrolments anywhere: scheme → office code.
        func activeEnrolments(_ citizen: String) throws -> [String: String] {
            var active: [String: String] = [:]
            for row in try self.connection.query(Self.activeAnywhere, [citizen]) {
                active[try row.decode(0, as: String.self)] = try row.decode(1, as: String.self)
            }
            return active
        }

        /// A person of the caller's offices, or an issue.
        func person(_ citizen: String, field: String, _ outcome: inout CheckOutcome) throws -> PersonRow? {
            guard let row = try self.connection.query(Self.findPerson, [citizen]).first else {
                outcome.add(field, .personNotFound)
                return nil
            }
            return try Self.personRow(row)
        }

        static func personRow(_ row: PostgresRow) throws -> PersonRow {
            var fields: [String: String?] = [:]
            for (field, column) in [
                ("name", "name"), ("phone", "phone"), ("address", "address"), ("householdType", "household_type"),
                ("ssCardNumber", "ss_card_number"), ("bankCardNumber", "bank_card_number"), ("bankName", "bank_name"),
            ] {
                fields[field] = .some(try row.decode(column, as: String?.self))
            }
            let birth = try row.decode("birth_date", as: String.self)
            guard let birthDate = CalendarDate(iso: birth),
                let gender = Gender(rawValue: try row.decode("gender", as: String.self))
            else {
                throw BusinessFailure(.corrupt, zh: "人员记录损坏", en: "a person record is malformed")
            }
            return PersonRow(
                id: try row.decode("id", as: Int64.self),
                officeID: try row.decode("office_id", as: Int64.self),
                gender: gender,
                birthDate: birthDate,
                fields: fields
            )
        }

        struct EmployerRow {
            var name: String
            var riskClass: Int
        }

        /// An active employer of the caller's offices, or an issue.
        func employer(_ id: Int64, field: String, _ outcome: inout CheckOutcome) throws -> EmployerRow? {
            guard let row = try self.connection.query(Self.findEmployer, [id]).first else {
                outcome.add(field, .employerNotFound)
                return nil
            }
            let status = try row.decode("status", as: String.self)
            if status != "active" {
                outcome.add(field, .employerInactive, .error, ["status": status])
                return nil
            }
            return EmployerRow(
                name: try row.decode("name", as: String.self),
                riskClass: try row.decode("risk_class", as: Int.self)
            )
        }

        /// The employee schemes `citizen` is actively enrolled in through `employer`.
        func employerSchemes(_ citizen: String, employer: Int64) throws -> [Scheme] {
            try self.connection.query(Self.schemesWithEmployer, [citizen, employer]).compactMap {
                Scheme(rawValue: try $0.decode(0, as: String.self))
            }
        }

        /// The region's contribution policy for `scheme` in `period`.
        func rates(_ scheme: Scheme, _ period: Period) throws -> ContributionRates? {
            try PolicyLookup.contributionRates(
                region: self.office.regionCode,
                scheme: scheme,
                on: period.firstDay,
                connection: self.connection
            )
        }

        func policyValue(_ name: String) throws -> Int? {
            try PolicyLookup.value(name, region: self.office.regionCode, on: self.today, connection: self.connection)
        }

        static let personOffice = PreparedStatement("SELECT shebao.person_registered_office($1)")
        static let employerOffice = PreparedStatement("SELECT shebao.employer_registered_office($1)")
        static let activeAnywhere = PreparedStatement(
            "SELECT scheme_code, office_code FROM shebao.active_enrolments_anywhere($1)"
        )
        static let findPerson = PreparedStatement(
            """
            SELECT id, office_id, name, gender, birth_date::text, phone, address, household_type, \
            ss_card_number, bank_card_number, bank_name FROM shebao.person WHERE id_type = 'citizen' AND citizen_id = $1
            """
        )
        static let findEmployer = PreparedStatement(
            "SELECT name, status, risk_class FROM shebao.employer WHERE id = $1"
        )
        static let findEnrolment = PreparedStatement(
            "SELECT person_id, scheme_code, status, start_period FROM shebao.enrolment WHERE id = $1"
        )
        static let schemesWithEmployer = PreparedStatement(
            """
            SELECT scheme_code FROM shebao.enrolment WHERE citizen_id = $1 AND employer_id = $2 AND status = 'active' \
            ORDER BY scheme_code
            """
        )
        static let officeByCode = PreparedStatement("SELECT id FROM shebao.office WHERE code = $1")
        static let pendingTransfer = PreparedStatement(
            "SELECT out_application_id FROM shebao.person_transfer WHERE person_id = $1 AND status = 'pending'"
        )
        static let incomingTransfer = PreparedStatement(
            """
            SELECT t.person_id, t.last_period, t.citizen_id FROM shebao.person_transfer t \
            WHERE t.id = $1 AND t.destination_office_id = $2 AND t.status = 'pending'
            """
        )
    }
}
