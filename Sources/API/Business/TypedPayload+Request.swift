import Business
import Domain

// Application payloads from request bodies that passed their schema.

extension TypedPayload {
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
}

/// A checked payload of a request body.
struct JSONReader: PayloadReader {
    public var value: JSONInput

    public func read<P: Decodable>() throws -> P {
        try self.value.decode(P.self)
    }
}
