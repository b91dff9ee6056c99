/// The stable codes of ``ValidationIssue``s. Clients may switch on them; the messages in both
/// languages are in ``IssueMessages``. Arguments each code fills are listed beside it.
public enum IssueCode: String, Sendable, Hashable, CaseIterable {
    // MARK: Accuracy: any field
    /// A required field is missing or blank.
    case required
    /// Longer than allowed. `max`.
    case tooLong = "too_long"
    /// Not one of the allowed values. `allowed` (comma-separated).
    case notAllowed = "not_allowed"
    /// Not a calendar date `YYYY-MM-DD`.
    case invalidDate = "invalid_date"
    /// Not a period `YYYYMM`.
    case invalidPeriod = "invalid_period"
    /// An amount of money below zero or beyond any plausible figure. `max` (yuan).
    case amountOutOfRange = "amount_out_of_range"
    /// A number outside its range. `min`, `max`.
    case outOfRange = "out_of_range"

    // MARK: Shape: what a request's JSON, parameters and headers must be (400)
    /// A member, parameter or body of the wrong JSON type. `expected` (string, integer, number,
    /// boolean, array, object, null; several comma-separated).
    case wrongType = "wrong_type"
    /// A member the request's schema does not know.
    case unknownField = "unknown_field"
    /// Shorter than allowed. `min`.
    case tooShort = "too_short"
    /// Not of the form the schema's pattern gives. `pattern`.
    case patternMismatch = "pattern_mismatch"
    /// Holds a control character (NUL, or a line break where the field takes one line).
    case controlCharacter = "control_character"
    /// Fewer items than allowed. `min`.
    case tooFewItems = "too_few_items"
    /// More items than allowed. `max`.
    case tooManyItems = "too_many_items"
    /// Not a date and time of RFC 3339 (`2026-12-03T10:00:00+08:00`).
    case invalidDateTime = "invalid_date_time"
    /// Matches none of the shapes allowed here, or more than one where only one may match.
    case shapeMismatch = "shape_mismatch"
    /// The body is not JSON (or not UTF-8).
    case invalidJSON = "invalid_json"
    /// The body nests arrays and objects deeper than allowed. `max`.
    case nestedTooDeep = "nested_too_deep"

    // MARK: Accuracy: identifiers
    /// Not 18 characters (or 15 legacy digits).
    case citizenIDLength = "citizen_id.length"
    /// A character other than digits (and a final X).
    case citizenIDCharacters = "citizen_id.characters"
    /// The MOD 11-2 check character does not match.
    case citizenIDCheckCharacter = "citizen_id.check_character"
    /// Positions 7–14 are not a real date, or before 1800-01-01.
    case citizenIDBirthDate = "citizen_id.birth_date"
    /// The birth date it encodes is in the future.
    case citizenIDFutureBirthDate = "citizen_id.future_birth_date"
    /// Positions 1–2 are no province.
    case citizenIDRegion = "citizen_id.region"
    /// Warning: a legacy 15-digit number was converted. `converted`.
    case citizenIDConverted = "citizen_id.converted"
    /// The entered gender is not the one the ID encodes. `derived` (male/female).
    case genderMismatch = "gender_mismatch"
    /// The entered birth date is not the one the ID encodes. `derived` (YYYY-MM-DD).
    case birthDateMismatch = "birth_date_mismatch"
    /// A name that is not Chinese characters with `·`, or Latin letters and spaces.
    case nameInvalid = "name.invalid"
    /// Not a mainland mobile number (11 digits starting 13–19).
    case mobileInvalid = "mobile.invalid"
    /// Not 18 characters.
    case creditCodeLength = "credit_code.length"
    /// A character outside the code's 31 (no I, O, S, V, Z), or letters in the region segment.
    case creditCodeCharacters = "credit_code.characters"
    /// The GB 32100 check character does not match.
    case creditCodeCheckCharacter = "credit_code.check_character"
    /// Warning: the organisation code inside (positions 9–17) fails its GB 11714 check.
    case creditCodeOrganisationCheck = "credit_code.organisation_check"
    /// Not 16–19 digits after spaces and hyphens are removed. `min`, `max`.
    case bankCardLength = "bank_card.length"
    /// The Luhn check digit does not match.
    case bankCardCheckDigit = "bank_card.check_digit"
    /// Not 1–20 of 0-9 and A-Z.
    case socialSecurityCardInvalid = "ss_card.invalid"
    /// Not a scheme this system handles. `allowed`.
    case schemeUnknown = "scheme.unknown"
    /// The same scheme twice in one application. `scheme`.
    case schemeRepeated = "scheme.repeated"
    /// The same person twice in one declaration. `line` (the first line's position, from 1).
    case citizenIDRepeated = "citizen_id.repeated"
    /// Not a national industry classification code (a letter A–T and up to four digits).
    case industryCodeInvalid = "industry_code.invalid"
    /// Not a landline or mobile number (5–20 of digits, `+`, `-`).
    case phoneInvalid = "phone.invalid"
    /// A monthly benefit of nothing, or beyond any plausible figure. `min`, `max` (yuan).
    case benefitAmountOutOfRange = "benefit.amount_out_of_range"
    /// A benefit's end period before its start. `start`.
    case benefitEndBeforeStart = "benefit.end_before_start"

    // MARK: Compliance
    /// Actively enrolled in this scheme already, at office `office` (its code only).
    case enrolmentActiveElsewhere = "enrolment.active_elsewhere"
    /// Actively enrolled in this scheme already, at the caller's own office.
    case enrolmentAlreadyActive = "enrolment.already_active"
    /// Actively enrolled in a scheme that excludes this one. `scheme`, `conflicting`.
    case enrolmentConflictingScheme = "enrolment.conflicting_scheme"
    /// No enrolment with that ID in your offices.
    case enrolmentNotFound = "enrolment.not_found"
    /// The enrolment is not active.
    case enrolmentNotActive = "enrolment.not_active"
    /// The end period is before the start. `start`.
    case enrolmentEndBeforeStart = "enrolment.end_before_start"
    /// Warning: the declared wage was below the floor; the floor is the base. `declared`, `floor`, `ceiling` (yuan).
    case baseBelowFloor = "base.below_floor"
    /// Warning: the declared wage was above the ceiling; the ceiling is the base. `declared`, `floor`, `ceiling`.
    case baseAboveCeiling = "base.above_ceiling"
    /// An employee scheme needs the declared monthly wage.
    case baseRequired = "base.required"
    /// No contribution policy for the region, scheme and month. `region`, `scheme`, `period`.
    case policyMissing = "policy.missing"
    /// An employee scheme needs the employer.
    case employerRequired = "employer.required"
    /// A residents' scheme takes no employer. `scheme`.
    case employerNotAllowed = "employer.not_allowed"
    /// No employer with that ID or credit code in your offices.
    case employerNotFound = "employer.not_found"
    /// The employer is suspended or closed. `status`.
    case employerInactive = "employer.inactive"
    /// The credit code is registered already, at office `office`.
    case employerAlreadyRegistered = "employer.already_registered"
    /// No person with that citizen ID in your offices.
    case personNotFound = "person.not_found"
    /// The citizen ID given is not the one of the person `personId` names.
    case personMismatch = "person.mismatch"
    /// The citizen ID is registered already, at office `office`.
    case personAlreadyRegistered = "person.already_registered"
    /// Younger than the legal working age for an employee scheme. `age`, `minimum`.
    case ageBelowWorkingAge = "age.below_working_age"
    /// Warning: past the statutory retirement age for an employee pension scheme. `age`.
    case ageAboveRetirement = "age.above_retirement"
    /// A newborn enrolment for a child older than a year. `days`.
    case newbornTooOld = "newborn.too_old"
    /// Warning: enrolled more than `window` days after birth (`days`); cover starts after payment, not at birth.
    case newbornOutsideWindow = "newborn.outside_window"
    /// The guardian is not a registered person. (Newborn enrolment.)
    case guardianNotFound = "guardian.not_found"
    /// Warning: the start period is more than 12 months ahead. `period`.
    case periodFarAhead = "period.far_ahead"
    /// The start period is before the person's birth month. `period`.
    case periodBeforeBirth = "period.before_birth"
    /// Nothing to change: every field is the same as the record's.
    case nothingChanged = "nothing_changed"
    /// The destination office does not exist or is the person's own. `office`.
    case transferOfficeInvalid = "transfer.office_invalid"
    /// The person has an application of the same kind under way. `application`.
    case applicationPending = "application.pending"
    /// The person has a benefit of this kind already, not ended, at office `office` (its code
    /// only). `kind`, `status`.
    case benefitExists = "benefit.exists"
    /// No bank of that code pays benefits. `allowed`.
    case bankNotFound = "bank.not_found"
}
