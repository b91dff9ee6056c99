/// The business types an application can carry (the `application.type` column).
public enum ApplicationType: String, Sendable, Hashable, CaseIterable, Codable {
    case personRegistration = "person_registration"
    case personChange = "person_change"
    case employerRegistration = "employer_registration"
    case enrolment
    case newbornEnrolment = "newborn_enrolment"
    case enrolmentEnd = "enrolment_end"
    case baseDeclaration = "base_declaration"
    case transferOut = "transfer_out"
    case transferIn = "transfer_in"
    case benefitTakeover = "benefit_takeover"
}

/// One scheme a person is enrolled in: by an employer for employee schemes (110, 120, 210, 310,
/// 410, 510), alone for residents' schemes (170, 390). The wage is the declared monthly wage in
/// fen, from which the base is clamped.
public struct EnrolmentLine: Sendable, Hashable, Codable {
    public var schemeCode: String
    public var employerId: Int64?
    /// `YYYYMM`.
    public var startPeriod: Int
    public var declaredWageFen: Int64?

    public init(schemeCode: String, employerId: Int64? = nil, startPeriod: Int, declaredWageFen: Int64? = nil) {
        self.schemeCode = schemeCode
        self.employerId = employerId
        self.startPeriod = startPeriod
        self.declaredWageFen = declaredWageFen
    }
}

/// 参保登记: a new insured person, and optionally their first enrolments.
public struct PersonRegistration: Sendable, Hashable, Codable {
    public var name: String
    public var citizenId: String
    /// `male` or `female`; optional, cross-checked with the ID when given.
    public var gender: String?
    /// `YYYY-MM-DD`; optional, cross-checked with the ID when given.
    public var birthDate: String?
    public var phone: String?
    public var address: String?
    /// `urban` or `rural`.
    public var householdType: String
    public var ssCardNumber: String?
    public var bankCardNumber: String?
    public var bankName: String?
    public var enrolments: [EnrolmentLine]?

    public init(
        name: String,
        citizenId: String,
        gender: String? = nil,
        birthDate: String? = nil,
        phone: String? = nil,
        address: String? = nil,
        householdType: String,
        ssCardNumber: String? = nil,
        bankCardNumber: String? = nil,
        bankName: String? = nil,
        enrolments: [EnrolmentLine]? = nil
    ) {
        self.name = name
        self.citizenId = citizenId
        self.gender = gender
        self.birthDate = birthDate
        self.phone = phone
        self.address = address
        self.householdType = householdType
        self.ssCardNumber = ssCardNumber
        self.bankCardNumber = bankCardNumber
        self.bankName = bankName
        self.enrolments = enrolments
    }
}

/// 信息变更: new values for a registered person's changeable details. Absent fields stay.
public struct PersonChange: Sendable, Hashable, Codable, IdentifiesPerson {
    /// Who: the citizen ID, or empty when ``personId`` names the person instead.
    public var citizenId: String
    /// The person's record, in place of (or beside) the citizen ID.
    public var personId: Int64?
    public var name: String?
    public var phone: String?
    public var address: String?
    public var householdType: String?
    public var ssCardNumber: String?
    public var bankCardNumber: String?
    public var bankName: String?

    public init(
        citizenId: String,
        personId: Int64? = nil,
        name: String? = nil,
        phone: String? = nil,
        address: String? = nil,
        householdType: String? = nil,
        ssCardNumber: String? = nil,
        bankCardNumber: String? = nil,
        bankName: String? = nil
    ) {
        self.citizenId = citizenId
        self.personId = personId
        self.name = name
        self.phone = phone
        self.address = address
        self.householdType = householdType
        self.ssCardNumber = ssCardNumber
        self.bankCardNumber = bankCardNumber
        self.bankName = bankName
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.citizenId = try container.decodeIfPresent(String.self, forKey: .citizenId) ?? ""
        self.personId = try container.decodeIfPresent(Int64.self, forKey: .personId)
        self.name = try container.decodeIfPresent(String.self, forKey: .name)
        self.phone = try container.decodeIfPresent(String.self, forKey: .phone)
        self.address = try container.decodeIfPresent(String.self, forKey: .address)
        self.householdType = try container.decodeIfPresent(String.self, forKey: .householdType)
        self.ssCardNumber = try container.decodeIfPresent(String.self, forKey: .ssCardNumber)
        self.bankCardNumber = try container.decodeIfPresent(String.self, forKey: .bankCardNumber)
        self.bankName = try container.decodeIfPresent(String.self, forKey: .bankName)
    }
}

/// 单位参保登记.
public struct EmployerRegistration: Sendable, Hashable, Codable {
    public var creditCode: String
    public var name: String
    /// GB/T 4754: a section letter A–T and up to four digits.
    public var industryCode: String
    /// Work-injury risk class 1–8.
    public var riskClass: Int
    public var address: String?
    public var contactPhone: String?

    public init(
        creditCode: String,
        name: String,
        industryCode: String,
        riskClass: Int,
        address: String? = nil,
        contactPhone: String? = nil
    ) {
        self.creditCode = creditCode
        self.name = name
        self.industryCode = industryCode
        self.riskClass = riskClass
        self.address = address
        self.contactPhone = contactPhone
    }
}

/// 参保 / 增员: enrolment of a registered person in one or more schemes.
public struct Enrolment: Sendable, Hashable, Codable, IdentifiesPerson {
    /// Who: the citizen ID, or empty when ``personId`` names the person instead.
    public var citizenId: String
    /// The person's record, in place of (or beside) the citizen ID.
    public var personId: Int64?
    public var enrolments: [EnrolmentLine]

    public init(
        citizenId: String,
        personId: Int64? = nil,
        enrolments: [EnrolmentLine]
    ) {
        self.citizenId = citizenId
        self.personId = personId
        self.enrolments = enrolments
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.citizenId = try container.decodeIfPresent(String.self, forKey: .citizenId) ?? ""
        self.personId = try container.decodeIfPresent(Int64.self, forKey: .personId)
        self.enrolments = try container.decode([EnrolmentLine].self, forKey: .enrolments)
    }
}

/// 新生儿参保: a newborn registered and enrolled in residents' medical insurance (390).
public struct NewbornEnrolment: Sendable, Hashable, Codable {
    public var name: String
    public var citizenId: String
    public var gender: String?
    public var birthDate: String?
    public var householdType: String
    /// The guardian's citizen ID; the guardian is a registered person.
    public var guardianCitizenId: String
    public var guardianPhone: String?

    public init(
        name: String,
        citizenId: String,
        gender: String? = nil,
        birthDate: String? = nil,
        householdType: String,
        guardianCitizenId: String,
        guardianPhone: String? = nil
    ) {
        self.name = name
        self.citizenId = citizenId
        self.gender = gender
        self.birthDate = birthDate
        self.householdType = householdType
        self.guardianCitizenId = guardianCitizenId
        self.guardianPhone = guardianPhone
    }
}

/// 停保 / 减员: the end of an enrolment.
public struct EnrolmentEnd: Sendable, Hashable, Codable {
    public var enrolmentId: Int64
    /// The last period covered, `YYYYMM`.
    public var endPeriod: Int
    /// Why: `left_employer`, `retired`, `deceased`, `emigrated`, `transferred`, `other`.
    public var reason: String

    public init(
        enrolmentId: Int64,
        endPeriod: Int,
        reason: String
    ) {
        self.enrolmentId = enrolmentId
        self.endPeriod = endPeriod
        self.reason = reason
    }
}

/// 缴费基数申报: an employer's declared wages of its staff for a contribution year.
public struct BaseDeclaration: Sendable, Hashable, Codable {
    public struct Line: Sendable, Hashable, Codable {
        public var citizenId: String
        public var declaredWageFen: Int64

        public init(
            citizenId: String,
            declaredWageFen: Int64
        ) {
            self.citizenId = citizenId
            self.declaredWageFen = declaredWageFen
        }
    }

    public var employerId: Int64
    public var year: Int
    public var lines: [Line]

    public init(
        employerId: Int64,
        year: Int,
        lines: [Line]
    ) {
        self.employerId = employerId
        self.year = year
        self.lines = lines
    }
}

/// 关系转出: a person's insurance relationship leaves for another office.
public struct TransferOut: Sendable, Hashable, Codable, IdentifiesPerson {
    /// Who: the citizen ID, or empty when ``personId`` names the person instead.
    public var citizenId: String
    /// The person's record, in place of (or beside) the citizen ID.
    public var personId: Int64?
    /// The receiving office's code.
    public var toOfficeCode: String
    /// The last period paid here, `YYYYMM`.
    public var lastPeriod: Int

    public init(
        citizenId: String,
        personId: Int64? = nil,
        toOfficeCode: String,
        lastPeriod: Int
    ) {
        self.citizenId = citizenId
        self.personId = personId
        self.toOfficeCode = toOfficeCode
        self.lastPeriod = lastPeriod
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.citizenId = try container.decodeIfPresent(String.self, forKey: .citizenId) ?? ""
        self.personId = try container.decodeIfPresent(Int64.self, forKey: .personId)
        self.toOfficeCode = try container.decode(String.self, forKey: .toOfficeCode)
        self.lastPeriod = try container.decode(Int.self, forKey: .lastPeriod)
    }
}

/// A payload about a registered person, named by citizen ID or by the person's record ID: lists
/// mask the ID, so a client that found the person by name sends the record's ID instead.
public protocol IdentifiesPerson {
    /// The citizen ID; empty when only ``personId`` is given (the checks fill it in).
    var citizenId: String { get set }
    var personId: Int64? { get }
}

/// 关系转入: the receiving office takes in a transfer.
public struct TransferIn: Sendable, Hashable, Codable {
    public var transferId: Int64
    /// The first period paid here, `YYYYMM`.
    public var startPeriod: Int

    public init(
        transferId: Int64,
        startPeriod: Int
    ) {
        self.transferId = transferId
        self.startPeriod = startPeriod
    }
}

/// 待遇接续（原系统移交）: a person already receiving a recurring benefit, a pensioner say, taken
/// over from a previous system with the figures that system paid.
public struct BenefitTakeover: Sendable, Hashable, Codable, IdentifiesPerson {
    /// The most characters of the previous system's reference.
    public static let maximumReferenceLength = 64

    /// Who: the citizen ID, or empty when ``personId`` names the person instead.
    public var citizenId: String
    /// The person's record, in place of (or beside) the citizen ID.
    public var personId: Int64?
    /// A recurring ``BenefitKind``: `basic_pension`, `unemployment_benefit`,
    /// `disability_allowance`, `survivor_pension`.
    public var kind: String
    /// The monthly amount, in fen.
    public var monthlyAmountFen: Int64
    /// The first period paid, `YYYYMM`.
    public var startPeriod: Int
    /// The last period paid, `YYYYMM`, when the entitlement ends at a known month.
    public var endPeriod: Int?
    /// The paying bank's code (`shebao.bank`): `ICBC`, `BOC`, `CCB`.
    public var bankCode: String
    public var bankCardNumber: String
    /// What the previous system called the record.
    public var previousReference: String?

    public init(
        citizenId: String,
        personId: Int64? = nil,
        kind: String,
        monthlyAmountFen: Int64,
        startPeriod: Int,
        endPeriod: Int? = nil,
        bankCode: String,
        bankCardNumber: String,
        previousReference: String? = nil
    ) {
        self.citizenId = citizenId
        self.personId = personId
        self.kind = kind
        self.monthlyAmountFen = monthlyAmountFen
        self.startPeriod = startPeriod
        self.endPeriod = endPeriod
        self.bankCode = bankCode
        self.bankCardNumber = bankCardNumber
        self.previousReference = previousReference
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.citizenId = try container.decodeIfPresent(String.self, forKey: .citizenId) ?? ""
        self.personId = try container.decodeIfPresent(Int64.self, forKey: .personId)
        self.kind = try container.decode(String.self, forKey: .kind)
        self.monthlyAmountFen = try container.decode(Int64.self, forKey: .monthlyAmountFen)
        self.startPeriod = try container.decode(Int.self, forKey: .startPeriod)
        self.endPeriod = try container.decodeIfPresent(Int.self, forKey: .endPeriod)
        self.bankCode = try container.decode(String.self, forKey: .bankCode)
        self.bankCardNumber = try container.decode(String.self, forKey: .bankCardNumber)
        self.previousReference = try container.decodeIfPresent(String.self, forKey: .previousReference)
    }
}
