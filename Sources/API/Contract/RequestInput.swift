import Domain
import HTTPServer

/// A request's parameters and body, checked against its operation before the handler runs: the
/// handler reads typed values, and only those its operation declares (reading another one is a
/// bug of ours and stops the worker, so that route and description cannot drift apart).
public struct RequestInput: Sendable {
    /// The checked values by name, defaults applied; absent when not given and without default.
    private var values: [String: JSONInput]
    /// The names the operation declares.
    private var declared: Set<String>
    /// The JSON body, checked; nil for an operation without one.
    let body: JSONInput?

    init(values: [String: JSONInput], declared: Set<String>, body: JSONInput?) {
        self.values = values
        self.declared = declared
        self.body = body
    }

    private func value(_ name: String) -> JSONInput? {
        precondition(self.declared.contains(name), "the operation declares no parameter \(name)")
        return self.values[name]
    }

    /// A declared integer parameter, if given (or defaulted).
    func integer(_ name: String) -> Int64? {
        self.value(name)?.integerValue
    }

    /// A required or defaulted integer parameter.
    func integer(required name: String) -> Int64 {
        guard let value = self.integer(name) else {
            preconditionFailure("the parameter \(name) is neither required nor defaulted")
        }
        return value
    }

    /// A declared text parameter, if given (or defaulted).
    func string(_ name: String) -> String? {
        if case .string(let text)? = self.value(name) { return text }
        return nil
    }

    /// A declared boolean parameter, if given (or defaulted).
    func bool(_ name: String) -> Bool? {
        if case .bool(let flag)? = self.value(name) { return flag }
        return nil
    }

    /// The checked JSON body as `T`.
    ///
    /// - Throws: when `T` takes less than the schema allows: a fault of ours (answered 500), which
    ///   the API fuzzing step finds.
    func body<T: Decodable>(_ type: T.Type) throws -> T {
        guard let body = self.body else {
            preconditionFailure("the operation declares no JSON body")
        }
        return try body.decode(T.self)
    }
}

extension OpenAPI.Operation {
    /// The request's parameters and body checked against this operation.
    ///
    /// - Throws: ``ShapeFailure`` listing every issue.
    func input(of request: HTTPRequest, validator: SchemaValidator = .shared) throws(ShapeFailure) -> RequestInput {
        var issues: [ValidationIssue] = []
        var values: [String: JSONInput] = [:]
        for parameter in self.allParameters {
            let raw: String? =
                switch parameter.location {
                case .path: request.parameters[parameter.name]
                case .query: request.query(parameter.name)
                case .header: request.headers[parameter.name]
                }
            let arguments = ["in": parameter.location.rawValue]
            guard let raw else {
                if parameter.isRequired {
                    issues.append(ValidationIssue(field: parameter.name, code: .required, arguments: arguments))
                } else if let fallback = parameter.schema.members["default"] {
                    values[parameter.name] = JSONInput(fallback)
                }
                continue
            }
            let value = Self.typed(raw, parameter.schema, validator)
            let found = parameter.issues(value, validator)
            if found.isEmpty {
                values[parameter.name] = value
            } else {
                issues += found
            }
        }
        issues.sort { $0.field < $1.field }
        var body: JSONInput?
        if case .json(let schema, _) = self.requestBody {
            do {
                let parsed = try JSONInput.parse(request.body)
                issues += validator.issues(parsed, OpenAPI.Schema.ref(schema))
                body = parsed
            } catch {
                issues += error.issues
            }
        }
        guard issues.isEmpty else { throw ShapeFailure(issues) }
        return RequestInput(values: values, declared: Set(self.allParameters.map(\.name)), body: body)
    }

    /// A parameter's text as the JSON value its schema's type reads it as: a number for an
    /// `integer` (when it is one), `true`/`false` for a `boolean`, the text otherwise (which then
    /// fails an `integer` or `boolean` schema as a wrong type).
    private static func typed(_ raw: String, _ schema: OpenAPI.JSONValue, _ validator: SchemaValidator) -> JSONInput {
        var type = schema.members["type"]
        if case .string(let reference)? = schema.members["$ref"] {
            type = validator.schemas[String(reference.split(separator: "/").last ?? "")]?.members["type"]
        }
        switch type {
        case .string("integer")?:
            // Decimal digits with an optional sign only: no spaces, no `+`, no exponent.
            let digits = raw.hasPrefix("-") ? raw.utf8.dropFirst() : raw.utf8.dropFirst(0)
            if !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                return Int64(raw).map(JSONInput.integer) ?? .number(Double(raw) ?? .infinity)
            }
        case .string("boolean")?:
            if raw == "true" { return .bool(true) }
            if raw == "false" { return .bool(false) }
        default:
            break
        }
        return .string(raw)
    }
}

extension OpenAPI.Parameter {
    /// The issues of `value` against this parameter's schema, each naming the parameter and where
    /// it is (`arguments.in`: `path`, `query` or `header`).
    func issues(_ value: JSONInput, _ validator: SchemaValidator = .shared) -> [ValidationIssue] {
        validator.issues(value, self.schema, at: self.name).map { issue in
            var issue = issue
            issue.arguments["in"] = self.location.rawValue
            return issue
        }
    }
}

extension JSONInput {
    /// A schema's literal (a `default`) as a value.
    init(_ literal: OpenAPI.JSONValue) {
        switch literal {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .integer(let number): self = .integer(Int64(number))
        case .string(let text): self = .string(text)
        case .array(let items): self = .array(items.map(JSONInput.init))
        case .object(let members): self = .object(members.mapValues(JSONInput.init))
        }
    }
}
