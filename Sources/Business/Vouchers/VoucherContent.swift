/// What a voucher (办理凭证) says: the handled business, whom it concerns, who handled it and
/// when. It is stored as the voucher's `content` (jsonb), rendered by the API (JSON and a printable page) and
/// authenticated by ``VoucherCode`` through ``canonicalBytes()``.
///
/// Personal identifiers arrive masked (`personCitizenIdMasked`, `employerCreditCodeMasked`):
/// the full values never enter a voucher.
public struct VoucherContent: Sendable, Hashable, Codable {
    /// One line of what was decided, e.g. "企业职工基本养老保险 月缴费" →
    /// "单位 720.00 元，个人 360.00 元，基数 4500.00 元".
    public struct Detail: Sendable, Hashable, Codable {
        public var labelZh: String
        public var labelEn: String
        public var value: String

        public init(labelZh: String, labelEn: String, value: String) {
            self.labelZh = labelZh
            self.labelEn = labelEn
            self.value = value
        }
    }

    /// The voucher number: office code, date and sequence, `320102001-20261130-000017`.
    public var number: String
    /// The application type, e.g. `person_registration`.
    public var businessType: String
    /// The business's name as the operator and the applicant read it, e.g. "个人参保登记".
    public var businessNameZh: String
    public var businessNameEn: String
    public var applicationId: Int64
    public var personName: String?
    /// The citizen ID as displayed: `110105********1239`.
    public var personCitizenIdMasked: String?
    public var employerName: String?
    public var employerCreditCodeMasked: String?
    public var officeCode: String
    public var officeName: String
    /// The clerk who made the application (经办人).
    public var makerName: String
    public var makerUsername: String
    /// The reviewer who decided it (复核人).
    public var reviewerName: String
    public var reviewerUsername: String
    /// ISO 8601 with the +08:00 offset, e.g. `2026-11-30T09:41:07+08:00`.
    public var submittedAt: String
    /// ISO 8601 with the +08:00 offset.
    public var issuedAt: String
    /// The application's outcome: `approved`.
    public var result: String
    public var details: [Detail]
    /// The statutory time limit of the business, in working days (domain rules §11.1).
    public var timeLimitWorkingDays: Int?

    public init(
        number: String,
        businessType: String,
        businessNameZh: String,
        businessNameEn: String,
        applicationId: Int64,
        personName: String? = nil,
        personCitizenIdMasked: String? = nil,
        employerName: String? = nil,
        employerCreditCodeMasked: String? = nil,
        officeCode: String,
        officeName: String,
        makerName: String,
        makerUsername: String,
        reviewerName: String,
        reviewerUsername: String,
        submittedAt: String,
        issuedAt: String,
        result: String,
        details: [Detail] = [],
        timeLimitWorkingDays: Int? = nil
    ) {
        self.number = number
        self.businessType = businessType
        self.businessNameZh = businessNameZh
        self.businessNameEn = businessNameEn
        self.applicationId = applicationId
        self.personName = personName
        self.personCitizenIdMasked = personCitizenIdMasked
        self.employerName = employerName
        self.employerCreditCodeMasked = employerCreditCodeMasked
        self.officeCode = officeCode
        self.officeName = officeName
        self.makerName = makerName
        self.makerUsername = makerUsername
        self.reviewerName = reviewerName
        self.reviewerUsername = reviewerUsername
        self.submittedAt = submittedAt
        self.issuedAt = issuedAt
        self.result = result
        self.details = details
        self.timeLimitWorkingDays = timeLimitWorkingDays
    }

    /// The content as one deterministic string of bytes, the input of the voucher's MAC: a JSON
    /// object with its keys sorted by their UTF-8 bytes at every level, no whitespace, integers in
    /// decimal, strings escaped as RFC 8785 §3.2.2.2 does (only `"`, `\` and the controls; the
    /// rest as UTF-8, not normalised), absent values left out.
    ///
    /// Equal contents give equal bytes whatever order the stored jsonb returns its keys in, so a
    /// voucher read back from the database verifies. Changing this format invalidates every code
    /// already printed.
    /// - Returns: the UTF-8 bytes of the canonical JSON.
    public func canonicalBytes() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        self.canonicalValue.write(into: &bytes)
        return bytes
    }

    private var canonicalValue: CanonicalJSON {
        var fields: [String: CanonicalJSON] = [
            "number": .string(self.number),
            "businessType": .string(self.businessType),
            "businessNameZh": .string(self.businessNameZh),
            "businessNameEn": .string(self.businessNameEn),
            "applicationId": .integer(self.applicationId),
            "officeCode": .string(self.officeCode),
            "officeName": .string(self.officeName),
            "makerName": .string(self.makerName),
            "makerUsername": .string(self.makerUsername),
            "reviewerName": .string(self.reviewerName),
            "reviewerUsername": .string(self.reviewerUsername),
            "submittedAt": .string(self.submittedAt),
            "issuedAt": .string(self.issuedAt),
            "result": .string(self.result),
            "details": .array(
                self.details.map { detail in
                    .object([
                        "labelZh": .string(detail.labelZh), "labelEn": .string(detail.labelEn),
                        "value": .string(detail.value),
                    ])
                }
            ),
        ]
        // Absent values are left out rather than written as null, so that an optional field added
        // later leaves the bytes, and so the codes, of the vouchers issued before it unchanged.
        let optionals: [(String, CanonicalJSON?)] = [
            ("personName", self.personName.map { .string($0) }),
            ("personCitizenIdMasked", self.personCitizenIdMasked.map { .string($0) }),
            ("employerName", self.employerName.map { .string($0) }),
            ("employerCreditCodeMasked", self.employerCreditCodeMasked.map { .string($0) }),
            ("timeLimitWorkingDays", self.timeLimitWorkingDays.map { .integer(Int64($0)) }),
        ]
        for case (let key, let value?) in optionals {
            fields[key] = value
        }
        return .object(fields)
    }
}

/// A JSON value written in the canonical form of ``VoucherContent/canonicalBytes()``.
private indirect enum CanonicalJSON {
    case string(String)
    case integer(Int64)
    case array([CanonicalJSON])
    case object([String: CanonicalJSON])

    func write(into bytes: inout [UInt8]) {
        switch self {
        case .string(let text):
            Self.writeString(text, into: &bytes)
        case .integer(let value):
            bytes.append(contentsOf: String(value).utf8)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                element.write(into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            // Sorted by UTF-8 bytes, not by String's `<`, which compares under Unicode canonical
            // equivalence: the order is fixed by the bytes alone.
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in sorted.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                member.value.write(into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    // RFC 8259 §7 with RFC 8785 §3.2.2.2's choices: the two-character escapes where JSON has one,
    // `\u00xx` in lower-case hex for the other controls, everything else as its own UTF-8 bytes.
    private static func writeString(_ text: String, into bytes: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0C: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0..<0x20:
                bytes += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")]
                bytes += [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
