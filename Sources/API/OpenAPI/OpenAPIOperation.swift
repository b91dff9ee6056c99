import HTTP1

extension OpenAPI {
    /// One operation of the API: a route, what it reads and what it answers. The route is registered
    /// from it (``APIRouter``), its inputs are checked against it before the handler runs, and the
    /// API description is written from it: the three cannot disagree.
    struct Operation: Sendable {
        /// Who may call it, and what comes with that.
        enum Access: Sendable {
            /// Anyone, no session.
            case open
            /// A session (bearer token) of any principal, through ``Authenticator``.
            case session
            /// A session through ``BusinessService``, for the principals `rule` lets in; a POST
            /// that changes state honours an `Idempotency-Key` when `idempotent`.
            case business(API.Access, idempotent: Bool)
        }

        var method: HTTPMethod
        /// An OpenAPI path template: `/api/v1/applications/{id}`.
        var path: String
        var id: String
        var tag: String
        /// "中文 / English".
        var summary: String
        var description: String?
        var access: Access
        var parameters: [Parameter] = []
        var requestBody: RequestBody?
        /// The answers by status, other than the problem documents of `errors`.
        var responses: [Int: JSONValue]
        /// The problem statuses the handler answers. Those every route can answer (the server's
        /// own refusals, 401 and 403 for a session, 404 for a path parameter) are added.
        var errors: [Int] = []
        /// The largest body taken, when not the server's default: larger is a 413 before it is read.
        var maxBodyBytes: Int?

        /// The router's pattern: `/api/v1/applications/:id`.
        var routerPattern: String {
            self.path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
                segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : segment
            }.joined(separator: "/")
        }

        /// Whether a request without a bearer token is refused (401) before anything else.
        var needsSession: Bool {
            switch self.access {
            case .open: false
            case .session, .business: true
            }
        }

        /// Every parameter checked and described: the operation's own, the language, and the
        /// `Idempotency-Key` of an idempotent business operation.
        var allParameters: [Parameter] {
            var all = self.parameters + [Parameter.acceptLanguage]
            if case .business(_, idempotent: true) = self.access {
                all.append(Parameter.idempotencyKey)
            }
            return all
        }

        /// Every problem status the operation can answer.
        var problemStatuses: Set<Int> {
            var statuses = Set(self.errors).union(Components.transportStatuses)
            if self.needsSession { statuses.formUnion([401, 403]) }
            if self.parameters.contains(where: { $0.location == .path }) { statuses.insert(404) }
            if self.requestBody != nil { statuses.insert(413) }
            // What the database refuses in a business change (``BusinessFailure/init(_:)``): a
            // row out of scope, a lost race on a unique rule, a broken constraint.
            if case .business = self.access, self.method != .get { statuses.formUnion([404, 409, 422]) }
            return statuses.subtracting(self.responses.keys)
        }

        /// Every status the operation can answer.
        var statuses: Set<Int> {
            self.problemStatuses.union(self.responses.keys)
        }

        var json: JSONValue {
            var operation: [String: JSONValue] = [
                "operationId": .string(self.id),
                "summary": .string(self.summary),
                "tags": [.string(self.tag)],
            ]
            var description = self.description ?? ""
            var successHeaders: [String] = []
            switch self.access {
            case .open:
                operation["security"] = []
            case .session:
                operation["security"] = [["bearer": []]]
            case .business(let rule, let idempotent):
                operation["security"] = [["bearer": []]]
                let (roles, persons) = rule.principals
                operation["x-shebao-roles"] = .array(roles.map(JSONValue.string))
                operation["x-shebao-persons"] = .bool(persons)
                description += (description.isEmpty ? "" : " ") + rule.summary
                successHeaders.append("Content-Language")
                if idempotent { successHeaders.append("Idempotent-Replayed") }
            }
            operation["description"] = description.isEmpty ? nil : .string(description)
            operation["parameters"] = .array(self.allParameters.map(\.reference))
            if let body = self.requestBody {
                operation["requestBody"] = body.json(maxBytes: self.maxBodyBytes)
            }
            var responses: [String: JSONValue] = [:]
            for (status, response) in self.responses {
                responses[String(status)] = status < 300 ? Reply.adding(successHeaders, to: response) : response
            }
            for status in self.problemStatuses {
                responses[String(status)] = Components.problemResponse(status)
            }
            operation["responses"] = .object(responses)
            return .object(operation)
        }
    }

    /// A parameter of an operation: in the path, the query or a header.
    struct Parameter: Sendable {
        enum Location: String, Sendable {
            case path, query, header
        }

        var name: String
        var location: Location
        var isRequired: Bool
        var schema: JSONValue
        var description: String
        /// The name under `components.parameters` when it is one of those: written as a `$ref`.
        var component: String?

        /// As a parameter object.
        var json: JSONValue {
            [
                "name": .string(self.name), "in": .string(self.location.rawValue), "required": .bool(self.isRequired),
                "schema": self.schema, "description": .string(self.description),
            ]
        }

        /// As the operation writes it: a reference to the component, or the object itself.
        var reference: JSONValue {
            guard let component else { return self.json }
            return ["$ref": .string("#/components/parameters/\(component)")]
        }

        /// A path parameter: a positive integer ID.
        static func id(_ description: String) -> Parameter {
            Self.path("id", Schema.id(), description)
        }

        static func path(_ name: String, _ schema: JSONValue, _ description: String) -> Parameter {
            Parameter(name: name, location: .path, isRequired: true, schema: schema, description: description)
        }

        static func query(
            _ name: String,
            _ schema: JSONValue,
            _ description: String,
            required: Bool = false
        ) -> Parameter {
            Parameter(name: name, location: .query, isRequired: required, schema: schema, description: description)
        }

        /// `limit`: the page size.
        static func limit(default value: Int, maximum: Int) -> Parameter {
            Self.query(
                "limit",
                ["type": "integer", "minimum": 1, "maximum": .integer(maximum), "default": .integer(value)],
                "Items per page."
            )
        }

        /// `cursor`: where the page starts, from the previous page's `next`.
        static var cursor: Parameter {
            Self.query(
                "cursor",
                Schema.id(),
                "Where the page starts: take it from the `next` link of the previous page."
            )
        }

        static let acceptLanguage = Parameter(
            name: "Accept-Language",
            location: .header,
            isRequired: false,
            schema: ["type": "string", "default": "zh-CN", "examples": ["en", "zh-CN"]],
            description: "简体中文（默认）或英文 / Chinese by default; English for `en` (RFC 9110 weights count).",
            component: "AcceptLanguage"
        )

        static let idempotencyKey = Parameter(
            name: "Idempotency-Key",
            location: .header,
            isRequired: false,
            schema: ["type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]{1,255}$"],
            description: """
                A key of the client's choosing (a UUID, say): a retry with the same key gets the first answer \
                again (`Idempotent-Replayed: true`) and changes nothing; the same key with another body is a 422.
                """,
            component: "IdempotencyKey"
        )

        static let ifMatch = Parameter(
            name: "If-Match",
            location: .header,
            isRequired: false,
            schema: Schema.string(maxLength: 200),
            description: "The ETag read: when given and stale, the answer is 412 and nothing changes.",
            component: "IfMatch"
        )

        static let ifMatchRequired = Parameter(
            name: "If-Match",
            location: .header,
            isRequired: true,
            schema: Schema.string(maxLength: 200),
            description: "The ETag read (`\"3\"`, or `*`): stale is a 412, absent a 428, and nothing changes.",
            component: "IfMatchRequired"
        )

        /// The parameters kept under `components.parameters`.
        static let components: [Parameter] = [.acceptLanguage, .idempotencyKey, .ifMatch, .ifMatchRequired]
    }

    /// What an operation takes as its body.
    enum RequestBody: Sendable {
        /// JSON of the schema `#/components/schemas/<name>`.
        case json(String, description: String? = nil)
        /// A file's bytes: a JPEG, PNG or PDF.
        case upload
        /// A file's bytes as they are, sent as any of `mediaTypes`: what the file is, its content
        /// decides (`description` says how).
        case file(mediaTypes: [String], description: String)

        func json(maxBytes: Int?) -> JSONValue {
            let limit = maxBytes.map { " At most \($0) bytes (413 beyond)." } ?? ""
            switch self {
            case .json(let schema, let description):
                var body: [String: JSONValue] = ["required": true, "content": Reply.content(Schema.ref(schema))]
                if let text = description.map({ $0 + limit }) ?? (limit.isEmpty ? nil : String(limit.dropFirst())) {
                    body["description"] = .string(text)
                }
                return .object(body)
            case .upload:
                return [
                    "required": true,
                    "description": .string(
                        """
                        The file's bytes: a JPEG, PNG or PDF.\(limit) The type is recognised by the bytes, whatever \
                        the Content-Type says: anything else (an empty body too) is a 415.
                        """
                    ),
                    "content": Self.binary([
                        "application/octet-stream", "image/jpeg", "image/png", "application/pdf",
                    ]),
                ]
            case .file(let types, let description):
                return [
                    "required": true,
                    "description": .string(description + limit),
                    "content": Self.binary(types),
                ]
            }
        }

        /// Raw bytes in any of `types`.
        private static func binary(_ types: [String]) -> JSONValue {
            .object(
                Dictionary(
                    uniqueKeysWithValues: types.map { ($0, ["schema": ["type": "string", "format": "binary"]]) }
                )
            )
        }
    }

    /// Building blocks of answers.
    enum Reply {
        /// A JSON answer of schema `schema`, with the headers named `headers`.
        static func json(_ schema: String, _ description: String, headers: [String] = []) -> JSONValue {
            Self.adding(
                headers,
                to: ["description": .string(description), "content": Self.content(Schema.ref(schema))]
            )
        }

        /// An answer without a body.
        static func empty(_ description: String, headers: [String] = []) -> JSONValue {
            Self.adding(headers, to: ["description": .string(description)])
        }

        /// An answer in any of `types`, each of schema `schema`.
        static func media(_ types: [String], _ schema: JSONValue, _ description: String) -> JSONValue {
            [
                "description": .string(description),
                "content": .object(Dictionary(uniqueKeysWithValues: types.map { ($0, ["schema": schema]) })),
            ]
        }

        /// `{"application/json": {"schema": schema}}`.
        static func content(_ schema: JSONValue) -> JSONValue {
            ["application/json": ["schema": schema]]
        }

        /// `response` with references to the headers named `headers` added.
        static func adding(_ headers: [String], to response: JSONValue) -> JSONValue {
            guard !headers.isEmpty else { return response }
            var all = response.members["headers"]?.members ?? [:]
            for name in headers {
                all[name] = Components.header(name)
            }
            return response.merging(["headers": .object(all)])
        }
    }
}

extension Access {
    /// The roles let in, sorted, and whether insured persons are.
    var principals: (roles: [String], persons: Bool) {
        switch self {
        case .operators(let roles): (roles.sorted(), false)
        case .personsAnd(let roles): (roles.sorted(), true)
        }
    }

    /// "Roles: clerk, reviewer; insured persons see their own.", for the description.
    var summary: String {
        let (roles, persons) = self.principals
        let list = "Role\(roles.count == 1 ? "" : "s"): \(roles.joined(separator: ", "))"
        return persons ? list + "; insured persons see their own." : list + "."
    }
}
