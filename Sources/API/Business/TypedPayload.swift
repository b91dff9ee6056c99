import Domain
import Foundation
import HTTPServer
import Postgres

/// An application's payload with its type: what the request body's `payload` decodes to.
enum TypedPayload: Sendable, Hashable {
    case personRegistration(PersonRegistration)
    case personChange(PersonChange)
    case employerRegistration(EmployerRegistration)
    case enrolment(Enrolment)
    case newbornEnrolment(NewbornEnrolment)
    case enrolmentEnd(EnrolmentEnd)
    case baseDeclaration(BaseDeclaration)
    case transferOut(TransferOut)
    case transferIn(TransferIn)

    private struct Head: Decodable {
        var type: String?
    }

    /// The type named by a request body's `type`.
    ///
    /// - Throws: ``BusinessError`` 422 naming `type` when it is absent or unknown.
    static func type(of body: [UInt8]) throws -> ApplicationType {
        let head = try JSONBody.decode(Head.self, from: body, maxBytes: Self.maxBytes)
        guard let name = head.type, let type = ApplicationType(rawValue: name) else {
            throw BusinessError.invalid([
                ValidationIssue(
                    field: "type",
                    code: head.type == nil ? .required : .notAllowed,
                    arguments: ["allowed": ApplicationType.allCases.map(\.rawValue).joined(separator: ", ")]
                )
            ])
        }
        return type
    }

    static let maxBytes = 256 * 1024

    /// Decodes the `payload` member of a request body as `type`'s payload.
    ///
    /// - Throws: ``HTTPError`` 400 naming the first field of the wrong shape.
    static func decode(_ type: ApplicationType, body: [UInt8]) throws -> TypedPayload {
        try Self.decode(type, BodyReader(body: body))
    }

    /// Decodes a stored payload (the `application.payload` column).
    static func decode(_ type: ApplicationType, stored: PostgresJSON) throws -> TypedPayload {
        try Self.decode(type, StoredReader(json: stored))
    }

    private static func decode(_ type: ApplicationType, _ reader: some PayloadReader) throws -> TypedPayload {
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
        }
    }

    /// The payload, normalised, with the accuracy issues found on the way.
    func accuracyChecked(today: CalendarDate) -> (TypedPayload, [ValidationIssue]) {
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
        }
    }

    /// The payload as stored and as answered (sorted keys).
    func json() throws -> PostgresJSON {
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
        }
    }
}

/// Where a payload is decoded from.
private protocol PayloadReader {
    func read<P: Decodable>() throws -> P
}

/// The `payload` member of a request body, within the body limits.
private struct BodyReader: PayloadReader {
    struct Envelope<P: Decodable>: Decodable {
        var payload: P
    }

    var body: [UInt8]

    func read<P: Decodable>() throws -> P {
        try JSONBody.decode(Envelope<P>.self, from: self.body, maxBytes: TypedPayload.maxBytes).payload
    }
}

/// A payload as stored.
private struct StoredReader: PayloadReader {
    var json: PostgresJSON

    func read<P: Decodable>() throws -> P {
        try self.json.decode(P.self)
    }
}
