/// A citizen ID number that passed ``CitizenID/parse(_:field:today:)``, with what it encodes.
public struct ParsedCitizenID: Sendable, Hashable {
    /// The 18-character number, a check character of ten as an upper-case `X`.
    public var number: String
    /// Positions 7–14.
    public var birthDate: CalendarDate
    /// From position 17: odd is male, even female.
    public var gender: Gender
    /// Positions 1–6, the county-level division code of the household registration.
    public var regionCode: String
    /// The 15-digit input when a legacy number was converted, to match old records by.
    public var legacyNumber: String?

    public init(number: String, birthDate: CalendarDate, gender: Gender, regionCode: String, legacyNumber: String?) {
        self.number = number
        self.birthDate = birthDate
        self.gender = gender
        self.regionCode = regionCode
        self.legacyNumber = legacyNumber
    }
}

extension CitizenID {
    /// The same type as the top-level ``Domain/ParsedCitizenID``, for callers that spell it under
    /// ``CitizenID``.
    public typealias ParsedCitizenID = Domain.ParsedCitizenID
}
