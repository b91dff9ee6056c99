extension OpenAPI {
    /// One operation of the API description: a route, what it reads and what it answers.
    struct Operation {
        /// Who may call it, and what comes with that.
        enum Access {
            /// Anyone, no session; answers in Chinese only (system routes, voucher checks).
            case open
            /// Anyone, no session; problems in the language of `Accept-Language` (the log-in routes).
            case openLocalized
            /// A session (bearer token); problems in the language of `Accept-Language`.
            case session
            /// A session, through the business service: the answer's language follows
            /// `Accept-Language` (and says so in `Content-Language`), and a POST that changes state
            /// honours an `Idempotency-Key` when `idempotent`.
            case business(idempotent: Bool)
        }

        /// Lower-case, as OpenAPI writes it: `get`, `post` …
        var method: String
        /// An OpenAPI path template: `/api/v1/applications/{id}`.
        var path: String
        var id: String
        var tag: String
        /// "中文 / English".
        var summary: String
        var description: String?
        var access: Access
        var parameters: [JSONValue] = []
        var requestBody: JSONValue?
        /// The answers by status, other than the problem documents of `errors`.
        var responses: [Int: JSONValue]
        /// The problem statuses it can answer, besides 401 for the routes that need a session and 413
        /// for those that take a body, which are added.
        var errors: [Int] = []

        var json: JSONValue {
            var operation: [String: JSONValue] = [
                "operationId": .string(self.id),
                "summary": .string(self.summary),
                "tags": [.string(self.tag)],
            ]
            operation["description"] = self.description.map(JSONValue.string)
            var parameters = self.parameters
            var errors = Set(self.errors)
            var successHeaders: [String] = []
            switch self.access {
            case .open:
                operation["security"] = []
            case .openLocalized:
                operation["security"] = []
                parameters.append(Components.parameter("AcceptLanguage"))
            case .session:
                operation["security"] = [["bearer": []]]
                errors.insert(401)
                parameters.append(Components.parameter("AcceptLanguage"))
            case .business(let idempotent):
                operation["security"] = [["bearer": []]]
                errors.insert(401)
                parameters.append(Components.parameter("AcceptLanguage"))
                successHeaders.append("Content-Language")
                if idempotent {
                    parameters.append(Components.parameter("IdempotencyKey"))
                    successHeaders.append("Idempotent-Replayed")
                }
            }
            if let body = self.requestBody {
                operation["requestBody"] = body
                errors.insert(413)
            }
            if !parameters.isEmpty {
                operation["parameters"] = .array(parameters)
            }
            var responses: [String: JSONValue] = [:]
            for (status, response) in self.responses {
                responses[String(status)] = status < 300 ? Reply.adding(successHeaders, to: response) : response
            }
            for status in errors {
                responses[String(status)] = Components.problemResponse(status)
            }
            operation["responses"] = .object(responses)
            return .object(operation)
        }
    }

    /// Building blocks of operations: answers, parameters, bodies.
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

    enum Body {
        /// A required JSON body of schema `schema`.
        static func json(_ schema: String, _ description: String? = nil) -> JSONValue {
            var body: [String: JSONValue] = ["required": true, "content": Reply.content(Schema.ref(schema))]
            body["description"] = description.map(JSONValue.string)
            return .object(body)
        }

        /// A scan: the file's bytes, as the body.
        static var upload: JSONValue {
            [
                "required": true,
                "description": """
                The file's bytes: a JPEG, PNG or PDF of at most \(RegistryRoutes.maxDocumentBytes) bytes (5 MiB). \
                The type is recognised by the bytes, whatever the Content-Type says.
                """,
                "content": .object(
                    Dictionary(
                        uniqueKeysWithValues: [
                            "application/octet-stream", "image/jpeg", "image/png", "application/pdf",
                        ]
                        .map { ($0, ["schema": ["type": "string", "contentMediaType": .string($0)]]) }
                    )
                ),
            ]
        }
    }

    enum Parameter {
        /// A path parameter: a positive integer ID.
        static func id(_ description: String) -> JSONValue {
            Self.path("id", Schema.id(), description)
        }

        static func path(_ name: String, _ schema: JSONValue, _ description: String) -> JSONValue {
            [
                "name": .string(name), "in": "path", "required": true, "schema": schema,
                "description": .string(description),
            ]
        }

        static func query(
            _ name: String,
            _ schema: JSONValue,
            _ description: String,
            required: Bool = false
        ) -> JSONValue {
            [
                "name": .string(name), "in": "query", "required": .bool(required), "schema": schema,
                "description": .string(description),
            ]
        }

        /// `limit`: the page size.
        static func limit(default value: Int, maximum: Int) -> JSONValue {
            Self.query(
                "limit",
                ["type": "integer", "minimum": 1, "maximum": .integer(maximum), "default": .integer(value)],
                "Items per page."
            )
        }

        /// `cursor`: where the page starts, from the previous page's `next`.
        static var cursor: JSONValue {
            Self.query(
                "cursor",
                Schema.id(),
                "Where the page starts: take it from the `next` link of the previous page."
            )
        }
    }
}
