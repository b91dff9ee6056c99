public import Domain
import Foundation
public import Postgres

/// An application's payload with its type: what the request body's `payload` decodes to.
public enum TypedPayload: Sendable, Hashable {
    case personRegistration(PersonRegistration)
    case personChange(PersonChange)
    case employerRegistration(EmployerRegistration)
    case enrolment(Enrolment)
    case newbornEnrolment(NewbornEnrolment)
    case enrolmentEnd(EnrolmentEnd)
    case baseDeclaration(BaseDeclaration)
    case transferOut(TransferOut)
    case transferIn(TransferIn)
    case benefitTakeover(BenefitTakeover)

    /// The largest body of an application taken: the largest its schema allows (a base
    /// declaration of 5,000 lines, each character escaped), which a test computes.
    public static let maxBytes = 4 * 1024 * 1024

    /// Decodes a stored payload (the `application.payload` column).
    public static func decode(_ type: ApplicationType, stored: PostgresJSON) throws -> TypedPayload {
        try Self.decode(type, StoredReader(json: stored))
    }

    /// Decodes a payload of `type` from `reader`.
    public static func decode(_ type: ApplicationType, _ reader: some PayloadReader) throws -> TypedPayload {
        switch type {
        case .personRegistration: .personRegistration(try reader.read())
        case .personChange: .personChange(try reader.read())
        case .employerRegistration: .employerRegistration(try reader.read())
        case .enrolment: .enrolment(try reader.read())
        case .newbornEnrolment: .newbornEnrolment(try reader.read())
        case .enrolmentEnd: .enrolmentEnd(try reader.read())
        case .baseDeclaration: .baseDeclaration(try reader.read())
        case .transferOut: .transferOut(try reader.read())
        case .transferIn: .transferIn(try reader.read())
        case .benefitTakeover: .benefitTakeover(try reader.read())
        }
    }

    /// The business type.
    public var type: ApplicationType {
        switch self {
        case .personRegistration: .personRegistration
        case .personChange: .personChange
        case .employerRegistration: .employerRegistration
        case .enrolment: .enrolment
        case .newbornEnrolment: .newbornEnrolment
        case .enrolmentEnd: .enrolmentEnd
        case .baseDeclaration: .baseDeclaration
        case .transferOut: .transferOut
        case .transferIn: .transferIn
        case .benefitTakeover: .benefitTakeover
        }
    }

    /// The payload, normalised, with the accuracy issues found on the way.
    public func accuracyChecked(today: CalendarDate) -> (TypedPayload, [ValidationIssue]) {
        func checked<P: AccuracyChecked>(_ payload: P, _ wrap: (P) -> TypedPayload) -> (TypedPayload, [ValidationIssue])
        {
            let (normalised, issues) = payload.accuracyChecked(today: today)
            return (wrap(normalised), issues)
        }
        switch self {
        case .personRegistration(let p): return checked(p, TypedPayload.personRegistration)
        case .personChange(let p): return checked(p, TypedPayload.personChange)
        case .employerRegistration(let p): return checked(p, TypedPayload.employerRegistration)
        case .enrolment(let p): return checked(p, TypedPayload.enrolment)
        case .newbornEnrolment(let p): return checked(p, TypedPayload.newbornEnrolment)
        case .enrolmentEnd(let p): return checked(p, TypedPayload.enrolmentEnd)
        case .baseDeclaration(let p): return checked(p, TypedPayload.baseDeclaration)
        case .transferOut(let p): return checked(p, TypedPayload.transferOut)
        case .transferIn(let p): return checked(p, TypedPayload.transferIn)
        case .benefitTakeover(let p): return checked(p, TypedPayload.benefitTakeover)
        }
    }

    /// The payload as stored and as answered (sorted keys).
    public func json() throws -> PostgresJSON {
        switch self {
        case .personRegistration(let p): try PostgresJSON(encoding: p)
        case .personChange(let p): try PostgresJSON(encoding: p)
        case .employerRegistration(let p): try PostgresJSON(encoding: p)
        case .enrolment(let p): try PostgresJSON(encoding: p)
        case .newbornEnrolment(let p): try PostgresJSON(encoding: p)
        case .enrolmentEnd(let p): try PostgresJSON(encoding: p)
        case .baseDeclaration(let p): try PostgresJSON(encoding: p)
        case .transferOut(let p): try PostgresJSON(encoding: p)
        case .transferIn(let p): try PostgresJSON(encoding: p)
        case .benefitTakeover(let p): try PostgresJSON(encoding: p)
        }
    }
}

/// Where a payload is decoded from: a stored one, a request's.
public protocol PayloadReader {
    func read<P: Decodable>() throws -> P
}

/// A payload as stored.
private struct StoredReader: PayloadReader {
    var json: PostgresJSON

    func read<P: Decodable>() throws -> P {
        try self.json.decode(P.self)
    }
}
