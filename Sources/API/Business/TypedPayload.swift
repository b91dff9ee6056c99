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

    /// The largest body of an application taken: the largest its schema allows (a base
    /// declaration of 5,000 lines, each character escaped), which a test computes.
    static let maxBytes = 4 * 1024 * 1024

    /// The business type and payload of a checked `ApplicationRequest` body.
    static func decode(_ input: RequestInput) throws -> TypedPayload {
        guard case .object(let members)? = input.body, case .string(let name)? = members["type"],
            let type = ApplicationType(rawValue: name), let payload = members["payload"]
        else {
            preconditionFailure("an ApplicationRequest passed its schema without a type and a payload")
        }
        return try Self.decode(type, JSONReader(value: payload))
    }

    /// The payload of a checked `ApplicationUpdate` body, as `type`'s (the application's own).
    ///
    /// - Throws: ``BusinessError`` 422 naming each member when the payload is not of `type`'s shape
    ///   (the body's schema takes any type's payload; which one is the stored application's).
    static func decode(_ type: ApplicationType, update input: RequestInput) throws -> TypedPayload {
        guard case .object(let members)? = input.body, let payload = members["payload"] else {
            preconditionFailure("an ApplicationUpdate passed its schema without a payload")
        }
        if case .string(let named)? = members["type"], named != type.rawValue {
            throw BusinessError(
                422,
                zh: "本申请的业务类型为 \(type.rawValue)，不能改为 \(named)",
                en: "the application is of type \(type.rawValue), not \(named)",
                issues: [ValidationIssue(field: "type", code: .notAllowed, arguments: ["allowed": type.rawValue])]
            )
        }
        let issues = SchemaValidator.shared.issues(
            payload,
            OpenAPI.Schema.ref(OpenAPI.Schemas.payloadSchema(type)),
            at: "payload"
        )
        guard issues.isEmpty else {
            throw BusinessError(
                422,
                zh: "修改的内容不是本申请业务类型（\(type.rawValue)）的数据",
                en: "the payload is not of the application's type (\(type.rawValue))",
                issues: issues
            )
        }
        return try Self.decode(type, JSONReader(value: payload))
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

    /// The business type.
    var type: ApplicationType {
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

/// A checked payload of a request body.
private struct JSONReader: PayloadReader {
    var value: JSONInput

    func read<P: Decodable>() throws -> P {
        try self.value.decode(P.self)
    }
}

/// A payload as stored.
private struct StoredReader: PayloadReader {
    var json: PostgresJSON

    func read<P: Decodable>() throws -> P {
        try self.json.decode(P.self)
    }
}
